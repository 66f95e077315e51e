// A forecasting program written against Seer's public API only (`import Seer`): load a CSV,
// backtest a model, fit it, forecast the next year, save it and load it back — then the same
// job as `seer forecast --levels 80` does it, through the task layer.
//
//   swift run seer-example-forecast [data/airline_passengers.csv] [horizon]
import Foundation
import Seer

let arguments = CommandLine.arguments
let path = arguments.count > 1 ? arguments[1] : "data/airline_passengers.csv"
let horizon = arguments.count > 2 ? Int(arguments[2]) ?? 12 : 12

do {
    // 1. Data: the first series of the file, missing values interpolated.
    let series = try CSVLoader.load(path, options: CSVOptions(missing: .interpolate)).series[0]
    print("\(series.id): \(series.rowCount) steps, frequency \(series.profile().frequency ?? "?")")

    // 2. How good would DLinear have been? Three rolling-origin folds, refit at each cutoff.
    let forecaster = Forecaster(model: .dlinear, lookback: 3 * horizon, horizon: horizon)
    let backtest = try forecaster.backtest([series], folds: 3)
    print("backtest MSE \(backtest.mse), MAE \(backtest.mae)")
    let widths = backtest.halfWidths(level: 0.5)

    // 3. Fit on the whole history and forecast the next `horizon` steps.
    try forecaster.fit(series)
    let forecast = try forecaster.predict(series)

    // 4. Save, load back, and check the loaded model forecasts the same.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-example-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try forecaster.save(to: directory)
    let (loaded, _) = try Forecaster.load(from: directory)
    let same = try loaded.predict(series).columns == forecast.columns
    print("saved and reloaded: \(same ? "same forecast" : "DIFFERENT forecast")")

    for row in 0..<forecast.rowCount {
        let ds = forecast.timestamp(ofRow: row).map { CivilTime.format($0) } ?? String(series.rowCount + row)
        let value = forecast.columns[0].values[row]
        let band = widths.map { " (50 %: \($0[row] > 0 ? "±\($0[row])" : "0"))" } ?? ""
        print("\(ds) \(value)\(band)")
    }
    if !same { exit(1) }

    // 5. The task layer: a request, a run that trains and calibrates, and the CSV the CLI writes.
    let source = DataSource.csv(path: path, options: CSVOptions(missing: .interpolate))
    let data = try ForecastData(series: try source.loadSeries().series, source: source.name)
    let run = ForecastRun(data: data, request: ForecastRequest(horizon: horizon, model: .family(.dlinear)))
    let trained = try run.train()
    let result = try ForecastResult(trained.forecaster, data: data, chosenBy: trained.chosenBy, scores: trained.scores,
                                    widths: try run.calibrate(trained.forecaster, levels: [80], folds: nil))
    print(result.summary)
    print(result.csv.split(separator: "\n").first.map(String.init) ?? "")
} catch {
    FileHandle.standardError.write(Data("seer-example-forecast: \(error)\n".utf8))
    exit(1)
}
