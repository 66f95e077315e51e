// Causal multi-head attention for the GPT baseline, per head: O = softmax(Q Kᵀ/√d + mask) V.
// Stored mode keeps the T×T probabilities for the backward (memory ∝ T²). Streamed mode works
// on blocks of 64 query rows and keeps only each row's log-sum-exp; the backward recomputes
// the probabilities block by block, so no T×T matrix ever exists (memory ∝ 64·T per thread).
// Heads are shared out across Seer's threads, each head's products one single-threaded OpenBLAS
// call (they are too small to split well: 64 × T × d). Rows are found through an
// `AttentionLayout` (row strides and offsets), so GPT's packed [N, T, 3d] projection is read in
// place and the output written with the heads side by side.
import CVectorMath
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    static let attentionBlock = 64

    // q, k, v, o: rows of d per head as `layout` places them; logsumexp: [heads, time];
    // probabilities: [heads, time, time] or nil
    public func attentionForward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, _ o: TensorStorage, layout: AttentionLayout,
                                 logsumexp: TensorStorage, probabilities: TensorStorage?, heads: Int, time: Int, d: Int) {
        let scale = 1 / Float(d).squareRoot()
        let block = probabilities == nil ? CPUBackend.attentionBlock : time
        Parallelism.forEachChunk(heads, grain: 1) { headRange in
        let scratch = probabilities == nil ? TensorStorage(count: block * time) : nil
        withExtendedLifetime(scratch) {
        for h in headRange {
            let base = layout.bases(head: h, time: time, d: d), rs = layout.rowStride, os = layout.outStride
            let qh = q.pointer + base.input, kh = k.pointer + base.input + layout.keyOffset, vh = v.pointer + base.input + layout.valueOffset
            let oh = o.pointer + base.output, lse = logsumexp.pointer + h * time
            var start = 0
            while start < time {
                let rows = min(block, time - start), keys = start + rows  // causal: keys 0..<keys
                let s = probabilities.map { $0.pointer + h * time * time } ?? scratch!.pointer
                let ld = probabilities == nil ? keys : time
                // S[rows, keys] = scale · Q[start..] · K[0..keys]ᵀ
                sgemmCall(transA: false, transB: true, m: rows, n: keys, k: d, alpha: scale, a: qh + start * rs, lda: rs,
                          b: kh, ldb: rs, beta: 0, c: s, ldc: ld)
                for r in 0..<rows {
                    let i = start + r, row = s + r * ld
                    let maximum = VectorMath.maximum(row, i + 1)
                    let sum = seer_exp_shifted(row, row, i + 1, maximum)
                    let inverse = 1 / sum
                    for j in 0...i { row[j] *= inverse }
                    for j in (i + 1)..<ld { row[j] = 0 }
                    lse[i] = maximum + logf(sum)
                }
                // O[start.., :] = P[rows, keys] · V[0..keys, :]
                sgemmCall(transA: false, transB: false, m: rows, n: d, k: keys, alpha: 1, a: s, lda: ld,
                          b: vh, ldb: rs, beta: 0, c: oh + start * os, ldc: os)
                start += rows
            }
        }
        }
        }
    }

    // D_i = Σ dO⊙O; dV += Pᵀ dO; dP = dO Vᵀ; dS = P ⊙ (dP − D); dQ += scale·dS K; dK += scale·dSᵀ Q
    public func attentionBackward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, _ o: TensorStorage,
                                  layout: AttentionLayout, logsumexp: TensorStorage, probabilities: TensorStorage?, gradO: TensorStorage,
                                  gradQ: TensorStorage, gradK: TensorStorage, gradV: TensorStorage, heads: Int, time: Int, d: Int) {
        let scale = 1 / Float(d).squareRoot()
        let block = probabilities == nil ? CPUBackend.attentionBlock : time
        Parallelism.forEachChunk(heads, grain: 1) { headRange in
        let recomputed = probabilities == nil ? TensorStorage(count: block * time) : nil
        let dp = TensorStorage(count: block * time)
        var rowDot = [Float](repeating: 0, count: block)
        withExtendedLifetime((recomputed, dp)) {
        for h in headRange {
            let base = layout.bases(head: h, time: time, d: d), rs = layout.rowStride, os = layout.outStride
            let ko = base.input + layout.keyOffset, vo = base.input + layout.valueOffset
            let qh = q.pointer + base.input, kh = k.pointer + ko, vh = v.pointer + vo, oh = o.pointer + base.output
            let go = gradO.pointer + base.output, gq = gradQ.pointer + base.input, gk = gradK.pointer + ko, gv = gradV.pointer + vo
            let lse = logsumexp.pointer + h * time
            var start = 0
            while start < time {
                let rows = min(block, time - start), keys = start + rows
                let ld = probabilities == nil ? keys : time
                let p: UnsafeMutablePointer<Float>
                if let probabilities {
                    p = probabilities.pointer + h * time * time
                } else {
                    // Recompute P for this block from the saved log-sum-exp.
                    p = recomputed!.pointer
                    sgemmCall(transA: false, transB: true, m: rows, n: keys, k: d, alpha: scale, a: qh + start * rs, lda: rs,
                              b: kh, ldb: rs, beta: 0, c: p, ldc: ld)
                    for r in 0..<rows {
                        let i = start + r, row = p + r * ld
                        _ = seer_exp_shifted(row, row, i + 1, lse[i])
                        for j in (i + 1)..<ld { row[j] = 0 }
                    }
                }
                for r in 0..<rows { rowDot[r] = VectorMath.dot(go + (start + r) * os, oh + (start + r) * os, d) }
                // dV[0..keys] += P[rows, keys]ᵀ · dO[rows]
                sgemmCall(transA: true, transB: false, m: keys, n: d, k: rows, alpha: 1, a: p, lda: ld,
                          b: go + start * os, ldb: os, beta: 1, c: gv, ldc: rs)
                // dP[rows, keys] = dO[rows] · V[0..keys]ᵀ, then dS = P ⊙ (dP − D) in place
                let ds = dp.pointer
                sgemmCall(transA: false, transB: true, m: rows, n: keys, k: d, alpha: 1, a: go + start * os, lda: os,
                          b: vh, ldb: rs, beta: 0, c: ds, ldc: keys)
                for r in 0..<rows {
                    let prow = p + r * ld, drow = ds + r * keys, dot = rowDot[r]
                    for j in 0..<keys { drow[j] = prow[j] * (drow[j] - dot) }
                }
                // dQ[rows] += scale · dS · K[0..keys];  dK[0..keys] += scale · dSᵀ · Q[rows]
                sgemmCall(transA: false, transB: false, m: rows, n: d, k: keys, alpha: scale, a: ds, lda: keys,
                          b: kh, ldb: rs, beta: 1, c: gq + start * rs, ldc: rs)
                sgemmCall(transA: true, transB: false, m: keys, n: d, k: rows, alpha: scale, a: ds, lda: keys,
                          b: qh + start * rs, ldb: rs, beta: 1, c: gk, ldc: rs)
                start += rows
            }
        }
        }
        }
    }
}
