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
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    /// Partial denominator a and da/dx of input x (softplus in Float with one exp: the input is
    /// a Float; only the continuant recurrence needs Double's range).
    @inline(__always)
    static func partialDenominator(_ x: Float, positive: Bool, epsilon: Float) -> (a: Double, slope: Double) {
        guard positive else { return (Double(x), 1) }
        // softplus(x) = max(x, 0) + log1p(e), its slope σ(x), with e = exp(−|x|) ≤ 1.
        let e = expf(-abs(x))
        let softplus = max(x, 0) + log1pf(e)
        let sigma = x >= 0 ? 1 / (1 + e) : e / (1 + e)
        return (Double(epsilon + softplus), Double(sigma))
    }

    // x: [rows, ladders·depth] (ladder j's a_1..a_K at j·K ..< (j+1)·K); z: [rows, ladders]
    public func continuedFractionForward(_ x: TensorStorage, _ z: TensorStorage, rows: Int, ladders: Int, depth: Int,
                                         positive: Bool, epsilon: Float) {
        let count = rows * ladders
        Parallelism.forEachChunk(count, grain: 4096 / max(1, depth)) { range in
            for index in range {
                let a = x.pointer + index * depth
                var previous = 1.0  // Q_{k−2}
                var current = CPUBackend.partialDenominator(a[depth - 1], positive: positive, epsilon: epsilon).a  // Q_1
                var k = 2
                while k <= depth {
                    let next = CPUBackend.partialDenominator(a[depth - k], positive: positive, epsilon: epsilon).a * current + previous
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

    // Adds ∂L/∂x given ∂L/∂z (shapes as in the forward).
    public func continuedFractionBackward(_ x: TensorStorage, gradZ: TensorStorage, gradX: TensorStorage, rows: Int, ladders: Int,
                                          depth: Int, positive: Bool, epsilon: Float) {
        let count = rows * ladders
        Parallelism.forEachChunk(count, grain: 4096 / max(1, depth)) { range in
            var q = [Double](repeating: 0, count: depth + 1)
            var slopes = [Double](repeating: 0, count: depth + 1)
            for index in range {
                let a = x.pointer + index * depth, g = gradX.pointer + index * depth
                // Q_0 … Q_K; slopes[k] = da_k/dx_k (k = 1 outermost).
                q[0] = 1
                let last = CPUBackend.partialDenominator(a[depth - 1], positive: positive, epsilon: epsilon)
                q[1] = last.a
                slopes[depth] = last.slope
                if depth >= 2 {
                    for k in 2...depth {
                        let p = CPUBackend.partialDenominator(a[depth - k], positive: positive, epsilon: epsilon)
                        slopes[depth - k + 1] = p.slope
                        q[k] = p.a * q[k - 1] + q[k - 2]
                    }
                }
                let denominator = positive ? q[depth] : CPUBackend.clipped(q[depth], epsilon)
                let reciprocal = 1 / denominator, upstream = Double(gradZ.pointer[index])
                for k in 1...depth {
                    let ratio = q[depth - k] * reciprocal
                    let df = (k % 2 == 0 ? 1.0 : -1.0) * ratio * ratio
                    g[k - 1] += Float(upstream * df * slopes[k])
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
