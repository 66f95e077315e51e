// The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003)
// showed it to be: simple exponential smoothing with a drift of half the series' linear trend, on
// the seasonally adjusted series. A local model — fitted on each history when it forecasts, as
// statsforecast's AutoTheta is — with nothing to train.
//
// * Seasonality: when the history holds at least two seasons of m > 1 steps, the autocorrelation
//   at lag m is tested at the 90 % level (|r_m| > 1.645·√((1 + 2·Σ_{k<m} r_k²)/n), the test of the
//   original method); a seasonal series is divided by classical multiplicative indices (centred
//   moving average of order m, 2×m when m is even; additive when any value is ≤ 0).
// * SES: ℓ_t = α·y_t + (1 − α)·ℓ_{t−1}. α is chosen in [0.01, 0.99] by golden-section search on
//   the one-step squared errors; for each α the best ℓ_0 has a closed form (the errors are linear
//   in ℓ_0).
// * Forecast: ŷ_{n+h} = ℓ_n + (b/2)·(h − 1 + 1/α − (1 − α)^n / α), b the least-squares slope of the
//   adjusted series on t, then re-seasonalised.

/// Theta forecasts of univariate histories.
public struct ThetaMethod: Sendable {
    /// Season length m in steps (1: none).
    public let season: Int

    public init(season: Int) {
        precondition(season >= 1, "the season must be at least one step")
        self.season = season
    }

    /// The fewest steps a forecast needs.
    public static let minimumHistory = 3

    /// The next `horizon` values after `history` (all finite, at least `minimumHistory` steps).
    public func forecast(_ history: [Float], horizon: Int) -> [Float] {
        precondition(history.count >= Self.minimumHistory, "Theta needs \(Self.minimumHistory) steps of history")
        let y = history.map(Double.init)
        let n = y.count
        let seasonal = season > 1 && n >= 2 * season && Self.isSeasonal(y, season)
        let indices = seasonal ? Self.seasonalIndices(y, season) : nil
        let multiplicative = y.allSatisfy { $0 > 0 }
        // Seasonally adjusted series.
        var adjusted = y
        if let indices {
            for t in 0..<n { adjusted[t] = multiplicative ? y[t] / indices[t % season] : y[t] - indices[t % season] }
        }
        let (alpha, level) = Self.ses(adjusted)
        let slope = Self.slope(adjusted)
        var out: [Float] = []
        out.reserveCapacity(horizon)
        let decay = pow1m(alpha, n)
        for h in 1...max(1, horizon) {
            var value = level + slope / 2 * (Double(h - 1) + 1 / alpha - decay / alpha)
            if let indices {
                let index = indices[(n + h - 1) % season]
                value = multiplicative ? value * index : value + index
            }
            out.append(Float(value))
        }
        return Array(out.prefix(horizon))
    }

    /// (1 − α)^n.
    func pow1m(_ alpha: Double, _ n: Int) -> Double {
        var result = 1.0, base = 1 - alpha, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }

    /// The 90 % autocorrelation test at lag m.
    static func isSeasonal(_ y: [Double], _ m: Int) -> Bool {
        let n = y.count
        let mean = y.reduce(0, +) / Double(n)
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard variance > 0 else { return false }
        func r(_ k: Int) -> Double {
            var s = 0.0
            for t in k..<n { s += (y[t] - mean) * (y[t - k] - mean) }
            return s / variance
        }
        var sum = 0.0
        for k in 1..<m { sum += r(k) * r(k) }
        let limit = 1.645 * ((1 + 2 * sum) / Double(n)).squareRoot()
        return abs(r(m)) > limit
    }

    /// Classical decomposition indices per season position (mean 1, or mean 0 when additive).
    static func seasonalIndices(_ y: [Double], _ m: Int) -> [Double] {
        let n = y.count
        let multiplicative = y.allSatisfy { $0 > 0 }
        // Centred moving average of order m (2×m for even m): trend at t from the season around it.
        var trend = [Double?](repeating: nil, count: n)
        let half = m / 2
        for t in half..<(n - half) {
            if m % 2 == 1 {
                trend[t] = y[(t - half)...(t + half)].reduce(0, +) / Double(m)
            } else {
                guard t + half < n else { continue }
                var s = 0.5 * (y[t - half] + y[t + half])
                for j in (t - half + 1)..<(t + half) { s += y[j] }
                trend[t] = s / Double(m)
            }
        }
        var sums = [Double](repeating: 0, count: m), counts = [Int](repeating: 0, count: m)
        for t in 0..<n {
            guard let level = trend[t], !multiplicative || level != 0 else { continue }
            sums[t % m] += multiplicative ? y[t] / level : y[t] - level
            counts[t % m] += 1
        }
        var indices = (0..<m).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : (multiplicative ? 1 : 0) }
        let mean = indices.reduce(0, +) / Double(m)
        indices = indices.map { multiplicative ? $0 / mean : $0 - mean }
        return indices
    }

    /// Least-squares slope of y on t = 0…n−1.
    static func slope(_ y: [Double]) -> Double {
        let n = Double(y.count)
        let tMean = (n - 1) / 2, yMean = y.reduce(0, +) / n
        var num = 0.0, den = 0.0
        for (t, v) in y.enumerated() {
            num += (Double(t) - tMean) * (v - yMean)
            den += (Double(t) - tMean) * (Double(t) - tMean)
        }
        return den > 0 ? num / den : 0
    }

    /// SES with α by golden-section search; returns α and the final level ℓ_n.
    static func ses(_ y: [Double]) -> (alpha: Double, level: Double) {
        func fit(_ alpha: Double) -> (sse: Double, level: Double) {
            // One-step errors e_t = c_t − w_t·ℓ_0 (w_t = (1 − α)^t, c_t the error from ℓ_0 = 0):
            // the best ℓ_0 is Σc·w / Σw².
            var c = [Double](repeating: 0, count: y.count), w = [Double](repeating: 0, count: y.count)
            var levelFromZero = 0.0, weight = 1.0
            for t in y.indices {
                c[t] = y[t] - levelFromZero
                w[t] = weight
                levelFromZero = alpha * y[t] + (1 - alpha) * levelFromZero
                weight *= 1 - alpha
            }
            var cw = 0.0, ww = 0.0
            for t in y.indices { cw += c[t] * w[t]; ww += w[t] * w[t] }
            let l0 = ww > 0 ? cw / ww : y[0]
            var sse = 0.0
            for t in y.indices { let e = c[t] - w[t] * l0; sse += e * e }
            return (sse, levelFromZero + weight * l0)
        }
        var lo = 0.01, hi = 0.99
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
        var fa = fit(a).sse, fb = fit(b).sse
        for _ in 0..<40 {
            if fa < fb {
                hi = b; b = a; fb = fa
                a = hi - ratio * (hi - lo); fa = fit(a).sse
            } else {
                lo = a; a = b; fa = fb
                b = lo + ratio * (hi - lo); fb = fit(b).sse
            }
        }
        let alpha = (lo + hi) / 2
        return (alpha, fit(alpha).level)
    }
}
