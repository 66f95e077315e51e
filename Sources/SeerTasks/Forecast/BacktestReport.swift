// A rolling-origin backtest as users receive it: one row per sequence, fold and forecast step
// (`unique_id,cutoff,ds,y,<model>`, as Nixtla's cross-validation writes it), the model and how it
// was chosen, and the overall MSE and MAE. With `auto` the model is chosen on the history before
// the first cutoff, so the backtest stays out of sample.
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerTensor

/// The rows and figures of a backtest.
public struct BacktestReport: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var uniqueId: String, cutoff: String, ds: String, y: Float, forecast: Float
        enum CodingKeys: String, CodingKey { case uniqueId = "unique_id", cutoff, ds, y, forecast }
    }

    public var model: String, chosenBy: String, lookback: Int, horizon: Int, folds: Int, step: Int, refit: Bool, mse: Double, mae: Double
    public var rows: [Row]
    /// The folds themselves (for plots); not in the JSON.
    public var foldResults: [BacktestFold] = []
    /// Folds that refitted with a shorter look-back, and how.
    public var notes: [String] = []

    enum CodingKeys: String, CodingKey { case model, chosenBy, lookback, horizon, folds, step, refit, mse, mae, rows, notes }

    /// Backtests `run`'s request over `run.data`: `folds` cutoffs `step` apart (nil: H), refitting
    /// before each (or once before the earliest).
    public init(_ run: ForecastRun, folds: Int, step: Int?, refit: Bool, observer: TrainingObserver?) throws {
        _ = try backend(for: run.request.device)
        let data = run.data, step = step ?? run.request.horizon
        chosenBy = run.namedChoice
        let forecaster: Forecaster
        switch run.request.model {
        case .family(let family):
            forecaster = Forecaster(run.config(family))
        case .auto:
            let cut = run.request.horizon + (folds - 1) * step
            let earlier = try data.droppingLast(cut)
            let chosen: TrainedForecaster
            do {
                chosen = try ForecastRun(data: earlier, request: run.request).train()
            } catch ForecastTaskError.nothingFits(let longest, let needs) {
                let longestIndex = data.sequences.indices.max { data.sequences[$0].values.count < data.sequences[$1].values.count } ?? 0
                let cutoff = data.sequences[longestIndex].values.count - cut - 1
                throw ForecastTaskError.nothingFitsBefore(cutoff: cutoff >= 0 ? data.ds(longestIndex, step: cutoff) : "before the first step",
                                                          longest: longest, needs: needs)
            }
            // The chosen model (or ensemble), untrained, backtested over every fold.
            forecaster = chosen.forecaster.untrainedCopy()
            chosenBy = chosen.chosenBy + " before the first cutoff"
        }
        let config = forecaster.config
        let result = try data.namingSeries { try forecaster.backtest(data.values, folds: folds, step: step, refit: refit, observer: observer) }
        var rows: [Row] = []
        for fold in result.folds {
            for (s, cutoff) in fold.cutoffs.enumerated() {
                guard let cutoff else { continue }
                for (k, value) in fold.forecasts[s].enumerated() {
                    rows.append(Row(uniqueId: data.sequences[s].id, cutoff: data.ds(s, step: cutoff - 1), ds: data.ds(s, step: cutoff + k),
                                    y: data.sequences[s].values[cutoff + k], forecast: value))
                }
            }
        }
        model = forecaster.modelName
        lookback = config.lookback
        horizon = config.horizon
        self.folds = folds
        self.step = step
        self.refit = refit
        mse = result.mse
        mae = result.mae
        self.rows = rows
        foldResults = result.folds
        notes = result.notes
    }

    /// The rows as CSV text with a header.
    public var csv: String {
        var text = CSVWriter.line(["unique_id", "cutoff", "ds", "y", model])
        for row in rows { text += CSVWriter.line([row.uniqueId, row.cutoff, row.ds, "\(row.y)", "\(row.forecast)"]) }
        return text
    }

    /// One line: model, folds, look-back and the errors.
    public var summary: String {
        "backtest of \(model) (\(chosenBy)): \(folds) folds × H = \(horizon)\(step == horizon ? "" : " (cutoffs \(step) apart)"), "
            + "look-back \(lookback); MSE \(formatNumber(mse)), MAE \(formatNumber(mae))"
            + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
    }
}
