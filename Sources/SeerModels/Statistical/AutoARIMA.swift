// Automatic ARIMA (Hyndman & Khandakar 2008, "Automatic time series forecasting: the forecast
// package for R", §3.2): the seasonal differencing D from the seasonal strength of a classical
// decomposition (D = 1 above 0.64, statsforecast's default test), the differencing d from
// repeated KPSS tests at the 5 % level (d ≤ 2), then a stepwise search over p, q ≤ 5 and P, Q ≤ 2
// (p + q + P + Q ≤ 5) from four starting models, moving to any neighbour (one order ±1, p and q
// or P and Q together ±1, the constant toggled) with a lower AICc until none is lower. The
// constant is allowed when d + D ≤ 1. Models are fitted by conditional sum of squares.
import Foundation

/// Automatic seasonal ARIMA.
public struct AutoARIMA: Sendable {
    /// Season length m in steps (1: none).
    public let season: Int

    public init(season: Int) {
        precondition(season >= 1, "the season must be at least one step")
        self.season = season
    }

    /// The fewest steps a forecast needs (below about ten, only the simplest orders fit).
    public static let minimumHistory = 3
    /// KPSS's 5 % critical value for level stationarity (Kwiatkowski et al. 1992, table 1).
    static let kpssCritical = 0.463
    /// Seasonal strength above which the season is differenced (Wang, Smith & Hyndman 2006).
    static let seasonalStrengthThreshold = 0.64

    /// The lowest-AICc model the stepwise search finds (a random walk when nothing else fits).
    public func fit(_ y: [Double]) -> ARIMAModel {
        let m = season > 1 && y.count >= 2 * season + 1 ? season : 1
        let D = m > 1 && Self.seasonalStrength(y, m) > Self.seasonalStrengthThreshold ? 1 : 0
        var x = y
        if D == 1 { x = ARIMAModel.difference(y, ARIMAModel.differencing(ARIMAOrder(p: 0, d: 0, q: 0, seasonalD: 1, season: m))) }
        var d = 0
        while d < 2, x.count > 4, Self.kpss(x) > Self.kpssCritical {
            x = ARIMAModel.difference(x, [1, -1])
            d += 1
        }
        var cache: [ARIMAOrder: ARIMAModel?] = [:]
        func model(_ order: ARIMAOrder) -> ARIMAModel? {
            if let known = cache[order] { return known }
            let fitted = ARIMAModel.fit(order, y)
            cache[order] = fitted
            return fitted
        }
        let allowConstant = d + D <= 1
        let seasonal = m > 1
        func order(_ p: Int, _ q: Int, _ P: Int, _ Q: Int, _ c: Bool) -> ARIMAOrder {
            ARIMAOrder(p: p, d: d, q: q, seasonalP: seasonal ? P : 0, seasonalD: D, seasonalQ: seasonal ? Q : 0, season: m, constant: c && allowConstant)
        }
        func valid(_ o: ARIMAOrder) -> Bool {
            o.p >= 0 && o.q >= 0 && o.seasonalP >= 0 && o.seasonalQ >= 0 && o.p <= 5 && o.q <= 5 && o.seasonalP <= 2 && o.seasonalQ <= 2
                && o.p + o.q + o.seasonalP + o.seasonalQ <= 5
        }
        var best: ARIMAModel?
        func consider(_ o: ARIMAOrder) -> Bool {
            guard valid(o), let fitted = model(o) else { return false }
            if best == nil || fitted.aicc < best!.aicc - 1e-9 { best = fitted; return true }
            return false
        }
        for start in [order(2, 2, 1, 1, true), order(0, 0, 0, 0, true), order(1, 0, 1, 0, true), order(0, 1, 0, 1, true), order(0, 0, 0, 0, false)] {
            _ = consider(start)
        }
        // Stepwise: move to the first neighbour that lowers AICc, until none does (at most 94 fits, as in the paper).
        var moved = best != nil
        while moved, cache.count < 94 {
            moved = false
            let o = best!.order
            let (p, q, P, Q, c) = (o.p, o.q, o.seasonalP, o.seasonalQ, o.constant)
            var neighbours = [order(p - 1, q, P, Q, c), order(p + 1, q, P, Q, c), order(p, q - 1, P, Q, c), order(p, q + 1, P, Q, c),
                              order(p - 1, q - 1, P, Q, c), order(p + 1, q + 1, P, Q, c), order(p - 1, q + 1, P, Q, c), order(p + 1, q - 1, P, Q, c)]
            if seasonal {
                neighbours += [order(p, q, P - 1, Q, c), order(p, q, P + 1, Q, c), order(p, q, P, Q - 1, c), order(p, q, P, Q + 1, c),
                               order(p, q, P - 1, Q - 1, c), order(p, q, P + 1, Q + 1, c)]
            }
            if allowConstant { neighbours.append(order(p, q, P, Q, !c)) }
            for neighbour in neighbours where consider(neighbour) {
                moved = true
                break
            }
        }
        if let best { return best }
        // Nothing fits (a very short history): a random walk, or the mean of what there is.
        return ARIMAModel.fit(ARIMAOrder(p: 0, d: min(1, y.count - 2), q: 0), y)
            ?? ARIMAModel(order: ARIMAOrder(p: 0, d: 1, q: 0), ar: [], ma: [], constant: 0, sigma2: 0, aicc: .infinity,
                          history: y, differenced: [], residuals: [])
    }

    /// The next `horizon` values after `history` (finite, at least `minimumHistory` steps).
    public func forecast(_ history: [Float], horizon: Int) -> [Float] {
        precondition(history.count >= Self.minimumHistory, "ARIMA needs \(Self.minimumHistory) steps of history")
        return fit(history.map(Double.init)).forecast(horizon: horizon).map(Float.init)
    }

    /// The KPSS statistic for level stationarity: Σ S_t² / (n²·σ̂²), S the partial sums of the
    /// deviations from the mean and σ̂² their long-run variance (Bartlett weights, ⌊4·(n/100)^¼⌋ lags).
    static func kpss(_ x: [Double]) -> Double {
        let n = x.count
        let mean = x.reduce(0, +) / Double(n)
        let e = x.map { $0 - mean }
        var partial = 0.0, sumSquares = 0.0
        for v in e { partial += v; sumSquares += partial * partial }
        let lags = Int(4 * pow(Double(n) / 100, 0.25))
        var variance = e.reduce(0) { $0 + $1 * $1 } / Double(n)
        if lags > 0 {
            for l in 1...lags where l < n {
                var s = 0.0
                for t in l..<n { s += e[t] * e[t - l] }
                variance += 2 * (1 - Double(l) / Double(lags + 1)) * s / Double(n)
            }
        }
        guard variance > 1e-300 else { return 0 }
        return sumSquares / (Double(n) * Double(n) * variance)
    }

    /// Seasonal strength max(0, 1 − Var(R)/Var(S + R)) of an additive classical decomposition.
    static func seasonalStrength(_ y: [Double], _ m: Int) -> Double {
        guard y.count > 2 * m else { return 0 }
        let indices = classicalSeasonalIndices(y, m, multiplicative: false)
        var remainder: [Double] = [], detrended: [Double] = []
        for (t, trend) in centredMovingAverage(y, m).enumerated() {
            guard let trend else { continue }
            detrended.append(y[t] - trend)
            remainder.append(y[t] - trend - indices[t % m])
        }
        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        }
        let total = variance(detrended)
        guard total > 0 else { return 0 }
        return max(0, 1 - variance(remainder) / total)
    }
}
