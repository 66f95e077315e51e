// The statistical models' optimisers. The Nelder–Mead simplex minimiser (Nelder & Mead 1965, with the standard coefficients:
// reflection 1, expansion 2, contraction ½, shrink ½) for the statistical models' likelihoods,
// which are cheap, low-dimensional, bounded and not differentiable everywhere (ETS's admissible
// region, ARIMA's stationarity) — the same choice R's forecast::ets and statsforecast make.
// Bounds are handled by the objective returning +∞ outside them. And golden-section search for
// their one-dimensional fits.

/// Minimises `objective` from `start`; `steps` are the initial simplex's offsets per coordinate.
/// Stops after `maxEvaluations` or when the simplex's values agree to `tolerance` (relative).
func nelderMead(_ objective: ([Double]) -> Double, start: [Double], steps: [Double], maxEvaluations: Int = 2000,
                tolerance: Double = 1e-8) -> (point: [Double], value: Double) {
    let n = start.count
    guard n > 0 else { return (start, objective(start)) }
    var simplex: [[Double]] = [start]
    for i in 0..<n {
        var vertex = start
        vertex[i] += steps[i]
        simplex.append(vertex)
    }
    var values = simplex.map(objective)
    var evaluations = n + 1
    while evaluations < maxEvaluations {
        let order = values.indices.sorted { values[$0] < values[$1] }
        simplex = order.map { simplex[$0] }
        values = order.map { values[$0] }
        let best = values[0], worst = values[n]
        if worst.isFinite, abs(worst - best) <= tolerance * (abs(best) + tolerance) { break }
        // Centroid of all but the worst vertex.
        var centroid = [Double](repeating: 0, count: n)
        for vertex in simplex.dropLast() { for j in 0..<n { centroid[j] += vertex[j] / Double(n) } }
        func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
        let reflected = along(-1), reflectedValue = objective(reflected)
        evaluations += 1
        if reflectedValue < values[0] {
            let expanded = along(-2), expandedValue = objective(expanded)
            evaluations += 1
            if expandedValue < reflectedValue { simplex[n] = expanded; values[n] = expandedValue } else { simplex[n] = reflected; values[n] = reflectedValue }
        } else if reflectedValue < values[n - 1] {
            simplex[n] = reflected; values[n] = reflectedValue
        } else {
            // Contract towards the better of the worst and its reflection.
            let outside = reflectedValue < values[n]
            let contracted = along(outside ? -0.5 : 0.5), contractedValue = objective(contracted)
            evaluations += 1
            if contractedValue < (outside ? reflectedValue : values[n]) {
                simplex[n] = contracted; values[n] = contractedValue
            } else {
                for i in 1...n {
                    simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                    values[i] = objective(simplex[i])
                }
                evaluations += n
            }
        }
    }
    let best = values.indices.min { values[$0] < values[$1] }!
    return (simplex[best], values[best])
}

/// The minimum of a unimodal `f` on [lo, hi] by golden-section search: `iterations` narrowings of
/// the bracket (each reuses one of the two inner points, so one evaluation per step); the middle
/// of the final bracket. The one-dimensional searches of Theta's SES and θ and of Croston's α.
func goldenSectionMinimum(_ lo: Double, _ hi: Double, iterations: Int, _ f: (Double) -> Double) -> Double {
    var (lo, hi) = (lo, hi)
    let ratio = (5.0.squareRoot() - 1) / 2
    var a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
    var fa = f(a), fb = f(b)
    for _ in 0..<iterations {
        if fa < fb {
            hi = b; b = a; fb = fa
            a = hi - ratio * (hi - lo); fa = f(a)
        } else {
            lo = a; a = b; fa = fb
            b = lo + ratio * (hi - lo); fb = f(b)
        }
    }
    return (lo + hi) / 2
}
