// Fitting ETS models by maximum likelihood and choosing among them by AICc (the automatic
// procedure of Hyndman et al. 2008, §7.1 and forecast::ets): for each admissible form, heuristic
// initial states (classical decomposition of the first seasons, a line through the first adjusted
// values) and starting parameters are refined by Nelder–Mead over the smoothing parameters and
// the initial states together, within the usual bounds 1e-4 ≤ β ≤ α ≤ 0.9999, γ ≤ 1 − α,
// 0.8 ≤ φ ≤ 0.98; the fitted form with the lowest AICc forecasts.
import Foundation

/// Automatic ETS: every admissible form fitted, the lowest AICc kept.
public struct AutoETS: Sendable {
    /// Season length m in steps (1: none; above 24 the season is ignored, as forecast::ets does).
    public let season: Int
    /// The forms tried; nil: every admissible one for the data.
    public let forms: [ETSForm]?

    public init(season: Int, forms: [ETSForm]? = nil) {
        precondition(season >= 1, "the season must be at least one step")
        self.season = season
        self.forms = forms
    }

    /// The fewest steps a forecast needs (with fewer than a form's parameters + 4, only ETS(A,N,N) is fitted).
    public static let minimumHistory = 3
    /// Longest season ETS models (its m − 1 initial states make longer ones ill-posed).
    public static let longestSeason = 24

    /// The admissible forms for a history: multiplicative parts only for positive data, a season
    /// only when m ≤ 24 and the history holds two of them.
    public func candidateForms(_ y: [Double]) -> [ETSForm] {
        if let forms { return forms }
        let positive = y.allSatisfy { $0 > 0 }
        let seasonal = season > 1 && season <= Self.longestSeason && y.count >= 2 * season
        var out: [ETSForm] = []
        for error in positive ? [ETSForm.Error.additive, .multiplicative] : [.additive] {
            for trend in [ETSForm.Trend.none, .additive, .damped] {
                var seasons: [ETSForm.Season] = [.none]
                if seasonal { seasons.append(.additive); if positive { seasons.append(.multiplicative) } }
                for s in seasons where !(error == .additive && s == .multiplicative) {
                    out.append(ETSForm(error, trend, s))
                }
            }
        }
        return out
    }

    /// The lowest-AICc model (ETS(A,N,N) when the history is too short for any form's parameters).
    public func fit(_ history: [Double]) -> ETSModel {
        var best: ETSModel?
        for form in candidateForms(history) {
            guard let model = Self.fit(form, history, season: season, requireDegreesOfFreedom: true) else { continue }
            if best == nil || model.aicc < best!.aicc { best = model }
        }
        return best ?? Self.fit(ETSForm(.additive, .none, .none), history, season: 1, requireDegreesOfFreedom: false)!
    }

    /// The next `horizon` values after `history` (all finite, at least `minimumHistory` steps).
    public func forecast(_ history: [Float], horizon: Int) -> [Float] {
        precondition(history.count >= Self.minimumHistory, "ETS needs \(Self.minimumHistory) steps of history")
        return fit(history.map(Double.init)).forecast(horizon: horizon).map(Float.init)
    }

    /// Where each quantity sits in the optimiser's vector.
    struct Layout {
        let form: ETSForm, m: Int
        var hasTrend: Bool { form.trend != .none }
        var hasSeason: Bool { form.season != .none }
        var parameterCount: Int { 1 + (hasTrend ? 1 : 0) + (hasSeason ? 1 : 0) + (form.trend == .damped ? 1 : 0) }
        /// Free values: parameters, ℓ0, b0, and m − 1 seasonal states (the last makes them sum to 0, or to m).
        var count: Int { parameterCount + 1 + (hasTrend ? 1 : 0) + (hasSeason ? m - 1 : 0) }

        func decode(_ v: [Double]) -> (alpha: Double, beta: Double, gamma: Double, phi: Double, state: ETSState) {
            var i = 0
            func take() -> Double { defer { i += 1 }; return v[i] }
            let alpha = take()
            let beta = hasTrend ? take() : 0
            let gamma = hasSeason ? take() : 0
            let phi = form.trend == .damped ? take() : 1
            let level = take()
            let trend = hasTrend ? take() : 0
            var seasons: [Double] = []
            if hasSeason {
                seasons = Array(v[i..<(i + m - 1)])
                let sum = seasons.reduce(0, +)
                seasons.append(form.season == .multiplicative ? Double(m) - sum : -sum)
            }
            return (alpha, beta, gamma, phi, ETSState(level: level, trend: trend, seasons: seasons))
        }
    }

    /// One form fitted to `y`; nil when it cannot be (too few values for its parameters, or no
    /// admissible start).
    static func fit(_ form: ETSForm, _ y: [Double], season: Int, requireDegreesOfFreedom: Bool) -> ETSModel? {
        let n = y.count
        let m = form.season == .none ? 1 : season
        let layout = Layout(form: form, m: m)
        if requireDegreesOfFreedom, n <= layout.count + 4 { return nil }
        guard n >= 2 else { return nil }
        let start = initialVector(layout, y)
        let objective: ([Double]) -> Double = { v in likelihood(layout, v, y)?.value ?? .infinity }
        guard objective(start).isFinite else { return nil }
        var steps = start.indices.map { i -> Double in i < layout.parameterCount ? 0.05 : 0.1 * max(abs(start[i]), 1e-3) }
        if layout.parameterCount > 1 { steps[1] = 0.01 * start[0] }
        var result = nelderMead(objective, start: start, steps: steps, maxEvaluations: 120 * layout.count + 200)
        // A restart from the optimum escapes a collapsed simplex (a cheap, standard safeguard).
        let restart = nelderMead(objective, start: result.point, steps: steps.map { $0 / 2 }, maxEvaluations: 60 * layout.count + 100)
        if restart.value < result.value { result = restart }
        guard let fitted = likelihood(layout, result.point, y) else { return nil }
        let decoded = layout.decode(result.point)
        let k = Double(layout.count + 1)
        let aicc = fitted.value + 2 * k + (Double(n) - k - 1 > 0 ? 2 * k * (k + 1) / (Double(n) - k - 1) : .infinity)
        let dof = n > layout.count ? Double(n - layout.count) : Double(n)
        return ETSModel(form: form, season: m, alpha: decoded.alpha, beta: decoded.beta, gamma: decoded.gamma, phi: decoded.phi,
                        level: fitted.state.level, trend: fitted.state.trend, seasons: fitted.state.seasons, count: n,
                        sigma2: fitted.sumOfSquares / dof, negativeTwoLogLikelihood: fitted.value, aicc: aicc)
    }

    /// Starting values: α = 0.2 (β = 0.02, γ = 0.01, φ = 0.95) and initial states from the data's start.
    static func initialVector(_ layout: Layout, _ y: [Double]) -> [Double] {
        let n = y.count, m = layout.m
        var indices = [Double](repeating: layout.form.season == .multiplicative ? 1 : 0, count: m)
        if layout.hasSeason {
            let prefix = Array(y.prefix(min(n, 3 * m)))
            indices = classicalSeasonalIndices(prefix, m, multiplicative: layout.form.season == .multiplicative)
        }
        // The adjusted first values: a line through them gives ℓ0 and b0.
        let k = min(n, max(10, 2 * m))
        let adjusted = (0..<k).map { t in
            layout.form.season == .multiplicative ? y[t] / indices[t % m] : y[t] - (layout.hasSeason ? indices[t % m] : 0)
        }
        var level: Double, slope = 0.0
        if layout.hasTrend {
            slope = ThetaMethod.slope(adjusted)
            level = adjusted.reduce(0, +) / Double(k) - slope * (Double(k - 1) / 2 + 1)
        } else {
            level = adjusted.prefix(max(1, min(k, m))).reduce(0, +) / Double(max(1, min(k, m)))
        }
        var v: [Double] = [0.2]
        if layout.hasTrend { v.append(0.02) }
        if layout.hasSeason { v.append(0.01) }
        if layout.form.trend == .damped { v.append(0.95) }
        v.append(level)
        if layout.hasTrend { v.append(slope) }
        if layout.hasSeason { v += indices.prefix(m - 1) }
        return v
    }

    /// −2·log-likelihood (without its constant) of the parameters and initial states in `v`, the
    /// sum of squared one-step errors (relative ones for multiplicative error) and the final states;
    /// nil outside the bounds or where a multiplicative part stops being positive.
    static func likelihood(_ layout: Layout, _ v: [Double], _ y: [Double]) -> (value: Double, sumOfSquares: Double, state: ETSState)? {
        let (alpha, beta, gamma, phi, start) = layout.decode(v)
        let form = layout.form
        guard alpha >= 1e-4, alpha <= 0.9999 else { return nil }
        if layout.hasTrend { guard beta >= 1e-4, beta <= alpha else { return nil } }
        if layout.hasSeason { guard gamma >= 1e-4, gamma <= 1 - alpha else { return nil } }
        if form.trend == .damped { guard phi >= 0.8, phi <= 0.98 else { return nil } }
        if form.season == .multiplicative { guard start.seasons.allSatisfy({ $0 > 0 }) else { return nil } }
        var state = start
        var sumOfSquares = 0.0, logSum = 0.0
        for t in y.indices {
            let position = t % layout.m
            let mu = state.mean(form, phi: phi, position: position)
            if form.error == .multiplicative || form.season == .multiplicative { guard mu > 0 else { return nil } }
            let e = y[t] - mu
            if form.error == .additive {
                sumOfSquares += e * e
            } else {
                sumOfSquares += (e / mu) * (e / mu)
                logSum += log(mu)
            }
            state.update(form, y: y[t], mu: mu, alpha: alpha, beta: beta, gamma: gamma, phi: phi, position: position)
            if form.season == .multiplicative { guard state.seasons[position] > 0, state.level.isFinite else { return nil } }
        }
        let n = Double(y.count)
        guard sumOfSquares.isFinite else { return nil }
        let value = n * log(max(sumOfSquares / n, 1e-300)) + 2 * logSum
        return (value, sumOfSquares, state)
    }
}
