// The windowed-Gaussian anomaly scorer, NAB's simplest baseline (written from its description):
// each value is scored against the mean and population standard deviation of the window of values
// before it — score = 1 − Q(|x − mean| / std), Q the standard normal upper tail, so a value at the
// mean scores 0.5 and a far one nears 1 — and only then joins the window. The window grows to
// `windowSize` values; after that new values wait in a buffer of `stepSize` and replace the oldest
// `stepSize` at once, so the statistics change every `stepSize` steps. The first value scores 0.
import Foundation

/// A causal scorer fed one value at a time.
public protocol StreamingAnomalyScorer: Sendable {
    /// The score of `value` given everything fed before it, in [0, 1]; then `value` is learnt.
    mutating func update(_ value: Double) -> Double
}

/// NAB's windowed Gaussian.
public struct WindowedGaussian: StreamingAnomalyScorer, Codable {
    public let windowSize: Int, stepSize: Int
    private var window: [Double] = []
    private var buffer: [Double] = []
    private var mean = 0.0, deviation = 1.0

    /// NAB's settings: a window of 6,400 values moved 100 at a time.
    public init(windowSize: Int = 6400, stepSize: Int = 100) {
        precondition(windowSize >= 1 && stepSize >= 1, "window and step must be positive")
        self.windowSize = windowSize
        self.stepSize = stepSize
        window.reserveCapacity(windowSize)
    }

    public mutating func update(_ value: Double) -> Double {
        let score = window.isEmpty ? 0 : 1 - 0.5 * erfc(abs(value - mean) / (deviation * 2.0.squareRoot()))
        if window.count < windowSize {
            window.append(value)
            refresh()
        } else {
            buffer.append(value)
            if buffer.count == stepSize {
                window.removeFirst(stepSize)
                window += buffer
                buffer.removeAll(keepingCapacity: true)
                refresh()
            }
        }
        return score
    }

    /// Mean and population standard deviation of the window (1e-6 when it is constant).
    private mutating func refresh() {
        let n = Double(window.count)
        mean = window.reduce(0, +) / n
        let variance = window.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        deviation = variance > 0 ? variance.squareRoot() : 1e-6
    }
}
