// `seer forecast FILE --horizon H`: load a CSV or SQLite input, train the chosen model on every
// value column of every series (one global model, each column a univariate sequence), forecast
// H steps past the end with timestamps at the inferred frequency, and write long-format
// `unique_id,ds,<model>[,<model>-lo-80,<model>-hi-80 …]` as CSV (stdout or --out), JSON, or a
// SQLite table. `--model auto` fits the candidates and keeps the one with the lowest error on
// the held-out last windows. `--levels` adds split-conformal intervals from a rolling-origin
// backtest's residuals. `--registry R --key K` forecasts with a registered version (the champion
// by default) instead of training: the morning half of the nightly loop.
import ArgumentParser
import Seer

struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Train on a series' history and forecast the next H steps.")

    @OptionGroup var input: InputOptions
    @OptionGroup var options: ModelOptions
    @OptionGroup var levels: LevelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "A registered model instead of training") var registered: RegistryModelOptions

    func validate() throws {
        try input.requireInput()
        if input.isClassificationFile { throw ValidationError("\(input.file!) is a classification file; forecast needs a CSV or SQLite series") }
        if registered.registry != nil {
            if options.model != "auto" { throw ValidationError("--model trains a model and --registry uses a registered one: give one of them") }
            if levels.levels != nil { throw ValidationError("with --registry the intervals are the ones the registered model was saved with; --levels does not apply") }
        }
    }

    func run() throws {
        try reportingErrors {
            if let version = try registered.load() {
                let steps = version.forecaster.config.horizon
                guard options.horizon == steps else {
                    throw CommandFailure("--horizon \(options.horizon): \(version.from) forecasts \(steps) steps; give --horizon \(steps)", kind: .usage)
                }
                let data = try input.forecastData()
                let result = try ForecastResult(version.forecaster, data: data, chosenBy: "loaded from \(version.from)", scores: [:],
                                                intervals: version.card.intervals)
                return try output.emit(result, data: data, source: input.source.name)
            }
            let request = try options.request()
            let run = options.run(request, on: try input.forecastData(), progress: output.progress)
            let data = run.data
            let trained = try run.train()
            let result = try ForecastResult(trained, data: data, intervals: try levels.intervals(run, trained.forecaster))
            try output.emit(result, data: data, source: input.source.name)
        }
    }
}
