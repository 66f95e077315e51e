// Continued-fraction ladders (MODELS.md §4): from K partial denominators a_1..a_K (a_1
// outermost), f = 1/(a_1 + 1/(a_2 + … + 1/a_K)), evaluated with continuants
//   Q_0 = 1, Q_1 = a_K, Q_k = a_{K−k+1} Q_{k−1} + Q_{k−2},   f = Q_{K−1}/Q_K,
// and differentiated with one reciprocal: ∂f/∂a_k = (−1)^k (Q_{K−k}/Q_K)².
// Positive form: a_k = ε + softplus(x_k) > 0, so every Q_k > 0 — no poles, and the formula is
// exact everywhere (chained through softplus' = σ). Signed form: a_k = x_k, with the single clip
// Q̃_K = sign(Q_K)·max(|Q_K|, ε); its backward uses the same formula with Q̃_K, exact wherever the
// clip is inactive. The recurrence runs in Double: with inputs of ±1e6 the continuants grow like
// a^K (1e42 at K = 7), past Float32's range; the outputs and gradients, ratios of them, are small.
// Nothing is stored for the backward but the input: the continuants are recomputed (K FMAs).
import CVectorMath

extension CPUBackend {
    /// Runs `body` over the chunk of ladders `range` with their partial denominators a and slopes
    /// da/dx (depth per ladder, a_1 first, as x is laid out). The positive form's softplus and σ
    /// are computed for the whole chunk in one vectorised pass (libm's log1pf per element was
    /// 3 % of a DiJiang+Cffn training step).
    @inline(__always)
    static func withPartialDenominators(_ x: TensorStorage, _ range: Range<Int>, depth: Int, positive: Bool, epsilon: Float,
                                        _ body: (_ a: UnsafePointer<Float>, _ slope: UnsafePointer<Float>?) -> Void) {
        let base = x.pointer + range.lowerBound * depth, count = range.count * depth
        guard positive else { return body(base, nil) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * count) { scratch in
            let a = scratch.baseAddress!, slope = a + count
            seer_softplus_slope(base, a, slope, count, epsilon)
            body(a, slope)
        }
    }

    // x: [rows, ladders·depth] (ladder j's a_1..a_K at j·K ..< (j+1)·K); z: [rows, ladders]
    public func continuedFractionForward(_ x: TensorStorage, _ z: TensorStorage, rows: Int, ladders: Int, depth: Int,
                                         positive: Bool, epsilon: Float) {
        let count = rows * ladders
        Parallelism.forEachChunk(count, grain: 4096 / max(1, depth)) { range in
            CPUBackend.withPartialDenominators(x, range, depth: depth, positive: positive, epsilon: epsilon) { chunk, _ in
                for index in range {
                    let a = chunk + (index - range.lowerBound) * depth
                    var previous = 1.0  // Q_{k−2}
                    var current = Double(a[depth - 1])  // Q_1
                    var k = 2
                    while k <= depth {
                        let next = Double(a[depth - k]) * current + previous
                        previous = current
                        current = next
                        k += 1
                    }
                    // f = Q_{K−1}/Q_K
                    let denominator = positive ? current : CPUBackend.clipped(current, epsilon)
                    z.pointer[index] = Float(previous / denominator)
                }
            }
        }
    }

    // Adds ∂L/∂x given ∂L/∂z (shapes as in the forward).
    public func continuedFractionBackward(_ x: TensorStorage, gradZ: TensorStorage, gradX: TensorStorage, rows: Int, ladders: Int,
                                          depth: Int, positive: Bool, epsilon: Float) {
        let count = rows * ladders
        Parallelism.forEachChunk(count, grain: 4096 / max(1, depth)) { range in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: depth + 1) { q in
                CPUBackend.withPartialDenominators(x, range, depth: depth, positive: positive, epsilon: epsilon) { chunk, slopes in
                    for index in range {
                        let offset = (index - range.lowerBound) * depth
                        let a = chunk + offset, g = gradX.pointer + index * depth
                        // Q_0 … Q_K; a[k − 1] = a_k (k = 1 outermost).
                        q[0] = 1
                        q[1] = Double(a[depth - 1])
                        if depth >= 2 {
                            for k in 2...depth { q[k] = Double(a[depth - k]) * q[k - 1] + q[k - 2] }
                        }
                        let denominator = positive ? q[depth] : CPUBackend.clipped(q[depth], epsilon)
                        let reciprocal = 1 / denominator, upstream = Double(gradZ.pointer[index])
                        for k in 1...depth {
                            let ratio = q[depth - k] * reciprocal
                            let df = (k % 2 == 0 ? 1.0 : -1.0) * ratio * ratio
                            let slope = slopes.map { Double($0[offset + k - 1]) } ?? 1
                            g[k - 1] += Float(upstream * df * slope)
                        }
                    }
                }
            }
        }
    }

    /// sign(Q)·max(|Q|, ε) (sign(0) taken as +).
    @inline(__always)
    static func clipped(_ q: Double, _ epsilon: Float) -> Double {
        q >= 0 ? max(q, Double(epsilon)) : min(q, -Double(epsilon))
    }
}
