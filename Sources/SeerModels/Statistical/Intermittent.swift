// Forecasts of intermittent demand — series that are mostly zero with occasional orders:
// * Croston's method (Croston 1972) with the Syntetos–Boylan bias correction (SBA, 2005): the
//   non-zero sizes z and the intervals p between them are smoothed separately, each only when a
//   demand occurs; the forecast is (1 − α_p/2)·z/p per step. Each smoothing parameter is chosen in
//   [0.05, 0.3] by its own one-step squared error (statsforecast's CrostonOptimized does the same).
// * TSB (Teunter, Syntetos & Babai 2011): the probability of a demand d is smoothed every step
//   (so a product that stops selling decays towards zero, which Croston never does) and the size
//   z when a demand occurs; the forecast is d·z. α and β are chosen together on a grid by the
//   one-step squared error of d·z.
// Both forecast a flat line: the expected demand per step.

/// Which intermittent-demand method.
public enum IntermittentMethod: String, Sendable {
    case croston, tsb
}

/// Croston (SBA) or TSB forecasts of univariate histories.
public struct IntermittentDemand: Sendable {
    public let method: IntermittentMethod

    public init(_ method: IntermittentMethod) { self.method = method }

    /// The fewest steps a forecast needs.
    public static let minimumHistory = 2

    /// Whether a history looks intermittent: no negative values and at least a quarter of them zero.
    public static func isIntermittent(_ y: [Float]) -> Bool {
        guard y.count >= 4, y.allSatisfy({ $0 >= 0 }) else { return false }
        return Double(y.lazy.filter { $0 == 0 }.count) >= 0.25 * Double(y.count)
    }

    /// The next `horizon` values after `history` (finite, at least two steps).
    public func forecast(_ history: [Float], horizon: Int) -> [Float] {
        precondition(history.count >= Self.minimumHistory, "intermittent-demand methods need \(Self.minimumHistory) steps of history")
        let y = history.map(Double.init)
        let value = method == .croston ? Self.croston(y) : Self.tsb(y)
        return [Float](repeating: Float(value), count: horizon)
    }

    /// SES of `x` from its first value: the one-step squared error and the final level.
    static func smooth(_ x: [Double], _ alpha: Double) -> (sse: Double, level: Double) {
        guard var level = x.first else { return (0, 0) }
        var sse = 0.0
        for v in x.dropFirst() { sse += (v - level) * (v - level); level += alpha * (v - level) }
        return (sse, level)
    }

    /// SES with α in [0.05, 0.3] chosen by golden section on its one-step error.
    static func bestSmoothing(_ x: [Double]) -> (alpha: Double, level: Double) {
        let alpha = goldenSectionMinimum(0.05, 0.3, iterations: 30) { smooth(x, $0).sse }
        return (alpha, smooth(x, alpha).level)
    }

    /// Croston–SBA's expected demand per step (0 when the history has no demand).
    static func croston(_ y: [Double]) -> Double {
        var sizes: [Double] = [], intervals: [Double] = []
        var since = 0
        for v in y {
            since += 1
            if v > 0 { sizes.append(v); intervals.append(Double(since)); since = 0 }
        }
        guard !sizes.isEmpty else { return 0 }
        let size = bestSmoothing(sizes).level
        let (alphaInterval, interval) = bestSmoothing(intervals)
        return (1 - alphaInterval / 2) * size / max(interval, 1)
    }

    /// TSB's expected demand per step.
    static func tsb(_ y: [Double]) -> Double {
        guard let first = y.first(where: { $0 > 0 }) else { return 0 }
        let probability0 = Double(y.lazy.filter { $0 > 0 }.count) / Double(y.count)
        func run(_ alpha: Double, _ beta: Double) -> (sse: Double, forecast: Double) {
            var size = first, probability = probability0, sse = 0.0
            for v in y {
                let forecast = probability * size
                sse += (v - forecast) * (v - forecast)
                probability += beta * ((v > 0 ? 1 : 0) - probability)
                if v > 0 { size += alpha * (v - size) }
            }
            return (sse, probability * size)
        }
        var best = (sse: Double.infinity, forecast: 0.0)
        for alpha in stride(from: 0.05, through: 0.3, by: 0.05) {
            for beta in stride(from: 0.05, through: 0.3, by: 0.05) {
                let result = run(alpha, beta)
                if result.sse < best.sse { best = result }
            }
        }
        return best.forecast
    }
}

extension IntermittentDemand: LocalForecastMethod {
    public var minimumHistory: Int { Self.minimumHistory }
}
