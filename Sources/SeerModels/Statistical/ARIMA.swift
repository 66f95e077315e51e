// Seasonal ARIMA(p,d,q)(P,D,Q)_m fitted by conditional sum of squares (Box & Jenkins; the CSS
// estimator R's arima and statsforecast use to start their searches). The differenced series
// w = (1 − B)^d (1 − B^m)^D y, less a constant c (its mean, or the drift when d + D = 1), follows
//   φ(B)·Φ(B^m)·(w_t − c) = θ(B)·Θ(B^m)·ε_t.
// Both polynomials are optimised through partial autocorrelations in (−1, 1) (tanh of free
// values, then Durbin–Levinson, as R's transform.pars does), so every AR part is stationary and
// every MA part invertible by construction and Nelder–Mead needs no root checks.
import Foundation

/// An ARIMA order.
public struct ARIMAOrder: Hashable, Sendable, CustomStringConvertible {
    public var p: Int, d: Int, q: Int
    public var seasonalP: Int, seasonalD: Int, seasonalQ: Int
    /// Season length m (1: none).
    public var season: Int
    /// Whether the differenced series has a non-zero mean (a drift when d + D = 1).
    public var constant: Bool

    public init(p: Int, d: Int, q: Int, seasonalP: Int = 0, seasonalD: Int = 0, seasonalQ: Int = 0, season: Int = 1, constant: Bool = false) {
        self.p = p; self.d = d; self.q = q
        self.seasonalP = seasonalP; self.seasonalD = seasonalD; self.seasonalQ = seasonalQ
        self.season = season
        self.constant = constant
    }

    /// "ARIMA(0,1,1)(0,1,1)[12]", with "with drift" or "with mean" when there is a constant.
    public var description: String {
        var text = "ARIMA(\(p),\(d),\(q))"
        if season > 1, seasonalP + seasonalD + seasonalQ > 0 { text += "(\(seasonalP),\(seasonalD),\(seasonalQ))[\(season)]" }
        if constant { text += d + seasonalD == 0 ? " with mean" : " with drift" }
        return text
    }

    /// Free ARMA coefficients plus the constant.
    var coefficientCount: Int { p + q + seasonalP + seasonalQ + (constant ? 1 : 0) }
}

/// A fitted ARIMA model.
public struct ARIMAModel: Sendable {
    public let order: ARIMAOrder
    /// φ(B)Φ(B^m) expanded: w_t − c = Σ ar[i]·(w_{t−1−i} − c) + ε_t + Σ ma[j]·ε_{t−1−j}.
    public let ar: [Double], ma: [Double]
    public let constant: Double
    /// Innovation variance (residual sum of squares over the residuals counted).
    public let sigma2: Double
    public let aicc: Double
    /// The history and its differenced form with residuals (what forecasts continue).
    let history: [Double], differenced: [Double], residuals: [Double]

    /// (1 − B)^d (1 − B^m)^D as coefficients δ_0 = 1, δ_1, …
    static func differencing(_ order: ARIMAOrder) -> [Double] {
        var poly: [Double] = [1]
        func times(_ factor: [Double]) {
            var out = [Double](repeating: 0, count: poly.count + factor.count - 1)
            for (i, a) in poly.enumerated() { for (j, b) in factor.enumerated() { out[i + j] += a * b } }
            poly = out
        }
        for _ in 0..<order.d { times([1, -1]) }
        if order.seasonalD > 0 {
            var seasonal = [Double](repeating: 0, count: order.season + 1)
            seasonal[0] = 1
            seasonal[order.season] = -1
            for _ in 0..<order.seasonalD { times(seasonal) }
        }
        return poly
    }

    /// Applies δ(B): w_t = Σ δ_k·y_{t−k} for every t with a full window.
    static func difference(_ y: [Double], _ delta: [Double]) -> [Double] {
        let lag = delta.count - 1
        guard y.count > lag else { return [] }
        return (lag..<y.count).map { t in delta.indices.reduce(0) { $0 + delta[$1] * y[t - $1] } }
    }

    /// Point forecasts 1…horizon steps ahead.
    public func forecast(horizon: Int) -> [Double] {
        var w = differenced.map { $0 - constant }, e = residuals
        var y = history
        let delta = ARIMAModel.differencing(order)
        var out: [Double] = []
        for _ in 0..<horizon {
            var next = 0.0
            for (i, a) in ar.enumerated() where w.count - 1 - i >= 0 { next += a * w[w.count - 1 - i] }
            for (j, b) in ma.enumerated() where e.count - 1 - j >= 0 { next += b * e[e.count - 1 - j] }
            w.append(next)
            e.append(0)
            // y_t = (w_t + c) − Σ_{k≥1} δ_k·y_{t−k}.
            var value = next + constant
            for k in 1..<delta.count { value -= delta[k] * y[y.count - k] }
            y.append(value)
            out.append(value)
        }
        return out
    }

    /// ψ-weights of the integrated model: how an innovation j steps back reaches a forecast.
    func psiWeights(_ count: Int) -> [Double] {
        // Full AR side: (1 − Σ ar_i B^i)·δ(B), as 1 − Σ a_k B^k.
        var phi: [Double] = [1] + ar.map { -$0 }
        let delta = ARIMAModel.differencing(order)
        var full = [Double](repeating: 0, count: phi.count + delta.count - 1)
        for (i, a) in phi.enumerated() { for (j, b) in delta.enumerated() { full[i + j] += a * b } }
        phi = full
        var psi = [Double](repeating: 0, count: count)
        for j in 0..<count {
            var value = j == 0 ? 1 : (j - 1 < ma.count ? ma[j - 1] : 0)
            for k in 1..<phi.count where j - k >= 0 { value -= phi[k] * psi[j - k] }
            psi[j] = value
        }
        return psi
    }

    /// Central prediction intervals at `level`: ±z·σ·√(Σ_{j<h} ψ_j²).
    public func intervals(horizon: Int, level: Double) -> (lower: [Double], upper: [Double]) {
        let means = forecast(horizon: horizon), psi = psiWeights(horizon)
        let z = ETSModel.normalQuantile(0.5 + level / 2)
        var sum = 0.0, lower: [Double] = [], upper: [Double] = []
        for h in 0..<horizon {
            sum += psi[h] * psi[h]
            let sd = (sigma2 * sum).squareRoot()
            lower.append(means[h] - z * sd)
            upper.append(means[h] + z * sd)
        }
        return (lower, upper)
    }

    /// Coefficients of a stationary polynomial 1 − Σ c_k z^k from partial autocorrelations (Durbin–Levinson).
    static func fromPartialAutocorrelations(_ r: [Double]) -> [Double] {
        var c: [Double] = []
        for (k, rk) in r.enumerated() {
            var next = c
            for j in 0..<k { next[j] = c[j] - rk * c[k - 1 - j] }
            next.append(rk)
            c = next
        }
        return c
    }

    /// Expands φ(B)·Φ(B^m) (or θ·Θ) given each factor's coefficients in the "Σ c_k B^k" sign
    /// convention: (1 − Σ a_i B^i)(1 − Σ A_i B^{m·i}) = 1 − Σ out_k B^k.
    static func expand(_ a: [Double], _ seasonal: [Double], season m: Int) -> [Double] {
        let length = a.count + m * seasonal.count
        guard length > 0 else { return [] }
        var first = [Double](repeating: 0, count: a.count + 1)
        first[0] = 1
        for (i, v) in a.enumerated() { first[i + 1] = -v }
        var second = [Double](repeating: 0, count: m * seasonal.count + 1)
        second[0] = 1
        for (i, v) in seasonal.enumerated() { second[m * (i + 1)] = -v }
        var poly = [Double](repeating: 0, count: length + 1)
        for (i, x) in first.enumerated() where x != 0 { for (j, y) in second.enumerated() where y != 0 { poly[i + j] += x * y } }
        return poly.dropFirst().map { -$0 }
    }

    /// The ARMA coefficients and constant a free vector stands for.
    static func decode(_ v: [Double], _ order: ARIMAOrder) -> (ar: [Double], ma: [Double], constant: Double) {
        var i = 0
        func take(_ count: Int) -> [Double] { defer { i += count }; return v[i..<(i + count)].map { tanh($0) } }
        let phi = fromPartialAutocorrelations(take(order.p))
        let theta = fromPartialAutocorrelations(take(order.q)).map { -$0 }
        let seasonalPhi = fromPartialAutocorrelations(take(order.seasonalP))
        let seasonalTheta = fromPartialAutocorrelations(take(order.seasonalQ)).map { -$0 }
        let ar = expand(phi, seasonalPhi, season: order.season)
        // θ(B)Θ(B^m) = 1 + Σ ma_j B^j: expand in the "1 − Σ" convention on the negated coefficients.
        let ma = expand(theta.map { -$0 }, seasonalTheta.map { -$0 }, season: order.season).map { -$0 }
        return (ar, ma, order.constant ? v[i] : 0)
    }

    /// One-step residuals of w under the coefficients, conditioning on the first `ar.count`
    /// values (earlier residuals taken as zero).
    static func residuals(_ w: [Double], ar: [Double], ma: [Double], constant: Double) -> [Double] {
        var e = [Double](repeating: 0, count: w.count)
        let start = min(w.count, ar.count)
        for t in start..<w.count {
            var prediction = 0.0
            for (i, a) in ar.enumerated() { prediction += a * (w[t - 1 - i] - constant) }
            for (j, b) in ma.enumerated() where t - 1 - j >= 0 { prediction += b * e[t - 1 - j] }
            e[t] = w[t] - constant - prediction
        }
        return e
    }

    /// Fits `order` to `y` by conditional sum of squares; nil when too few values remain after
    /// differencing and conditioning for its coefficients.
    public static func fit(_ order: ARIMAOrder, _ y: [Double]) -> ARIMAModel? {
        let w = difference(y, differencing(order))
        let conditioning = order.p + order.season * order.seasonalP
        let used = w.count - conditioning
        let k = order.coefficientCount + 1
        // At least two residuals beyond the parameters (σ² included): fewer make AICc's correction
        // blow up or vanish, and a zero-mean white noise would "fit" three points best.
        guard used >= k + 3 else { return nil }
        let mean = w.reduce(0, +) / Double(w.count)
        let spread = max(1e-8, (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count)).squareRoot())
        func sumOfSquares(_ v: [Double]) -> Double {
            let (ar, ma, c) = decode(v, order)
            let e = residuals(w, ar: ar, ma: ma, constant: c)
            var s = 0.0
            for t in conditioning..<w.count { s += e[t] * e[t] }
            return s.isFinite ? s : .infinity
        }
        var start = [Double](repeating: 0, count: order.coefficientCount)
        var steps = [Double](repeating: 0.2, count: order.coefficientCount)
        if order.constant { start[start.count - 1] = mean; steps[steps.count - 1] = 0.1 * spread }
        var best = nelderMead(sumOfSquares, start: start, steps: steps, maxEvaluations: 150 * max(1, start.count) + 200, tolerance: 1e-10)
        if !start.isEmpty {
            let restart = nelderMead(sumOfSquares, start: best.point, steps: steps.map { $0 / 4 }, maxEvaluations: 80 * start.count + 100, tolerance: 1e-10)
            if restart.value < best.value { best = restart }
        }
        guard best.value.isFinite else { return nil }
        let (ar, ma, c) = decode(best.point, order)
        let sigma2 = max(best.value / Double(used), 1e-300)
        let n = Double(used), kk = Double(k)
        let aicc = n * log(sigma2) + 2 * kk + 2 * kk * (kk + 1) / (n - kk - 1)
        return ARIMAModel(order: order, ar: ar, ma: ma, constant: c, sigma2: sigma2, aicc: aicc,
                          history: y, differenced: w, residuals: residuals(w, ar: ar, ma: ma, constant: c))
    }
}
