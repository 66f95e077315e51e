// The anomaly-likelihood stage (Ahmad, Lavin, Purdy & Agha 2017, "Unsupervised real-time anomaly
// detection for streaming data", §3.2), written from the paper: a detector's raw scores s_t are
// judged against their own recent history, so each series calibrates itself. The mean and
// standard deviation of the last `longWindow` raw scores (re-estimated every `reestimation`
// steps) describe the normal distribution of s; the mean of the last `shortWindow` raw scores is
// compared with it, and L_t = 1 − Q((mean_short − μ)/σ) is the probability that the recent scores
// are not just noise. Reported on a log scale — log(1.0000000001 − L)/log(1e-10), clipped to
// [0, 1] — so the values near 1 where thresholds live keep their resolution in 12 written digits.
import Foundation

/// Turns raw anomaly scores into calibrated tail probabilities, one series at a time.
public struct AnomalyLikelihood: Sendable, Codable {
    public let longWindow: Int, shortWindow: Int, reestimation: Int
    /// Steps before any likelihood is given (0.5 until then).
    public let learningPeriod: Int
    /// The last `longWindow` raw scores (Float32: they are in [0, 1), and 1,000 series' windows
    /// must fit in memory and in a state file).
    private var history: ScoreRing
    private var count = 0
    private var recent: [Double]
    private var recentSum = 0.0
    private var mean = 0.0, deviation = 1.0
    private var sinceEstimate = 0

    public init(longWindow: Int = 8640, shortWindow: Int = 10, reestimation: Int = 100, learningPeriod: Int = 300) {
        precondition(longWindow >= 2 && shortWindow >= 1 && reestimation >= 1, "windows must be positive")
        self.longWindow = longWindow
        self.shortWindow = shortWindow
        self.reestimation = reestimation
        self.learningPeriod = learningPeriod
        history = ScoreRing(capacity: longWindow)
        recent = []
        recent.reserveCapacity(shortWindow)
    }

    /// The likelihood score of the newest raw score (log scale, in [0, 1]).
    public mutating func update(_ raw: Double) -> Double {
        history.append(raw)
        count += 1
        recent.append(raw)
        recentSum += raw
        if recent.count > shortWindow { recentSum -= recent.removeFirst() }
        sinceEstimate += 1
        if count <= learningPeriod || sinceEstimate >= reestimation {
            estimate()
            sinceEstimate = 0
        }
        guard count > learningPeriod else { return 0.5.logScaled }
        let shortMean = recentSum / Double(recent.count)
        let tail = 0.5 * erfc((shortMean - mean) / (deviation * 2.0.squareRoot()))
        return (1 - tail).logScaled
    }

    /// Mean and sample standard deviation of the long window (a floor keeps σ positive).
    private mutating func estimate() {
        let moments = history.moments()
        mean = moments.mean
        deviation = max(moments.deviation, 1e-4)
    }
}

extension Double {
    /// A likelihood L on NAB's log scale: log(1.0000000001 − L)/log(1e-10), in [0, 1].
    var logScaled: Double { Swift.min(1, Swift.max(0, Foundation.log(1.0000000001 - self) / Foundation.log(1e-10))) }
}
