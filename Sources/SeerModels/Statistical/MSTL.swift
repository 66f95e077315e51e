// MSTL (Bandara, Hyndman & Bergmeir 2021): a series with several seasons (the day and the week of
// hourly data) is decomposed by STL (Cleveland et al. 1990) once per season, shortest first, each
// on the series with the other seasons removed, twice round. The forecast, as statsforecast's MSTL
// makes it: each seasonal component repeats its last cycle, and the seasonally adjusted rest
// (trend + remainder) is forecast by non-seasonal AutoETS. Long histories are fitted on their
// most recent `fitLength` steps.
//
// STL here is the non-robust form: two inner passes of cycle-subseries loess (span 7 + 4·i for the
// i-th season, as MSTL's default), the low-pass filter (moving averages of m, m and 3, then loess of
// span the next odd ≥ m) and trend loess (span the next odd ≥ 1.5·m / (1 − 1.5/n_s)), all loess of
// degree 1 with tricube weights.
import Foundation

/// MSTL forecasts of univariate histories.
public struct MSTLMethod: Sendable {
    /// The seasons, in steps (those under two cycles of the history are left out at fit time).
    public let seasons: [Int]

    public init(seasons: [Int]) {
        self.seasons = Array(Set(seasons.filter { $0 > 1 })).sorted()
    }

    /// The fewest steps a forecast needs (with fewer than two cycles of every season it is ETS alone).
    public static let minimumHistory = 3

    /// Steps of the end of a history MSTL decomposes and fits: ten cycles of the longest season, at
    /// least 2,000 — twelve weeks of hourly data. STL's seasonal smoothing is local (7 + 4·i cycles)
    /// and the trend's ETS weights recent steps most, so older history changes the forecast little
    /// while its cost grows with every step (all of ETTh1's 17,420 hours cost `auto` 36 s of MSTL
    /// refits at its held-out origins; 2,000 cost 4 s).
    public var fitLength: Int { max(2_000, 10 * (seasons.last ?? 1)) }

    /// The seasonal components (one per season that fits, in `seasons` order) and the adjusted series.
    public func decompose(_ y: [Double]) -> (seasons: [(period: Int, component: [Double])], adjusted: [Double]) {
        let fitting = seasons.filter { 2 * $0 <= y.count }
        var components = fitting.map { _ in [Double](repeating: 0, count: y.count) }
        var adjusted = y
        guard !fitting.isEmpty else { return ([], y) }
        for _ in 0..<2 {
            for (i, period) in fitting.enumerated() {
                for t in y.indices { adjusted[t] += components[i][t] }
                components[i] = STL.seasonal(adjusted, period: period, seasonalSpan: 7 + 4 * (i + 1))
                for t in y.indices { adjusted[t] -= components[i][t] }
            }
        }
        return (Array(zip(fitting, components)).map { (period: $0.0, component: $0.1) }, adjusted)
    }

    /// The next `horizon` values after `history`.
    public func forecast(_ history: [Float], horizon: Int) -> [Float] {
        forecastWithIntervals(history, horizon: horizon, levels: []).mean
    }

    /// The seasonal components' repeated last cycles, step by step.
    static func seasonalPath(_ components: [(period: Int, component: [Double])], count n: Int, horizon: Int) -> [Double] {
        var out = [Double](repeating: 0, count: horizon)
        for (period, component) in components {
            for h in 0..<horizon {
                // The same phase one or more whole cycles back.
                let back = period * ((h / period) + 1)
                out[h] += component[n + h - back]
            }
        }
        return out
    }
}

extension MSTLMethod: IntervalForecastMethod {
    public var minimumHistory: Int { Self.minimumHistory }

    /// Forecasts with the intervals of the ETS fit to the adjusted series, shifted by the seasonal
    /// path (the seasons' own uncertainty left out, as statsforecast's MSTL does).
    public func forecastWithIntervals(_ history: [Float], horizon: Int, levels: [Double]) -> (mean: [Float], bounds: [(lower: [Float], upper: [Float])]) {
        precondition(history.count >= Self.minimumHistory, "MSTL needs \(Self.minimumHistory) steps of history")
        let y = history.suffix(fitLength).map(Double.init)
        let (components, adjusted) = decompose(y)
        let model = AutoETS(season: 1).fit(adjusted)
        let seasonal = Self.seasonalPath(components, count: y.count, horizon: horizon)
        let mean = zip(model.forecast(horizon: horizon), seasonal).map { Float($0 + $1) }
        return (mean, levels.map { level in
            let (lower, upper) = model.intervals(horizon: horizon, level: level)
            return (zip(lower, seasonal).map { Float($0 + $1) }, zip(upper, seasonal).map { Float($0 + $1) })
        })
    }
}

/// Seasonal–trend decomposition by loess (non-robust).
enum STL {
    /// The next odd integer ≥ x.
    static func nextOdd(_ x: Double) -> Int {
        var n = Int(x.rounded(.up))
        if n % 2 == 0 { n += 1 }
        return max(3, n)
    }

    /// The seasonal component of `y` at `period`.
    static func seasonal(_ y: [Double], period: Int, seasonalSpan: Int, innerPasses: Int = 2) -> [Double] {
        let n = y.count
        let ns = nextOdd(Double(seasonalSpan))
        let nl = nextOdd(Double(period))
        let nt = nextOdd(1.5 * Double(period) / (1 - 1.5 / Double(ns)))
        var trend = [Double](repeating: 0, count: n)
        var season = [Double](repeating: 0, count: n)
        for _ in 0..<innerPasses {
            let detrended = (0..<n).map { y[$0] - trend[$0] }
            // Cycle-subseries smoothing, each subseries extended by one cycle at both ends.
            var cycle = [Double](repeating: 0, count: n + 2 * period)
            for k in 0..<period {
                let sub = stride(from: k, to: n, by: period).map { detrended[$0] }
                guard !sub.isEmpty else { continue }
                let xs = (0..<sub.count).map(Double.init)
                for j in -1...sub.count {
                    let t = k + (j + 1) * period
                    if t < cycle.count { cycle[t] = loess(xs, sub, at: Double(j), span: ns) }
                }
            }
            // Low-pass filter of the cycle series: moving averages of m, m and 3, then loess.
            var low = movingAverage(cycle, period)
            low = movingAverage(low, period)
            low = movingAverage(low, 3)
            let positions = (0..<low.count).map(Double.init)
            low = positions.map { loess(positions, low, at: $0, span: nl) }
            for t in 0..<n { season[t] = cycle[period + t] - low[t] }
            let deseasonalised = (0..<n).map { y[$0] - season[$0] }
            let times = (0..<n).map(Double.init)
            trend = times.map { loess(times, deseasonalised, at: $0, span: nt) }
        }
        return season
    }

    /// Means of every `width` consecutive values (width − 1 fewer values than `x`).
    static func movingAverage(_ x: [Double], _ width: Int) -> [Double] {
        guard x.count >= width else { return x }
        var out: [Double] = [], sum = x[0..<width].reduce(0, +)
        out.reserveCapacity(x.count - width + 1)
        out.append(sum / Double(width))
        for t in width..<x.count { sum += x[t] - x[t - width]; out.append(sum / Double(width)) }
        return out
    }

    /// Local linear regression at `x0` on the `span` nearest of the evenly spaced `xs` (tricube
    /// weights; a span beyond the data widens the weights' reach as Cleveland's does).
    static func loess(_ xs: [Double], _ ys: [Double], at x0: Double, span: Int) -> Double {
        let n = xs.count
        guard n > 1 else { return ys.first ?? 0 }
        let q = min(span, n)
        // The q nearest of evenly spaced points: a window clamped to the ends.
        var lo = Int((x0 - xs[0]).rounded()) - q / 2
        lo = max(0, min(n - q, lo))
        let hi = lo + q - 1
        var reach = max(abs(x0 - xs[lo]), abs(xs[hi] - x0))
        if span > n { reach += Double(span - n) / 2 }
        reach = max(reach, 1e-12) * 1.000001
        var sw = 0.0, swx = 0.0, swy = 0.0, swxx = 0.0, swxy = 0.0
        for i in lo...hi {
            let u = abs(xs[i] - x0) / reach
            guard u < 1 else { continue }
            let c = 1 - u * u * u, w = c * c * c
            sw += w; swx += w * xs[i]; swy += w * ys[i]; swxx += w * xs[i] * xs[i]; swxy += w * xs[i] * ys[i]
        }
        guard sw > 0 else { return ys[max(0, min(n - 1, Int(x0.rounded())))] }
        let meanX = swx / sw, meanY = swy / sw
        let varX = swxx / sw - meanX * meanX
        guard varX > 1e-12 * max(1, meanX * meanX) else { return meanY }
        let slope = (swxy / sw - meanX * meanY) / varX
        return meanY + slope * (x0 - meanX)
    }
}
