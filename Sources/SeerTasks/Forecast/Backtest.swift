// Rolling-origin backtests and the conformal intervals built from them. Fold k of K forecasts
// the H steps after cutoff n − H − (k − 1)·step of each sequence (aligned at each sequence's end;
// step = H by default, so the folds tile the last K·H steps; a smaller step overlaps them, which
// lets a short series hold more folds), from a
// model fitted on the steps before the cutoff (refit per fold, as Nixtla's cross-validation does
// by default; `refit: false` fits once before the earliest cutoff). The absolute residuals of
// every fold, sequence and horizon step h give split-conformal half-widths per h: the
// ⌈(n + 1)·level⌉-th smallest of the n residuals at that step, so the interval ŷ ± q covers a
// future value with probability ≥ level when residuals are exchangeable.
import SeerEval
import SeerModels
import SeerNN
import SeerTensor

/// One fold of a backtest: per sequence the cutoff (the first forecast step's index; nil when
/// the sequence is too short for this fold) and the H forecasts.
public struct BacktestFold: Sendable {
    public let cutoffs: [Int?]
    public let forecasts: [[Float]]
}

public struct BacktestResult: Sendable {
    public let horizon: Int
    public let folds: [BacktestFold]
    /// |y − ŷ| for each horizon step h, over every fold and sequence.
    public let absoluteResiduals: [[Float]]
    /// Mean squared and absolute error over every forecast value.
    public let mse: Double
    public let mae: Double
    /// What changed for folds too short for the configuration (a shrunk look-back).
    public var notes: [String] = []

    /// Mean absolute scaled error over every sequence and fold: each fold's MAE divided by the
    /// in-sample MAE of the seasonal-naive forecast (lag `season`, or 1 when the history before the
    /// cutoff is not longer than a season) on that fold's history — scale-free, so series of any
    /// size weigh the same. Folds whose history is constant are left out; nil when none is left.
    public func mase(_ sequences: [[Float]], season: Int) -> Double? {
        var total = 0.0, count = 0
        for fold in folds {
            for (s, cutoff) in fold.cutoffs.enumerated() {
                guard let cutoff, let scale = Metrics.seasonalNaiveScale(sequences[s].prefix(cutoff), season: season) else { continue }
                let forecast = fold.forecasts[s]
                total += Metrics.mae(Array(sequences[s][cutoff..<(cutoff + forecast.count)]), forecast) / scale
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : nil
    }

    /// Split-conformal half-widths q_h for `level` ∈ (0, 1) (nil when too few residuals: fewer
    /// than 1/(1 − level) − 1 per step cannot bound the level).
    public func halfWidths(level: Double) -> [Float]? {
        precondition(level > 0 && level < 1, "a coverage level lies in (0, 1), not \(level)")
        var widths: [Float] = []
        for residuals in absoluteResiduals {
            let n = residuals.count
            let rank = Int((Double(n + 1) * level).rounded(.up))
            guard n > 0, rank <= n else { return nil }
            widths.append(residuals.sorted()[rank - 1])
        }
        return widths
    }
}

extension Forecaster {
    /// A rolling-origin backtest of `folds` folds over `sequences` with this forecaster's
    /// configuration (the forecaster itself is not changed); consecutive cutoffs lie `step` steps
    /// apart (default: the horizon).
    public func backtest(_ sequences: [[Float]], folds: Int, step: Int? = nil, refit: Bool = true,
                         observer: TrainingObserver? = nil) throws -> BacktestResult {
        try backtestKeepingModel(sequences, folds: folds, step: step, refit: refit, observer: observer).result
    }

    /// `backtest`, also returning the model fitted once before the earliest cutoff when `refit` is false.
    func backtestKeepingModel(_ sequences: [[Float]], folds: Int, step: Int? = nil, refit: Bool = true,
                              observer: TrainingObserver? = nil) throws -> (result: BacktestResult, fitted: Forecaster?) {
        precondition(folds >= 1, "a backtest needs at least one fold")
        let h = config.horizon, step = step ?? h
        precondition(step >= 1, "folds lie at least one step apart")
        /// Steps from fold k's cutoff to the sequence's end.
        func tail(_ k: Int) -> Int { h + (k - 1) * step }
        var result: [BacktestFold] = []
        var residuals = [[Float]](repeating: [], count: h)
        var squared = 0.0, absolute = 0.0, count = 0
        var once: Forecaster?
        if !refit {
            once = untrainedCopy()
            try once!.fit(sequences.map { Array($0.prefix(max(0, $0.count - tail(folds)))) }, observer: observer)
        }
        var notes: [String] = []
        for k in stride(from: folds, through: 1, by: -1) {
            let longest = sequences.map(\.count).max() ?? 0
            // A fold whose history is too short for the look-back refits with a shorter one
            // (noted), rather than failing the whole backtest; only where even the longest
            // sequence cannot hold the fold, so folds that fit are never changed.
            let foldModel = refit ? untrainedCopy(fitting: longest - tail(k)) : self
            if refit, foldModel.config.lookback != config.lookback {
                notes.append("fold \(k): look-back \(config.lookback) → \(foldModel.config.lookback) for its \(longest - tail(k)) steps of history")
            }
            let foldMinimum = foldModel.minimumHistory
            let cutoffs: [Int?] = sequences.map { s in
                let cutoff = s.count - tail(k)
                return cutoff >= foldMinimum ? cutoff : nil
            }
            let usable = sequences.indices.filter { cutoffs[$0] != nil }
            guard !usable.isEmpty else {
                // (the longest sequence cannot hold this fold; see `foldsThatFit`)
                throw ForecasterError.tooShort(longest: longest, needed: minimumHistory + tail(k),
                                               need: .folds(minimumHistory: minimumHistory, horizon: h, folds: k, step: step,
                                                            earliestCutoff: longest - tail(k)))
            }
            let histories = usable.map { Array(sequences[$0].prefix(cutoffs[$0]!)) }
            let model: Forecaster
            if let once {
                model = once
            } else {
                model = foldModel
                try model.fit(histories, observer: observer)
            }
            let predicted = try model.predict(histories)
            var forecasts = [[Float]](repeating: [], count: sequences.count)
            for (i, s) in usable.enumerated() {
                forecasts[s] = predicted[i]
                let cutoff = cutoffs[s]!
                for step in 0..<h {
                    let error = sequences[s][cutoff + step] - predicted[i][step]
                    residuals[step].append(abs(error))
                    squared += Double(error) * Double(error)
                    absolute += Double(abs(error))
                    count += 1
                }
            }
            result.append(BacktestFold(cutoffs: cutoffs, forecasts: forecasts))
        }
        var backtest = BacktestResult(horizon: h, folds: result, absoluteResiduals: residuals, mse: squared / Double(max(1, count)),
                                      mae: absolute / Double(max(1, count)))
        backtest.notes = notes
        return (backtest, once)
    }

    /// How many folds (≤ `folds`) the longest sequence can hold with cutoffs `step` apart
    /// (default: the horizon).
    public func foldsThatFit(_ sequences: [[Float]], folds: Int, step: Int? = nil) -> Int {
        let longest = sequences.map(\.count).max() ?? 0, spare = longest - minimumHistory - config.horizon
        guard spare >= 0 else { return 0 }
        return min(folds, spare / (step ?? config.horizon) + 1)
    }

    /// The largest step (≤ the horizon) at which the longest sequence holds `folds` folds; nil
    /// when even one-step-apart folds do not fit.
    public func foldStep(_ sequences: [[Float]], folds: Int) -> Int? {
        let longest = sequences.map(\.count).max() ?? 0, spare = longest - minimumHistory - config.horizon
        guard spare >= 0, folds >= 1 else { return nil }
        if folds == 1 { return config.horizon }
        let step = min(config.horizon, spare / (folds - 1))
        return step >= 1 ? step : nil
    }

    /// Steps of history a fold needs before its cutoff: one training window for trained models,
    /// the look-back (or season) for the baselines.
    public var minimumHistory: Int { ensemble?.members.map(\.minimumHistory).max() ?? config.minimumHistory }
}
