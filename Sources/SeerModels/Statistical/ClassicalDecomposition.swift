// Classical decomposition's seasonal indices (a centred moving average of order m, 2×m when m is
// even, as the trend; the mean detrended value per season position as the index), shared by
// Theta's seasonal adjustment and ETS's initial seasonal states.

/// Classical decomposition indices per season position (mean 1, or mean 0 when additive).
func classicalSeasonalIndices(_ y: [Double], _ m: Int, multiplicative: Bool) -> [Double] {
    let n = y.count
    let trend = centredMovingAverage(y, m)
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

/// The classical trend: a centred moving average of order m (2×m when m is even, the ends
/// weighted ½), nil for the m/2 steps at each end it cannot reach.
func centredMovingAverage(_ y: [Double], _ m: Int) -> [Double?] {
    let n = y.count, half = m / 2
    var trend = [Double?](repeating: nil, count: n)
    guard n > 2 * half else { return trend }
    for t in half..<(n - half) {
        if m % 2 == 1 {
            trend[t] = y[(t - half)...(t + half)].reduce(0, +) / Double(m)
        } else {
            var s = 0.5 * (y[t - half] + y[t + half])
            for j in (t - half + 1)..<(t + half) { s += y[j] }
            trend[t] = s / Double(m)
        }
    }
    return trend
}
