// What a forecaster can refuse: the history it needs (and what sets that minimum, so a message
// can name the real sum and the settings that lower it), and the errors of fitting, predicting,
// loading and saving.
import SeerBase

/// What sets the history a forecaster needs, so an error can say the real minimum and what lowers it.
public enum HistoryNeed: Equatable, Sendable {
    /// One window: look-back + horizon + 1 steps (models that train, and held-out windows).
    case window(lookback: Int, horizon: Int)
    /// One window of seasonal-naive, whose season is longer than the look-back: season + horizon + 1.
    case seasonWindow(season: Int, horizon: Int)
    /// What a forecast reads: the last `lookback` steps.
    case lookback(Int)
    /// What seasonal-naive's forecast reads: the last season.
    case season(Int)
    /// Backtest folds: each needs `minimumHistory` steps before its cutoff, and the earliest of
    /// `folds` cutoffs `step` apart lies H + (folds − 1)·step steps before the end.
    case folds(minimumHistory: Int, horizon: Int, folds: Int, step: Int, earliestCutoff: Int)

    /// The sum the minimum is made of, in words.
    public var explanation: String {
        switch self {
        case .window(let l, let h): return "look-back \(l) + horizon \(h) + 1"
        case .seasonWindow(let s, let h): return "season \(s) + horizon \(h) + 1"
        case .lookback(let l): return "the model reads the last \(l) steps"
        case .season(let s): return "seasonal-naive reads the last season of \(s) steps"
        case .folds(let m, let h, let k, let step, let cutoff):
            return "\(m) steps of history before fold \(k)'s cutoff + horizon \(h) + \(k - 1) more fold(s) \(step) apart; "
                + (cutoff > 0 ? "that cutoff falls at step \(cutoff), leaving \(cutoff) steps" : "that cutoff would fall before the first step")
        }
    }
}

public enum ForecasterError: SeerError, Equatable {
    /// No sequence is long enough: the longest has `longest` steps, `needed` are needed, for `need`.
    case tooShort(longest: Int, needed: Int, need: HistoryNeed)
    /// An ensemble was to be saved as one model directory.
    case ensembleNotSavable
    /// A history holds NaN or ±Inf where a window needs values.
    case missingValues(sequence: Int)
    /// The model directory does not describe a forecaster this version understands.
    case badModel(String)
    /// Model intervals were asked of a model that has none of its own (nets, Theta, Croston …).
    case noModelIntervals(String)
    /// The training windows would need `needed` bytes where `available` are left.
    case needsMemory(windows: Int, length: Int, needed: Int, available: Int)

    public var kind: FailureKind {
        if case .noModelIntervals = self { return .usage }
        if case .needsMemory = self { return .unavailable }
        if case .ensembleNotSavable = self { return .usage }
        return .badInput
    }

    public var description: String {
        switch self {
        case .tooShort(let longest, let needed, let need):
            // What a forecast reads is checked per series: there the count is that series', not the longest's.
            switch need {
            case .lookback, .season: return "a series to forecast has only \(longest) steps; at least \(needed) are needed (\(need.explanation))"
            default: return "the longest series has \(longest) steps; at least \(needed) are needed (\(need.explanation))"
            }
        case .missingValues(let sequence):
            return "series \(sequence) has missing or non-finite values; fill them first (interpolate or forward-fill)"
        case .needsMemory(let windows, let length, let needed, let available):
            let fitting = available / (length * Forecaster.bytesPerWindowStep)
            return "training on every window of this history needs about \(SystemMemory.describe(needed)) of memory "
                + "(\(windows) windows of \(length) steps, held as Float32 in several copies) and \(SystemMemory.describe(available)) is available; "
                + "forecast from a shorter history (about \(fitting) windows fit, e.g. the last \(fitting + length - 1) steps of one series)"
        case .badModel(let why):
            return "not a Seer forecaster: \(why)"
        case .ensembleNotSavable:
            return "an ensemble of models cannot be saved as one model directory yet; save a single model (combine 1, the default)"
        case .noModelIntervals(let model):
            return "\(model) has no prediction intervals of its own (ets, arima and mstl do); conformal intervals from backtest residuals work for every model"
        }
    }
}
