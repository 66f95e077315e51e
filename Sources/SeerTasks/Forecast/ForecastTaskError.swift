// What can stop a forecast job before or after the model itself: an input with nothing to
// forecast, `auto` with no held-out windows to choose by, and intervals whose calibration does
// not fit the history. Messages speak of the request's settings (look-back, horizon, levels,
// folds), never of command-line flags; the CLI adds the flag that changes each one.
import SeerBase

/// Why a forecast job cannot go on.
public enum ForecastTaskError: SeerError, Equatable {
    /// The input has no value columns.
    case noValueColumns
    /// A value column is empty or NaN in every row.
    case noValues(rows: Int, at: SourceLocation)
    /// `auto` found no candidate with held-out windows to compare.
    case nothingToChooseBy
    /// Intervals need `folds` backtest folds, each `minimumHistory` + H steps; the longest
    /// series holds only `fit` of them even with cutoffs one step apart.
    case calibrationDoesNotFit(folds: Int, minimumHistory: Int, longest: Int, fit: Int, foldsRequested: Bool, setBy: HistoryNeed)
    /// A level needs `needed` residuals per horizon step; the backtest gave `available`.
    case tooFewResiduals(level: Int, needed: Int, available: Int, folds: Int, series: Int)

    public var kind: FailureKind {
        switch self {
        case .noValues: return .badInput
        case .noValueColumns, .nothingToChooseBy, .calibrationDoesNotFit, .tooFewResiduals: return .usage
        }
    }

    public var description: String {
        switch self {
        case .noValueColumns:
            return "the input holds no value columns to forecast"
        case .noValues(let rows, let location):
            return DataError(.badInput, "no values to forecast: all \(rows) rows are empty or NaN", at: location).description
        case .nothingToChooseBy:
            return "choosing a model automatically needs enough history for held-out windows"
        case .calibrationDoesNotFit(let folds, let minimumHistory, let longest, let fit, _, _):
            return "intervals need \(folds) backtest folds, each with \(minimumHistory) steps of history + H; the longest "
                + "series (\(longest) steps) holds \(fit) even with cutoffs one step apart"
        case .tooFewResiduals(let level, let needed, let available, let folds, let series):
            return "\(level) % intervals need at least \(needed) backtest residuals per step; \(available) come from \(folds) fold(s) over "
                + "\(series) series (shorter series sit out the earliest folds)"
        }
    }
}
