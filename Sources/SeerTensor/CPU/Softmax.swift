// Softmax and log-softmax over the last axis, max-subtracted so large logits cannot overflow;
// rows are reduced and exponentiated 16 lanes at a time.
import CVectorMath
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    // x, out: [rows, n]
    public func softmaxForward(_ x: TensorStorage, _ out: TensorStorage, rows: Int, n: Int, log: Bool) {
        let px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(rows, grain: max(1, 8192 / max(1, n))) { range in
            for r in range {
                let src = px + r * n, dst = po + r * n
                if !log {
                    seer_softmax_row(src, dst, n)
                    continue
                }
                let maximum = VectorMath.maximum(src, n)
                let sum = seer_exp_shifted(src, dst, n, maximum)
                let shift = maximum + logf(sum)
                for j in 0..<n { dst[j] = src[j] - shift }
            }
        }
    }

    // softmax:     dx = y ⊙ (g − Σ g⊙y);   log-softmax: dx = g − softmax(x) · Σ g
    public func softmaxBackward(_ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage, rows: Int, n: Int, log: Bool) {
        let po = out.pointer, g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(rows, grain: max(1, 8192 / max(1, n))) { range in
            for r in range {
                let y = po + r * n, gr = g + r * n, dx = gx + r * n
                if log {
                    let total = VectorMath.sum(gr, n)
                    for j in 0..<n { dx[j] += gr[j] - expf(y[j]) * total }
                } else {
                    let dot = VectorMath.dot(gr, y, n)
                    for j in 0..<n { dx[j] += y[j] * (gr[j] - dot) }
                }
            }
        }
    }
}
