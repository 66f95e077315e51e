// The anomaly-likelihood stage as Numenta's HTM detector runs it on NAB (Ahmad et al. 2017,
// §3.2, with the choices of their reference code, re-written here from its description): the
// mean of the last `averaging` raw scores is judged against a normal distribution fitted to the
// moving averages of the raw scores of the last `history` steps, re-estimated every
// `reestimation` steps after a learning and an estimation period. Averaging is what makes it
// work: one noisy error is not an anomaly, a few in a row are (on NAB, averaging 10 instead of 1
// is worth 13 points). Flat stretches of the series get a null distribution, so a constant
// metric never alarms; scores below the mean count as far as those above it (a two-sided
// mirror). Reported on NAB's log scale like `AnomalyLikelihood`.
import Foundation

/// Calibrated tail probabilities of a series' raw scores, averaged over a short window.
public struct AveragedLikelihood: Sendable, Codable {
    public let averaging: Int, history: Int, reestimation: Int
    /// Steps whose raw scores are skipped at the start of the first estimates.
    public let learning: Int
    /// Steps after `learning` before the first estimate (0.5 until then).
    public let estimation: Int
    private var raws: ScoreRing
    private var recent: [Double] = []
    private var count = 0
    private var mean = 0.5, deviation = 1000.0
    private var estimated = false

    public init(averaging: Int = 10, history: Int = 8640, reestimation: Int = 100, learning: Int = 300, estimation: Int = 300) {
        precondition(averaging >= 1 && history >= 2 && reestimation >= 1 && learning >= 0 && estimation >= 0, "windows must be positive")
        self.averaging = averaging
        self.history = history
        self.reestimation = reestimation
        self.learning = learning
        self.estimation = estimation
        raws = ScoreRing(capacity: history)
    }

    /// The likelihood score (log scale, [0, 1]) of the newest raw score. `values` holds the
    /// series' values of the steps before this one (at least `history` of them when there are as
    /// many; several stages of one series share it), whose flatness is judged too.
    public mutating func update(_ raw: Double, values: ScoreRing) -> Double {
        let i = count
        defer {
            count += 1
            raws.append(raw)
        }
        recent.append(raw)
        if recent.count > averaging { recent.removeFirst() }
        guard i >= learning + estimation else { return 0.5.logScaled }
        if !estimated || i % reestimation == 0 {
            estimate(row: i, values: values)
            estimated = true
        }
        var x = recent.reduce(0, +) / Double(recent.count)
        if x < mean { x = 2 * mean - x }
        let tail = 0.5 * erfc((x - mean) / deviation / 1.4142)
        return (1 - tail).logScaled
    }

    /// Fits the distribution to the steps before row `i` (the rings hold exactly those).
    private mutating func estimate(row i: Int, values: ScoreRing) {
        let scores = raws.chronological
        let skip = min(i, max(0, learning - max(0, i - history)))
        guard skip < scores.count else { (mean, deviation) = (0.5, 1000); return }
        // Moving averages, the window restarting at the oldest score held.
        var total = 0.0, sum = 0.0, squares = 0.0
        for k in scores.indices {
            total += Double(scores[k])
            if k >= averaging { total -= Double(scores[k - averaging]) }
            guard k >= skip else { continue }
            let average = total / Double(min(k + 1, averaging))
            sum += average
            squares += average * average
        }
        let n = Double(scores.count - skip)
        let mu = sum / n
        let variance = max(0, squares / n - mu * mu)
        (mean, deviation) = (max(mu, 0.03), max(variance, 0.0003).squareRoot())
        // A flat stretch of values: nothing there can be anomalous.
        let held = values.chronological.suffix(scores.count - skip)
        let valueMean = held.reduce(0.0) { $0 + Double($1) } / Double(held.count)
        let valueVariance = held.reduce(0.0) { $0 + (Double($1) - valueMean) * (Double($1) - valueMean) } / Double(held.count)
        if valueVariance < 1.5e-5 { (mean, deviation) = (0.5, 1000) }
    }
}
