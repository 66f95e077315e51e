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
//   adjusted series on t, then re-seasonalised (the standard method, θ = 2).
// * Optimised (Fiorucci et al. 2016, the default): θ ≥ 1 is chosen with α and ℓ_0 by the one-step
//   errors of the state-space form μ_{t+1} = ℓ_t + (1 − 1/θ)·{(1 − α)^t·A_t + [(1 − (1 − α)^{t+1})/α]·B_t},
//   A_t, B_t the least-squares intercept and slope of the first t values; θ = 2 is the standard
//   method, θ = 1 plain SES. Forecast: ℓ_n + (1 − 1/θ)·{(1 − α)^n·A_n + [h − 1 + (1 − (1 − α)^{n+1})/α]·B_n}.

/// Theta forecasts of univariate histories.
public struct ThetaMethod: Sendable {
    /// Season length m in steps (1: none).
    public let season: Int
    /// Choose θ by the in-sample fit (the optimised Theta method); false: θ = 2, the standard method.
    public let optimizeTheta: Bool

    public init(season: Int, optimizeTheta: Bool = true) {
        precondition(season >= 1, "the season must be at least one step")
        self.season = season
        self.optimizeTheta = optimizeTheta
    }

    /// The fewest steps a forecast needs.
    public static let minimumHistory = 3

    /// The next `horizon` values after `history` (all finite, at least `minimumHistory` steps).
    public func forecast(_ history: [Float], horizon: Int) -> [Float] {
        precondition(history.count >= Self.minimumHistory, "Theta needs \(Self.minimumHistory) steps of history")
        let y = history.map(Double.init)
        let n = y.count
        let seasonal = season > 1 && n >= 2 * season && Self.isSeasonal(y, season)
        let indices = seasonal ? classicalSeasonalIndices(y, season, multiplicative: y.allSatisfy { $0 > 0 }) : nil
        let multiplicative = y.allSatisfy { $0 > 0 }
        // Seasonally adjusted series.
        var adjusted = y
        if let indices {
            for t in 0..<n { adjusted[t] = multiplicative ? y[t] / indices[t % season] : y[t] - indices[t % season] }
        }
        var out: [Float] = []
        out.reserveCapacity(horizon)
        // The dynamic and static optimised models (DOTM, OTM; the standard θ = 2 is nested in each),
        // the one with the lower one-step error kept — AutoTheta's choice.
        let path = optimizeTheta && n >= 4 ? [Self.optimizedPath(adjusted, dynamic: true), Self.optimizedPath(adjusted, dynamic: false)]
            .min { $0.sse < $1.sse }!.path : nil
        if let path {
            for h in 1...max(1, horizon) {
                var value = path.forecast(h)
                if let indices {
                    let index = indices[(n + h - 1) % season]
                    value = multiplicative ? value * index : value + index
                }
                out.append(Float(value))
            }
            return Array(out.prefix(horizon))
        }
        let (alpha, level) = Self.ses(adjusted)
        let slope = Self.slope(adjusted)
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

    /// Least-squares intercept (at t = 0) of y on t = 1…n, the convention of A_t in the fit.
    static func intercept(_ y: [Double]) -> Double {
        let n = Double(y.count)
        return y.reduce(0, +) / n - slope(y) * (n + 1) / 2
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
        let alpha = goldenSectionMinimum(0.01, 0.99, iterations: 40) { fit($0).sse }
        return (alpha, fit(alpha).level)
    }

    /// The fitted optimised-Theta state: what a forecast needs.
    struct ThetaPath {
        /// `decay` is (1 − α)^n, n the values fitted.
        var alpha: Double, theta: Double, level: Double, intercept: Double, slope: Double, decay: Double

        func forecast(_ h: Int) -> Double {
            level + (1 - 1 / theta) * (decay * intercept + (Double(h - 1) + (1 - decay * (1 - alpha)) / alpha) * slope)
        }
    }

    /// The one-step squared error of the optimised form at (α, θ) with its best ℓ_0, and the path.
    static func optimizedFit(_ y: [Double], alpha: Double, theta: Double, dynamic: Bool = true) -> (sse: Double, path: ThetaPath) {
        let n = y.count
        // μ_{t+1} = L_t + w_t·ℓ_0 + D_t with L the level from ℓ_0 = 0, w_t = (1 − α)^t and D_t the
        // drift term from the first t values; errors are linear in ℓ_0, so its best value is closed-form.
        var c: [Double] = [], w: [Double] = []
        c.reserveCapacity(n)
        w.reserveCapacity(n)
        var levelFromZero = 0.0, weight = 1.0
        var sumT = 0.0, sumY = 0.0, sumTY = 0.0, sumTT = 0.0
        var intercept = 0.0, slope = 0.0
        // The static models fit with the whole sample's line at every step.
        let whole = dynamic ? (0.0, 0.0) : (Self.intercept(y), Self.slope(y))
        for t in 0..<n {
            // Predict y[t] from the first t values (t ≥ 2 gives a regression line).
            if t >= 2 {
                let (a, b) = dynamic ? (intercept, slope) : whole
                let drift = (1 - 1 / theta) * (weight * a + (1 - weight * (1 - alpha)) / alpha * b)
                c.append(y[t] - levelFromZero - drift)
                w.append(weight)
            }
            levelFromZero = alpha * y[t] + (1 - alpha) * levelFromZero
            weight *= 1 - alpha
            let time = Double(t + 1)
            sumT += time; sumY += y[t]; sumTY += time * y[t]; sumTT += time * time
            let count = Double(t + 1)
            let denominator = count * sumTT - sumT * sumT
            slope = denominator > 0 ? (count * sumTY - sumT * sumY) / denominator : 0
            intercept = (sumY - slope * sumT) / count
        }
        var cw = 0.0, ww = 0.0
        for i in c.indices { cw += c[i] * w[i]; ww += w[i] * w[i] }
        let l0 = ww > 1e-300 ? cw / ww : y[0]
        var sse = 0.0
        for i in c.indices { let e = c[i] - w[i] * l0; sse += e * e }
        return (sse, ThetaPath(alpha: alpha, theta: theta, level: levelFromZero + weight * l0, intercept: intercept, slope: slope, decay: weight))
    }

    /// The optimised method: a coarse grid over α ∈ [0.1, 0.9] and θ ∈ [1, 10] (θ = 2, the standard
    /// method, among them), refined by golden-section steps on each in turn — about 130 fits, so
    /// scoring Theta at 20 origins of ETTh1's seven 17,000-step series stays a few seconds.
    static func optimizedPath(_ y: [Double], dynamic: Bool = true) -> (sse: Double, path: ThetaPath) {
        var best = (sse: Double.infinity, alpha: 0.5, theta: 2.0)
        for i in 1...9 {
            for theta in [1, 1.5, 2, 2.5, 3, 4, 6, 8, 10] as [Double] {
                let alpha = Double(i) * 0.1
                let sse = optimizedFit(y, alpha: alpha, theta: theta, dynamic: dynamic).sse
                if sse < best.sse { best = (sse, alpha, theta) }
            }
        }
        for _ in 0..<2 {
            let theta = best.theta
            let alpha = goldenSectionMinimum(max(0.01, best.alpha - 0.1), min(0.99, best.alpha + 0.1), iterations: 15) { optimizedFit(y, alpha: $0, theta: theta, dynamic: dynamic).sse }
            let refined = goldenSectionMinimum(max(1, theta - 0.5), theta + 0.5, iterations: 15) { optimizedFit(y, alpha: alpha, theta: $0, dynamic: dynamic).sse }
            let sse = optimizedFit(y, alpha: alpha, theta: refined, dynamic: dynamic).sse
            if sse < best.sse { best = (sse, alpha, refined) } else { break }
        }
        let fitted = optimizedFit(y, alpha: best.alpha, theta: best.theta, dynamic: dynamic)
        return (fitted.sse, fitted.path)
    }
}
