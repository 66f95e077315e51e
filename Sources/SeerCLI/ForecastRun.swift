// Choosing, training and calibrating the forecaster of a `seer forecast` / `train` / `backtest`
// run: the default look-back and season, `--model auto` over the candidates by held-out MSE,
// and split-conformal interval widths from a rolling-origin backtest.
import ArgumentParser
import Foundation
import Seer

/// Choosing, training and calibrating a forecaster for `ForecastData`.
struct ForecastRun {
    var data: ForecastData
    var options: ModelOptions
    var progress: ConsoleProgress.Style?

    /// Models `--model auto` chooses among.
    static let autoCandidates: [ModelFamily] = [.nt, .dijiang, .dlinear, .rlinear, .naive, .seasonalNaive]

    var lookback: Int {
        let shortest = data.sequences.map(\.values.count).min() ?? 0
        let h = options.horizon
        return options.lookback ?? max(1, min(4 * h, 512, max(h, (shortest - h) / 2)))
    }

    var season: Int { options.season ?? ForecastRun.defaultSeason(data.frequency) }

    static func defaultSeason(_ frequency: Frequency?) -> Int {
        guard let frequency else { return 1 }
        switch frequency.unit {
        case .hour: return 24 % frequency.multiple == 0 ? 24 / frequency.multiple : 1
        case .day: return 7
        case .businessDay: return 5
        case .week: return 52
        case .monthStart, .monthEnd: return 12
        case .quarterStart, .quarterEnd: return 4
        default: return 1
        }
    }

    func config(_ family: ModelFamily) -> ForecasterConfig {
        ForecasterConfig(model: family, lookback: lookback, horizon: options.horizon, epochs: options.epochs, season: season, seed: options.seed)
    }

    /// The trained forecaster, how it was chosen, and the held-out MSE of each model fitted.
    func train() throws -> (Forecaster, String, [String: Double]) {
        let values = data.values
        var scores: [String: Double] = [:]
        guard options.model == "auto" else {
            let forecaster = Forecaster(config(ModelFamily(rawValue: options.model)!))
            try forecaster.fit(values, observer: progress.map { ConsoleProgress($0) })
            if let error = try forecaster.validationError(values) { scores[options.model] = error }
            return (forecaster, "named by --model", scores)
        }
        var best: (Forecaster, Double)?
        for family in ForecastRun.autoCandidates {
            let candidate = Forecaster(config(family))
            try candidate.fit(values, observer: progress.map { ConsoleProgress($0) })
            guard let error = try candidate.validationError(values) else { continue }
            scores[family.rawValue] = error
            if best == nil || error < best!.1 { best = (candidate, error) }
        }
        guard let best else { throw UsageFailure("--model auto needs enough history for held-out windows; pick a --model") }
        return (best.0, "auto: lowest held-out MSE", scores)
    }

    /// The fewest residuals n with ⌈(n + 1)·level⌉ ≤ n (level in percent).
    static func residualsNeeded(level: Int) -> Int {
        (1...).first { Int((Double($0 + 1) * Double(level) / 100).rounded(.up)) <= $0 }!
    }

    /// Conformal half-widths per level from a rolling-origin backtest of `forecaster`'s config:
    /// `folds` folds (nil: enough for the highest level, at least 5), cutoffs H steps apart, or
    /// closer where the history is too short for that.
    func calibrate(_ forecaster: Forecaster, levels: [Int], folds requested: Int?) throws -> [Int: [Float]] {
        guard !levels.isEmpty else { return [:] }
        let calibrator = Forecaster(forecaster.config)
        let series = data.sequences.count, needed = levels.map(ForecastRun.residualsNeeded).max()!
        let folds = requested ?? max(5, (needed + series - 1) / series)
        guard let step = calibrator.foldStep(data.values, folds: folds) else {
            let longest = data.values.map(\.count).max() ?? 0
            let fit = calibrator.foldsThatFit(data.values, folds: folds, step: 1)
            throw UsageFailure("intervals need \(folds) backtest folds, each with \(calibrator.minimumHistory) steps of history + H; the longest "
                + "series (\(longest) steps) holds \(fit) even with cutoffs one step apart: lower --horizon or --lookback, "
                + (requested == nil ? "or --levels" : "--calibration-folds or --levels"))
        }
        let backtest = try calibrator.backtest(data.values, folds: folds, step: step)
        var widths: [Int: [Float]] = [:]
        for level in levels {
            guard let w = backtest.halfWidths(level: Double(level) / 100) else {
                let n = backtest.absoluteResiduals.first?.count ?? 0, need = ForecastRun.residualsNeeded(level: level)
                throw UsageFailure("\(level) % intervals need at least \(need) backtest residuals per step; \(n) come from \(folds) fold(s) over "
                    + "\(series) series (shorter series sit out the earliest folds): raise --calibration-folds or lower --levels")
            }
            widths[level] = w
        }
        return widths
    }
}
