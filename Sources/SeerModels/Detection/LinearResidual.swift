// The raw scores the residual detectors build on, each a causal scorer of one series: the
// normalised prediction error of a linear model of the last values and those one daily cycle
// back (recursive least squares on values centred and scaled by running estimates), and the
// level-shift statistic (the mean of the newest values against the mean and spread of those
// before them). Both give raw scores in [0, 1) that a likelihood stage calibrates.
import Foundation

/// The seasonal linear model's normalised one-step error.
public struct LinearResidual: Sendable, Codable {
    public let season: Int
    public let forgetting: Double
    private var centre: Double?
    private var scale = 0.0
    private var seen = 0
    private var recent: [Double] = []
    private var model: RecursiveLeastSquares?
    /// The running mean absolute error (the raw score's unit).
    private var errorScale = 0.0

    /// `season`: the daily cycle in steps (lags season−1…season+1 join lags 1–3 when it is over 4).
    public init(season: Int, forgetting: Double = 0.999) {
        self.season = max(1, season)
        self.forgetting = forgetting
    }

    /// The raw score of `value`, then `value` learnt.
    public mutating func update(_ value: Double) -> Double {
        seen += 1
        let lags = season > 4 ? [1, 2, 3, season - 1, season, season + 1] : [1, 2, 3]
        let longest = lags.max()!
        defer {
            recent.append(value)
            if recent.count > longest { recent.removeFirst() }
        }
        // Running centre and spread of the values (the features' units).
        guard let old = centre else { centre = value; scale = 0; return 0 }
        // The value is judged in the units before it moved them.
        centre = old + 0.01 * (value - old)
        scale = seen == 2 ? abs(value - old) : scale + 0.01 * (abs(value - old) - scale)
        let unit = max(scale, 1e-9 * max(1, abs(old)), 1e-12)
        guard recent.count == longest else { return 0 }
        let features = [1] + lags.map { (recent[recent.count - $0] - old) / unit }
        if model == nil { model = RecursiveLeastSquares(dimension: features.count, forgetting: forgetting) }
        let target = (value - old) / unit
        let error = abs(target - model!.predict(features))
        let typical = errorScale == 0 ? max(error, 1e-6) : errorScale
        errorScale = errorScale == 0 ? max(error, 1e-6) : errorScale + 0.01 * (error - errorScale)
        model!.learn(features, target)
        return 1 - exp(-(error / typical) / 4)
    }
}

/// How far the mean of the newest `window` values sits from the `history` values before them,
/// in their standard deviations, as 1 − exp(−shift/2).
public struct LevelShiftScore: Sendable, Codable {
    public let window: Int, history: Int
    private var values: [Double] = []

    public init(window: Int = 12, history: Int = 500) {
        precondition(window >= 1 && history >= 1, "windows must be positive")
        self.window = window
        self.history = history
    }

    /// The raw score with `value` as the newest of the recent window.
    public mutating func update(_ value: Double) -> Double {
        values.append(value)
        if values.count > window + history { values.removeFirst() }
        guard values.count > window + 10 else { return 0 }
        let split = values.count - window
        let before = values[..<split], recent = values[split...]
        let mean = before.reduce(0, +) / Double(before.count)
        let spread = (before.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(before.count)).squareRoot()
        let shift = abs(recent.reduce(0, +) / Double(recent.count) - mean) / max(spread, 1e-9 * max(1, abs(mean)), 1e-12)
        return 1 - exp(-shift / 2)
    }
}
