// Exponential smoothing in state-space form, ETS(error, trend, season) (Hyndman, Koehler, Ord &
// Snyder 2008, "Forecasting with Exponential Smoothing"): additive or multiplicative errors, no,
// additive or damped trend, no, additive or multiplicative season. Each model is fitted by maximum
// likelihood (smoothing parameters and initial states together, Nelder–Mead within the usual
// bounds), and `AutoETS` keeps the admissible model with the lowest AICc — as forecast::ets and
// statsforecast's AutoETS do, with their default exclusions (no multiplicative trend; no additive
// error with a multiplicative season, whose variance is unbounded; multiplicative parts only for
// positive data; no season longer than 24 steps).
//
// One recursion serves both error types: with e = y − μ the state updates of the multiplicative-
// error model equal the additive one's (μ·ε = y − μ), so the error type changes the likelihood and
// the intervals, not the point forecasts (Hyndman et al. 2008, table 2.3):
//   μ_t = (ℓ + φb) ⊕ s_{t−m};   ℓ ← ℓ + φb + α·e/ŝ;   b ← φb + β·e/ŝ;   s_{t−m} ← s_{t−m} + γ·e/(ℓ + φb)^[M]
// where ŝ = s_{t−m} for a multiplicative season (1 otherwise) and the last division applies only
// to a multiplicative season.
import Foundation
import SeerBase

/// One ETS model form.
public struct ETSForm: Hashable, Sendable, CustomStringConvertible {
    public enum Error: String, Sendable { case additive = "A", multiplicative = "M" }
    public enum Trend: String, Sendable { case none = "N", additive = "A", damped = "Ad" }
    public enum Season: String, Sendable { case none = "N", additive = "A", multiplicative = "M" }

    public var error: Error
    public var trend: Trend
    public var season: Season

    public init(_ error: Error, _ trend: Trend, _ season: Season) {
        self.error = error
        self.trend = trend
        self.season = season
    }

    /// "ETS(M,Ad,M)".
    public var description: String { "ETS(\(error.rawValue),\(trend.rawValue),\(season.rawValue))" }

    /// Forms whose forecast variance has a closed form (Hyndman et al. 2008 class 1: all additive).
    var isLinear: Bool { error == .additive && season != .multiplicative }
}

/// A fitted ETS model: its parameters, final states and fit statistics.
public struct ETSModel: Sendable {
    public let form: ETSForm
    public let season: Int
    public let alpha: Double, beta: Double, gamma: Double, phi: Double
    /// The states after the last observation: level, trend, and the season's m values by position
    /// (`seasons[t % m]` is the one observation t used).
    public let level: Double, trend: Double, seasons: [Double]
    /// Observations fitted.
    public let count: Int
    /// Innovation variance: mean squared one-step error (relative errors for multiplicative error).
    public let sigma2: Double
    /// −2·log-likelihood (without the constant) and the small-sample Akaike criterion.
    public let negativeTwoLogLikelihood: Double, aicc: Double

    /// Point forecasts 1…horizon steps ahead.
    public func forecast(horizon: Int) -> [Double] {
        (0..<max(0, horizon)).map { mean($0 + 1) }
    }

    /// The h-step point forecast.
    func mean(_ h: Int) -> Double {
        let base: Double
        switch form.trend {
        case .none: base = level
        case .additive: base = level + Double(h) * trend
        case .damped: base = level + ETSModel.dampedSum(phi, h) * trend
        }
        guard form.season != .none else { return base }
        let s = seasons[(count + h - 1) % season]
        return form.season == .additive ? base + s : base * s
    }

    /// φ + φ² + … + φ^h.
    static func dampedSum(_ phi: Double, _ h: Int) -> Double {
        var sum = 0.0, power = 1.0
        for _ in 0..<h { power *= phi; sum += power }
        return sum
    }

    /// Central prediction intervals at `level` (0.8, 0.95): closed-form variances for the linear
    /// forms and for multiplicative errors with additive parts (Hyndman et al. 2008, §6.3 classes
    /// 1 and 2); otherwise quantiles of 2,000 simulated paths (seeded, so reproducible).
    public func intervals(horizon: Int, level: Double) -> (lower: [Double], upper: [Double]) {
        let means = forecast(horizon: horizon)
        let z = ETSModel.normalQuantile(0.5 + level / 2)
        // c_j: how much of an innovation j steps back reaches the forecast.
        func c(_ j: Int) -> Double {
            var value = alpha
            switch form.trend {
            case .none: break
            case .additive: value += beta * Double(j)
            case .damped: value += beta * ETSModel.dampedSum(phi, j)
            }
            if form.season != .none, j % season == 0 { value += gamma }
            return value
        }
        if form.isLinear {
            var sum = 0.0, lower: [Double] = [], upper: [Double] = []
            for h in stride(from: 1, through: horizon, by: 1) {
                let sd = (sigma2 * (1 + sum)).squareRoot()
                lower.append(means[h - 1] - z * sd)
                upper.append(means[h - 1] + z * sd)
                sum += c(h) * c(h)
            }
            return (lower, upper)
        }
        if form.season != .multiplicative {
            // Class 2: θ_h = μ_h² + σ²·Σ_{j<h} c_j²·θ_{h−j}; var_h = (1 + σ²)·θ_h − μ_h².
            var theta: [Double] = [], lower: [Double] = [], upper: [Double] = []
            for h in stride(from: 1, through: horizon, by: 1) {
                var value = means[h - 1] * means[h - 1]
                for j in 1..<h { value += sigma2 * c(j) * c(j) * theta[h - j - 1] }
                theta.append(value)
                let sd = max(0, (1 + sigma2) * value - means[h - 1] * means[h - 1]).squareRoot()
                lower.append(means[h - 1] - z * sd)
                upper.append(means[h - 1] + z * sd)
            }
            return (lower, upper)
        }
        return simulatedIntervals(horizon: horizon, level: level)
    }

    /// Quantiles of simulated sample paths.
    func simulatedIntervals(horizon: Int, level: Double, paths: Int = 2000) -> (lower: [Double], upper: [Double]) {
        var generator = SeededGenerator(seed: 0x5EE7)
        var samples = [[Double]](repeating: [], count: horizon)
        let sd = sigma2.squareRoot()
        for _ in 0..<paths {
            var state = ETSState(level: self.level, trend: trend, seasons: seasons)
            for h in 0..<horizon {
                let mu = state.mean(form, phi: phi, position: (count + h) % max(1, season))
                let shock = sd * Double(generator.normal())
                let y = form.error == .additive ? mu + shock : mu * (1 + shock)
                samples[h].append(y)
                state.update(form, y: y, mu: mu, alpha: alpha, beta: beta, gamma: gamma, phi: phi, position: (count + h) % max(1, season))
            }
        }
        var lower: [Double] = [], upper: [Double] = []
        for h in 0..<horizon {
            let sorted = samples[h].sorted()
            let low = Int(((1 - level) / 2 * Double(paths)).rounded(.down)), high = min(paths - 1, Int(((1 + level) / 2 * Double(paths)).rounded(.down)))
            lower.append(sorted[low])
            upper.append(sorted[high])
        }
        return (lower, upper)
    }

    /// The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 after one Newton step).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }
}

/// The states one step of the recursion reads and writes.
struct ETSState {
    var level: Double, trend: Double, seasons: [Double]

    /// The one-step forecast at season position `position`.
    func mean(_ form: ETSForm, phi: Double, position: Int) -> Double {
        let base = level + (form.trend == .none ? 0 : (form.trend == .damped ? phi : 1) * trend)
        switch form.season {
        case .none: return base
        case .additive: return base + seasons[position]
        case .multiplicative: return base * seasons[position]
        }
    }

    /// Moves the states past observation `y` whose forecast was `mu`.
    mutating func update(_ form: ETSForm, y: Double, mu: Double, alpha: Double, beta: Double, gamma: Double, phi: Double, position: Int) {
        let damping = form.trend == .none ? 0 : (form.trend == .damped ? phi : 1)
        let base = level + damping * trend
        let e = y - mu
        switch form.season {
        case .none:
            level = base + alpha * e
            trend = damping * trend + beta * e
        case .additive:
            level = base + alpha * e
            trend = damping * trend + beta * e
            seasons[position] += gamma * e
        case .multiplicative:
            let s = seasons[position]
            level = base + alpha * e / s
            trend = damping * trend + beta * e / s
            seasons[position] = s + gamma * e / base
        }
    }
}
