// Matrix products on OpenBLAS. Forward: C = op(A)·op(B) per batch entry; backward: the two
// products dA and dB, also on OpenBLAS, accumulating (beta = 1). When B is shared across the
// batch and A is not transposed, the batch folds into M and each product is a single GEMM.

extension CPUBackend {
    // A: [batch, m, k] or [batch, k, m] (transA); B: [batchB, k, n] or [batchB, n, k] (transB); C: [batch, m, n]
    public func matmulForward(_ a: TensorStorage, _ b: TensorStorage, _ c: TensorStorage,
                              batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool) {
        let lda = transA ? m : k, ldb = transB ? k : n
        if sharedB && !transA {
            sgemm(transA: false, transB: transB, m: batch * m, n: n, k: k, alpha: 1, a: a.pointer, lda: lda,
                  b: b.pointer, ldb: ldb, beta: 0, c: c.pointer, ldc: n)
            return
        }
        for i in 0..<batch {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, a: a.pointer + i * m * k, lda: lda,
                  b: b.pointer + (sharedB ? 0 : i * k * n), ldb: ldb, beta: 0, c: c.pointer + i * m * n, ldc: n)
        }
    }

    // dA = dC · op(B)ᵀ (or its transpose when A is stored transposed); dB = op(A)ᵀ · dC (likewise).
    public func matmulBackward(_ a: TensorStorage, _ b: TensorStorage, gradC: TensorStorage,
                               gradA: TensorStorage?, gradB: TensorStorage?,
                               batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool) {
        let lda = transA ? m : k, ldb = transB ? k : n
        if let gradA {
            if !transA && sharedB {
                // dA[batch·m, k] = dC[batch·m, n] · op(B)ᵀ
                sgemm(transA: false, transB: !transB, m: batch * m, n: k, k: n, alpha: 1, a: gradC.pointer, lda: n,
                      b: b.pointer, ldb: ldb, beta: 1, c: gradA.pointer, ldc: k)
            } else {
                for i in 0..<batch {
                    let bi = b.pointer + (sharedB ? 0 : i * k * n), gi = gradC.pointer + i * m * n, ai = gradA.pointer + i * m * k
                    if !transA {
                        // dA[m, k] = dC[m, n] · op(B)ᵀ[n, k]
                        sgemm(transA: false, transB: !transB, m: m, n: k, k: n, alpha: 1, a: gi, lda: n,
                              b: bi, ldb: ldb, beta: 1, c: ai, ldc: k)
                    } else {
                        // A stored [k, m]: dA[k, m] = op(B)[k, n] · dCᵀ[n, m]
                        sgemm(transA: transB, transB: true, m: k, n: m, k: n, alpha: 1, a: bi, lda: ldb,
                              b: gi, ldb: n, beta: 1, c: ai, ldc: m)
                    }
                }
            }
        }
        if let gradB {
            if sharedB && !transA {
                if !transB {
                    // dB[k, n] = Aᵀ[k, batch·m] · dC[batch·m, n]
                    sgemm(transA: true, transB: false, m: k, n: n, k: batch * m, alpha: 1, a: a.pointer, lda: lda,
                          b: gradC.pointer, ldb: n, beta: 1, c: gradB.pointer, ldc: n)
                } else {
                    // B stored [n, k]: dB[n, k] = dCᵀ[n, batch·m] · A[batch·m, k]
                    sgemm(transA: true, transB: false, m: n, n: k, k: batch * m, alpha: 1, a: gradC.pointer, lda: n,
                          b: a.pointer, ldb: lda, beta: 1, c: gradB.pointer, ldc: k)
                }
                return
            }
            for i in 0..<batch {
                let ai = a.pointer + i * m * k, gi = gradC.pointer + i * m * n
                let bi = gradB.pointer + (sharedB ? 0 : i * k * n)
                if !transB {
                    // dB[k, n] = op(A)ᵀ[k, m] · dC[m, n]
                    sgemm(transA: !transA, transB: false, m: k, n: n, k: m, alpha: 1, a: ai, lda: lda,
                          b: gi, ldb: n, beta: 1, c: bi, ldc: n)
                } else {
                    // B stored [n, k]: dB[n, k] = dCᵀ[n, m] · op(A)[m, k]
                    sgemm(transA: true, transB: transA, m: n, n: k, k: m, alpha: 1, a: gi, lda: n,
                          b: ai, ldb: lda, beta: 1, c: bi, ldc: k)
                }
            }
        }
    }

    public func stridedMatmul(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                              _ a: TensorStorage, aOffset: Int, lda: Int, _ b: TensorStorage, bOffset: Int, ldb: Int,
                              beta: Float, _ c: TensorStorage, cOffset: Int, ldc: Int) {
        guard m > 0, n > 0 else { return }
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, a: a.pointer + aOffset, lda: lda,
              b: b.pointer + bOffset, ldb: ldb, beta: beta, c: c.pointer + cOffset, ldc: ldc)
    }

    public func fillRows(_ out: TensorStorage, rows: Int, n: Int, bias: TensorStorage?, residual: TensorStorage?,
                         residualOffset: Int, residualStride: Int) {
        let po = out.pointer, pb = bias?.pointer, pr = residual.map { $0.pointer + residualOffset }
        Parallelism.forEachChunk(rows, grain: max(1, (1 << 14) / max(1, n))) { range in
            for r in range {
                let o = po + r * n
                switch (pb, pr) {
                case let (b?, res?):
                    let x = res + r * residualStride
                    for j in 0..<n { o[j] = b[j] + x[j] }
                case let (b?, nil): o.update(from: b, count: n)
                case let (nil, res?): o.update(from: res + r * residualStride, count: n)
                case (nil, nil): o.update(repeating: 0, count: n)
                }
            }
        }
    }
}
