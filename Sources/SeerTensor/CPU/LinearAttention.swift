// Decayed causal linear attention (MODELS.md §3), chunked, per head:
//   S_t = λ S_{t−1} + φk_t v_tᵀ,   o_t = S_tᵀ φq_t,   λ = σ(θ)
// For a chunk of b ≤ 64 rows (only the last is ragged; b, not 64, appears in every power):
//   O = ((Φq Φkᵀ) ⊙ Γ) V + diag(λ^{i+1}) Φq S_prev,   Γ_ij = λ^{i−j} (i ≥ j), 0 otherwise
//   S_next = λ^b S_prev + Φkᵀ diag(λ^{b−1−j}) V
// Every product is one OpenBLAS call. Powers come from a table λ^0…λ^64 = exp(n·log λ) with
// log λ = −softplus(−θ) (never λ^{−n}, never exp(±∞)): Γ is looked up only for i ≥ j and the
// rest written as 0, so nothing can turn into inf·0. The forward keeps the state entering each
// chunk ([chunks, m, e] per head — T·m·e/64 floats, linear in T); the backward recomputes
// Φq Φkᵀ chunk by chunk instead of storing it, and runs the reverse state G = ∂L/∂S backwards.
// dθ is gathered as Σ n·(λ^n-weighted term) = λ·∂L/∂λ, times (1 − λ) = ∂θ-chain / λ, so no
// division by λ ever happens. Heads are shared out across Seer's threads.
import CVectorMath
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    static let linearAttentionChunk = linearAttentionChunkLength

    /// log σ(θ) without overflow.
    @inline(__always)
    static func logSigmoid(_ theta: Float) -> Float {
        theta >= 0 ? -log1pf(expf(-theta)) : theta - log1pf(expf(theta))
    }

    /// λ^0 … λ^chunk for head decay logit θ.
    @inline(__always)
    static func decayPowers(_ theta: Float, into powers: UnsafeMutablePointer<Float>) {
        let logDecay = logSigmoid(theta)
        powers[0] = 1
        for n in 1...linearAttentionChunk { powers[n] = expf(Float(n) * logDecay) }
    }

    // Layout as in Backend.swift: rows of q and k `featureStride` floats apart, head g's features at
    // g·m (k's shifted by `keyOffset`); v, o: [batch, time, groups, e]; theta: [groups];
    // states: [heads, chunks, m, e] (the state entering each chunk, written here)
    public func linearAttentionForward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, theta: TensorStorage,
                                       _ o: TensorStorage, states: TensorStorage, heads: Int, groups: Int, time: Int, m: Int, e: Int,
                                       featureStride rq: Int, keyOffset: Int, logits: TensorStorage?) {
        let chunk = CPUBackend.linearAttentionChunk, chunks = (time + chunk - 1) / chunk
        let rv = groups * e
        if let logits {
            // The features first, in one pass over contiguous rows (done head by head on the
            // strided rows instead, it measured 4 ms slower per step at T = 1024).
            precondition(q === k && logits.count == q.count, "features from logits need one joint feature tensor")
            softmaxForward(logits, q, rows: q.count / m, n: m, log: false)
        }
        Parallelism.forEachChunk(heads, grain: 1) { headRange in
            let scratch = TensorStorage(count: 2 * chunk * chunk + chunk * max(m, e) + chunk + 1)
            withExtendedLifetime(scratch) {
                let a = scratch.pointer, rows = a + chunk * chunk, powers = rows + chunk * max(m, e), gamma = powers + chunk + 1
                for h in headRange {
                    CPUBackend.decayPowers(theta.pointer[h % groups], into: powers)
                    CPUBackend.decayMatrix(powers, into: gamma)
                    let offQ = (h / groups) * time * rq + (h % groups) * m, offV = (h / groups) * time * rv + (h % groups) * e
                    let qh = q.pointer + offQ, kh = k.pointer + offQ + keyOffset, vh = v.pointer + offV, oh = o.pointer + offV
                    let sh = states.pointer + h * chunks * m * e
                    sh.update(repeating: 0, count: m * e)
                    for c in 0..<chunks {
                        let start = c * chunk, b = min(chunk, time - start)
                        let qc = qh + start * rq, kc = kh + start * rq, vc = vh + start * rv, oc = oh + start * rv
                        let sPrev = sh + c * m * e
                        // A = Φq Φkᵀ ⊙ Γ
                        sgemmCall(transA: false, transB: true, m: b, n: b, k: m, alpha: 1, a: qc, lda: rq, b: kc, ldb: rq,
                                  beta: 0, c: a, ldc: b)
                        CPUBackend.applyDecayMask(a, b: b, gamma: gamma)
                        // O = A V (+ diag(λ^{i+1}) Φq S_prev)
                        sgemmCall(transA: false, transB: false, m: b, n: e, k: b, alpha: 1, a: a, lda: b, b: vc, ldb: rv,
                                  beta: 0, c: oc, ldc: rv)
                        if c > 0 {
                            for i in 0..<b { CPUBackend.scaled(qc + i * rq, powers[i + 1], into: rows + i * m, m) }
                            sgemmCall(transA: false, transB: false, m: b, n: e, k: m, alpha: 1, a: rows, lda: m, b: sPrev, ldb: e,
                                      beta: 1, c: oc, ldc: rv)
                        }
                        guard c + 1 < chunks else { continue }
                        // S_next = λ^b S_prev + Φkᵀ diag(λ^{b−1−j}) V
                        let sNext = sPrev + m * e
                        CPUBackend.scaled(sPrev, powers[b], into: sNext, m * e)
                        for j in 0..<b { CPUBackend.scaled(vc + j * rv, powers[b - 1 - j], into: rows + j * e, e) }
                        sgemmCall(transA: true, transB: false, m: m, n: e, k: b, alpha: 1, a: kc, lda: rq, b: rows, ldb: e,
                                  beta: 1, c: sNext, ldc: e)
                    }
                }
            }
        }
    }

    // Adds ∂L/∂q, ∂L/∂k, ∂L/∂v, ∂L/∂θ into the given buffers (shapes as in the forward).
    public func linearAttentionBackward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, theta: TensorStorage,
                                        states: TensorStorage, gradO: TensorStorage, gradQ: TensorStorage, gradK: TensorStorage,
                                        gradV: TensorStorage, gradTheta: TensorStorage?, heads: Int, groups: Int, time: Int,
                                        m: Int, e: Int, featureStride rq: Int, keyOffset: Int, throughSoftmax: Bool) {
        let chunk = CPUBackend.linearAttentionChunk, chunks = (time + chunk - 1) / chunk
        let width = max(m, e), rv = groups * e
        let logDerivative = TensorStorage(zeros: heads)  // Σ n·(λ^n-weighted term) per head
        Parallelism.forEachChunk(heads, grain: 1) { headRange in
            let scratch = TensorStorage(count: 3 * chunk * chunk + 2 * chunk * width + m * e + chunk + 1)
            // Through the softmax: one head's ∂L/∂φq | ∂L/∂φk rows, [time, 2m].
            let featureGradient = throughSoftmax ? TensorStorage(count: time * 2 * m) : nil
            withExtendedLifetime((scratch, featureGradient)) {
                let p = scratch.pointer, dp = p + chunk * chunk, rows = dp + chunk * chunk, rows2 = rows + chunk * width
                let g = rows2 + chunk * width, powers = g + m * e, gamma = powers + chunk + 1
                let distance = CPUBackend.chunkDistances.pointer
                for h in headRange {
                    CPUBackend.decayPowers(theta.pointer[h % groups], into: powers)
                    CPUBackend.decayMatrix(powers, into: gamma)
                    let offQ = (h / groups) * time * rq + (h % groups) * m, offV = (h / groups) * time * rv + (h % groups) * e
                    let qh = q.pointer + offQ, kh = k.pointer + offQ + keyOffset, vh = v.pointer + offV, goh = gradO.pointer + offV
                    // ∂L/∂φ rows: in place (stride rq), or in the head's scratch (stride 2m) when
                    // they still go through the softmax.
                    let rg = throughSoftmax ? 2 * m : rq
                    let gqh = featureGradient.map { $0.pointer } ?? gradQ.pointer + offQ
                    let gkh = featureGradient.map { $0.pointer + m } ?? gradK.pointer + offQ + keyOffset
                    featureGradient?.pointer.update(repeating: 0, count: time * 2 * m)
                    let gvh = gradV.pointer + offV
                    let sh = states.pointer + h * chunks * m * e
                    g.update(repeating: 0, count: m * e)
                    var weighted = 0.0
                    for c in stride(from: chunks - 1, through: 0, by: -1) {
                        let start = c * chunk, b = min(chunk, time - start)
                        let qc = qh + start * rq, kc = kh + start * rq, vc = vh + start * rv, doc = goh + start * rv
                        let gqc = gqh + start * rg, gkc = gkh + start * rg, gvc = gvh + start * rv
                        let sPrev = sh + c * m * e
                        // P = Φq Φkᵀ ⊙ Γ (recomputed), dP = dO Vᵀ
                        sgemmCall(transA: false, transB: true, m: b, n: b, k: m, alpha: 1, a: qc, lda: rq, b: kc, ldb: rq,
                                  beta: 0, c: p, ldc: b)
                        CPUBackend.applyDecayMask(p, b: b, gamma: gamma)
                        sgemmCall(transA: false, transB: true, m: b, n: b, k: e, alpha: 1, a: doc, lda: rv, b: vc, ldb: rv,
                                  beta: 0, c: dp, ldc: b)
                        // dV += Pᵀ dO
                        sgemmCall(transA: true, transB: false, m: b, n: e, k: b, alpha: 1, a: p, lda: b, b: doc, ldb: rv,
                                  beta: 1, c: gvc, ldc: rv)
                        // λ-term of Γ: Σ_{i>j} dP·P·(i−j); then dA = dP ⊙ Γ in place of dP
                        // (Γ is 0 above the diagonal and the distance i − j is 0 on it, so whole rows run.)
                        // (16-lane sums: a scalar running sum here was latency-bound, one add per 4 cycles.)
                        for i in 0..<b {
                            let pr = p + i * b, dr = dp + i * b, gr = gamma + i * chunk, wr = distance + i * chunk
                            weighted += Double(VectorMath.dot3(dr, pr, wr, b))
                            for j in 0..<b { dr[j] *= gr[j] }
                        }
                        // dΦq += dA Φk;  dΦk += dAᵀ Φq
                        sgemmCall(transA: false, transB: false, m: b, n: m, k: b, alpha: 1, a: dp, lda: b, b: kc, ldb: rq,
                                  beta: 1, c: gqc, ldc: rg)
                        sgemmCall(transA: true, transB: false, m: b, n: m, k: b, alpha: 1, a: dp, lda: b, b: qc, ldb: rq,
                                  beta: 1, c: gkc, ldc: rg)
                        if c > 0 {
                            // W = dO S_prevᵀ: dΦq_i += λ^{i+1} W_i, λ-term (i+1)·λ^{i+1}⟨φq_i, W_i⟩
                            sgemmCall(transA: false, transB: true, m: b, n: m, k: e, alpha: 1, a: doc, lda: rv, b: sPrev, ldb: e,
                                      beta: 0, c: rows, ldc: m)
                            var s: Float = 0
                            for i in 0..<b {
                                let w = rows + i * m, scale = powers[i + 1]
                                s += Float(i + 1) * scale * VectorMath.dot(qc + i * rq, w, m)
                                CPUBackend.addScaled(w, scale, into: gqc + i * rg, m)
                            }
                            weighted += Double(s)
                            if c + 1 < chunks {
                                weighted += Double(Float(b) * powers[b] * VectorMath.dot(g, sPrev, m * e))
                            }
                        }
                        if c + 1 < chunks {
                            // From S_next = … + Φkᵀ diag(λ^{b−1−j}) V with G = ∂L/∂S_next:
                            // KG = Φk G → dV_j += λ^{b−1−j} KG_j;  VG = V Gᵀ → dΦk_j += λ^{b−1−j} VG_j
                            sgemmCall(transA: false, transB: false, m: b, n: e, k: m, alpha: 1, a: kc, lda: rq, b: g, ldb: e,
                                      beta: 0, c: rows, ldc: e)
                            sgemmCall(transA: false, transB: true, m: b, n: m, k: e, alpha: 1, a: vc, lda: rv, b: g, ldb: e,
                                      beta: 0, c: rows2, ldc: m)
                            var s: Float = 0
                            for j in 0..<b {
                                let n = b - 1 - j, scale = powers[n]
                                s += Float(n) * scale * VectorMath.dot(rows + j * e, vc + j * rv, e)
                                CPUBackend.addScaled(rows + j * e, scale, into: gvc + j * rv, e)
                                CPUBackend.addScaled(rows2 + j * m, scale, into: gkc + j * rg, m)
                            }
                            weighted += Double(s)
                        }
                        guard c > 0 else { continue }
                        // G ← λ^b G + Φqᵀ diag(λ^{i+1}) dO  (the gradient of the state entering this chunk)
                        for i in 0..<b { CPUBackend.scaled(doc + i * rv, powers[i + 1], into: rows + i * e, e) }
                        CPUBackend.scaled(g, powers[b], into: g, m * e)
                        sgemmCall(transA: true, transB: false, m: m, n: e, k: b, alpha: 1, a: qc, lda: rq, b: rows, ldb: e,
                                  beta: 1, c: g, ldc: e)
                    }
                    logDerivative.pointer[h] = Float(weighted)
                    if let featureGradient {
                        // Softmax backward per row: ∂L/∂z = φ ⊙ (∂L/∂φ − ⟨φ, ∂L/∂φ⟩), added in place.
                        let zq = gradQ.pointer + offQ, zk = gradK.pointer + offQ + keyOffset
                        for t in 0..<time {
                            let dq = featureGradient.pointer + t * 2 * m
                            CPUBackend.addSoftmaxGradient(qh + t * rq, dq, into: zq + t * rq, m)
                            CPUBackend.addSoftmaxGradient(kh + t * rq, dq + m, into: zk + t * rq, m)
                        }
                    }
                }
            }
        }
        guard let gradTheta else { return }
        for h in 0..<heads {
            let decay = expf(CPUBackend.logSigmoid(theta.pointer[h % groups]))
            gradTheta.pointer[h % groups] += (1 - decay) * logDerivative.pointer[h]
        }
    }

    /// Γ for a full chunk: gamma[i·64 + j] = λ^{i−j} for j ≤ i, exactly 0 above the diagonal.
    static func decayMatrix(_ powers: UnsafePointer<Float>, into gamma: UnsafeMutablePointer<Float>) {
        let chunk = linearAttentionChunk
        for i in 0..<chunk {
            for j in 0..<chunk { gamma[i * chunk + j] = j <= i ? powers[i - j] : 0 }
        }
    }

    /// i − j below the diagonal, 0 on and above it (the exponent weights of ∂Γ/∂ log λ).
    static let chunkDistances: TensorStorage = {
        let chunk = linearAttentionChunk
        let table = TensorStorage(count: chunk * chunk)
        for i in 0..<chunk { for j in 0..<chunk { table.pointer[i * chunk + j] = j < i ? Float(i - j) : 0 } }
        return table
    }()

    /// a[i, j] ← a[i, j]·Γ[i, j] (a: b×b, row stride b; Γ rows of 64): Γ's zeros mask the future.
    @inline(__always)
    static func applyDecayMask(_ a: UnsafeMutablePointer<Float>, b: Int, gamma: UnsafePointer<Float>) {
        for i in 0..<b {
            let row = a + i * b, gr = gamma + i * linearAttentionChunk
            for j in 0..<b { row[j] *= gr[j] }
        }
    }

    /// dz += φ ⊙ (dφ − ⟨φ, dφ⟩): the gradient of the logits of one softmax row φ.
    @inline(__always)
    static func addSoftmaxGradient(_ phi: UnsafePointer<Float>, _ dphi: UnsafePointer<Float>, into dz: UnsafeMutablePointer<Float>,
                                   _ n: Int) {
        let dot = VectorMath.dot(phi, dphi, n)
        for i in 0..<n { dz[i] += phi[i] * (dphi[i] - dot) }
    }

    @inline(__always)
    static func scaled(_ x: UnsafePointer<Float>, _ s: Float, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = x[i] * s }
    }

    @inline(__always)
    static func addScaled(_ x: UnsafePointer<Float>, _ s: Float, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += x[i] * s }
    }
}
