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
    /// The last `longest` values, a ring (`head` the oldest once full): no shifting per step.
    private var recent: [Double] = []
    private var head = 0
    private var model: RecursiveLeastSquares?
    /// The running mean absolute error (the raw score's unit).
    private var errorScale = 0.0
    /// The last value's absolute error in the model's units (0 before the first prediction):
    /// `auto` compares it with a net's on the same values.
    public private(set) var lastError = 0.0

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
            if recent.count < longest { recent.append(value) } else { recent[head] = value; head = (head + 1) % longest }
        }
        // Running centre and spread of the values (the features' units).
        guard let old = centre else { centre = value; scale = 0; return 0 }
        // The value is judged in the units before it moved them.
        centre = old + 0.01 * (value - old)
        scale = seen == 2 ? abs(value - old) : scale + 0.01 * (abs(value - old) - scale)
        let unit = max(scale, 1e-9 * max(1, abs(old)), 1e-12)
        guard recent.count == longest else { return 0 }
        // The value `lag` steps back: with the ring full, the newest is just before `head`.
        let features = [1] + lags.map { (recent[(head - $0 + longest) % longest] - old) / unit }
        if model == nil { model = RecursiveLeastSquares(dimension: features.count, forgetting: forgetting) }
        let target = (value - old) / unit
        let error = abs(target - model!.predict(features))
        lastError = error
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
    /// The last window + history values, a ring (`head` the oldest once full).
    private var values: [Double] = []
    private var head = 0

    public init(window: Int = 12, history: Int = 500) {
        precondition(window >= 1 && history >= 1, "windows must be positive")
        self.window = window
        self.history = history
    }

    /// The raw score with `value` as the newest of the recent window.
    public mutating func update(_ value: Double) -> Double {
        let capacity = window + history
        if values.count < capacity { values.append(value) } else { values[head] = value; head = (head + 1) % capacity }
        guard values.count > window + 10 else { return 0 }
        // Oldest first, as the sums were always taken (the same rounding, the same scores), in
        // the ring's two contiguous runs (a modulo per value cost more than the old shifting).
        let n = values.count, start = n < capacity ? 0 : head
        let split = n - window
        func sum(_ chronological: Range<Int>, _ term: (Double) -> Double) -> Double {
            var total = 0.0
            values.withUnsafeBufferPointer { ring in
                for k in chronological { total += term(ring[k < n - start ? start + k : k - (n - start)]) }
            }
            return total
        }
        let mean = sum(0..<split) { $0 } / Double(split)
        let spread = (sum(0..<split) { ($0 - mean) * ($0 - mean) } / Double(split)).squareRoot()
        let recentSum = sum(split..<n) { $0 }
        let shift = abs(recentSum / Double(window) - mean) / max(spread, 1e-9 * max(1, abs(mean)), 1e-12)
        return 1 - exp(-shift / 2)
    }
}
