// What can stop a forecast job before or after the model itself: an input with nothing to
// forecast, `auto` with no held-out windows to choose by, and intervals whose calibration does
// not fit the history. Messages speak of the request's settings (look-back, horizon, levels,
// folds), never of command-line flags; the CLI adds the flag that changes each one.
import SeerBase
import SeerData

/// Why a forecast job cannot go on.
public enum ForecastTaskError: SeerError, Equatable {
    /// The input has no value columns.
    case noValueColumns
    /// A value column is empty or NaN in every row.
    case noValues(rows: Int, at: SourceLocation)
    /// A value so far from the rest of its series that no model can be fitted with it
    /// (`ExtremeValues`); `at` names the file and line when the series came from one.
    case extremeValue(series: String, row: Int, time: String?, ExtremeValue, at: SourceLocation?)
    /// A series holds NaN or ±Inf where a model needs values: the first at `row` (0-based), at `time`.
    case missingValues(series: String, row: Int, time: String?)
    /// No `auto` candidate can fit or forecast a history this short; `needs`: the steps each needs.
    case nothingFits(longest: Int, needs: [String: Int])
    /// The same, for `auto`'s choice on the history before a backtest's first cutoff.
    case nothingFitsBefore(cutoff: String, longest: Int, needs: [String: Int])
    /// Intervals need `folds` backtest folds, each `minimumHistory` + H steps; the longest
    /// series holds only `fit` of them even with cutoffs one step apart.
    case calibrationDoesNotFit(folds: Int, minimumHistory: Int, longest: Int, fit: Int, foldsRequested: Bool, setBy: HistoryNeed)
    /// A level needs `needed` residuals per horizon step; the backtest gave `available`.
    case tooFewResiduals(level: Int, needed: Int, available: Int, folds: Int, series: Int)

    public var kind: FailureKind {
        switch self {
        case .noValues, .extremeValue, .missingValues: return .badInput
        case .nothingFits, .nothingFitsBefore: return .badInput
        case .noValueColumns, .calibrationDoesNotFit, .tooFewResiduals: return .usage
        }
    }

    static func list(_ needs: [String: Int]) -> String {
        needs.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    public var description: String {
        switch self {
        case .noValueColumns:
            return "the input holds no value columns to forecast"
        case .noValues(let rows, let location):
            return DataError(.badInput, "no values to forecast: all \(rows) rows are empty or NaN", at: location).description
        case .extremeValue(let series, let row, let time, let extreme, let location):
            let place = "series '\(series)', value \(row + 1)" + (time.map { " (\($0))" } ?? "")
            let text = "\(place): \(extreme.summary); a value this far out swamps every model (a glitch, or a counter reset?): "
                + "correct it, or leave the cell empty to make it a missing value"
            return location.map { DataError(.badInput, text, at: $0).description } ?? text
        case .missingValues(let series, let row, let time):
            return "series '\(series)' has missing or non-finite values, the first at value \(row + 1)" + (time.map { " (\($0))" } ?? "")
                + "; fill them first"
        case .nothingFits(let longest, let needs):
            return "the longest series has \(longest) steps; no candidate model can forecast it (steps each needs: \(Self.list(needs)))"
        case .nothingFitsBefore(let cutoff, let longest, let needs):
            return "choosing a model on the history up to the first cutoff (\(cutoff)): the longest series has \(longest) steps there; "
                + "no candidate model can forecast it (steps each needs: \(Self.list(needs)))"
        case .calibrationDoesNotFit(let folds, let minimumHistory, let longest, let fit, _, _):
            return "intervals need \(folds) backtest folds, each with \(minimumHistory) steps of history + H; the longest "
                + "series (\(longest) steps) holds \(fit) even with cutoffs one step apart"
        case .tooFewResiduals(let level, let needed, let available, let folds, let series):
            return "\(level) % intervals need at least \(needed) backtest residuals per step; \(available) come from \(folds) fold(s) over "
                + "\(series) series (shorter series sit out the earliest folds)"
        }
    }
}
