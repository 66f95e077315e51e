// The matrix products of the CUDA backend, through the device's column-major GEMM (cuBLAS on a
// GPU). Seer's matrices are row-major; a row-major matrix read column-major is its transpose, so
// row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: the same call with the operands
// (and m, n) swapped and the transpose flags kept. That swap lives here, above the device, so
// the emulator's plain column-major GEMM checks it on machines without a GPU.

/// One column-major, strided-batched GEMM as cuBLAS takes it: for i < batch,
/// C[i] = α·op(A[i])·op(B[i]) + β·C[i], where X[i] starts `strideX` elements after X[i−1]
/// (a stride of 0 shares the matrix across the batch). op(A) is m×k, op(B) k×n, C m×n.
public struct ColumnMajorGEMM: Sendable, Equatable {
    public var transA: Bool, transB: Bool
    public var m: Int, n: Int, k: Int
    public var alpha: Float
    public var a: DevicePointer, lda: Int, strideA: Int
    public var b: DevicePointer, ldb: Int, strideB: Int
    public var beta: Float
    public var c: DevicePointer, ldc: Int, strideC: Int
    public var batch: Int
}

extension CUDAKernels {
    /// What the products run on a GPU, as the self-test's checks name it.
    public static let gemmRoutine = "cublasSgemmStridedBatched"

    /// Row-major C[i] = op(A[i])·op(B[i]) + β·C[i] for i < batch (strides in elements; a stride of
    /// 0 shares that matrix). A is m×k (k×m when transA), B k×n (n×k when transB), C m×n; ld is
    /// each matrix's row stride.
    func rowMajorGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: DevicePointer, lda: Int, strideA: Int = 0,
                      b: DevicePointer, ldb: Int, strideB: Int = 0, beta: Float, c: DevicePointer, ldc: Int, strideC: Int = 0,
                      batch: Int = 1) throws {
        guard m > 0, n > 0, batch > 0 else { return }
        // cuBLAS wants every ld ≥ 1 even where k = 0 leaves nothing to read.
        try device.gemm(ColumnMajorGEMM(transA: transB, transB: transA, m: n, n: m, k: k, alpha: 1,
                                        a: b, lda: max(1, ldb), strideA: strideB, b: a, ldb: max(1, lda), strideB: strideA,
                                        beta: beta, c: c, ldc: max(1, ldc), strideC: strideC, batch: batch))
    }

    /// Backend.matmulForward on the device: one batched GEMM (a shared B has stride 0).
    public func matmulForward(_ a: DevicePointer, _ b: DevicePointer, _ c: DevicePointer, batch: Int, m: Int, n: Int, k: Int,
                              transA: Bool, transB: Bool, sharedB: Bool) throws {
        try rowMajorGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: transA ? m : k, strideA: m * k,
                         b: b, ldb: transB ? k : n, strideB: sharedB ? 0 : k * n, beta: 0, c: c, ldc: n, strideC: m * n, batch: batch)
    }

    /// Backend.matmulBackward on the device: gradA and gradB accumulate (β = 1). A B shared across
    /// the batch gets its gradient summed over the batch: one GEMM over the batch folded into the
    /// rows when A is not transposed, else one GEMM per entry (a batched call would race on it).
    public func matmulBackward(_ a: DevicePointer, _ b: DevicePointer, gradC: DevicePointer, gradA: DevicePointer?,
                               gradB: DevicePointer?, batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool,
                               sharedB: Bool) throws {
        let lda = transA ? m : k, ldb = transB ? k : n, strideB = sharedB ? 0 : k * n
        if let gradA {
            if !transA {
                // dA[m, k] = dC[m, n] · op(B)ᵀ
                try rowMajorGEMM(transA: false, transB: !transB, m: m, n: k, k: n, a: gradC, lda: n, strideA: m * n,
                                 b: b, ldb: ldb, strideB: strideB, beta: 1, c: gradA, ldc: k, strideC: m * k, batch: batch)
            } else {
                // A stored [k, m]: dA[k, m] = op(B)[k, n] · dCᵀ
                try rowMajorGEMM(transA: transB, transB: true, m: k, n: m, k: n, a: b, lda: ldb, strideA: strideB,
                                 b: gradC, ldb: n, strideB: m * n, beta: 1, c: gradA, ldc: m, strideC: m * k, batch: batch)
            }
        }
        guard let gradB else { return }
        if sharedB && !transA {
            if !transB {
                // dB[k, n] = Aᵀ[k, batch·m] · dC[batch·m, n]
                try rowMajorGEMM(transA: true, transB: false, m: k, n: n, k: batch * m, a: a, lda: lda, b: gradC, ldb: n,
                                 beta: 1, c: gradB, ldc: n)
            } else {
                // B stored [n, k]: dB[n, k] = dCᵀ[n, batch·m] · A[batch·m, k]
                try rowMajorGEMM(transA: true, transB: false, m: n, n: k, k: batch * m, a: gradC, lda: n, b: a, ldb: lda,
                                 beta: 1, c: gradB, ldc: k)
            }
            return
        }
        // Shared B with A transposed: entries one after another, each adding into the one gradient.
        let entries = sharedB ? (0..<batch).map { ($0, 1) } : [(0, batch)]
        for (first, count) in entries {
            let ai = a + DevicePointer(4 * first * m * k), gi = gradC + DevicePointer(4 * first * m * n)
            if !transB {
                // dB[k, n] = op(A)ᵀ[k, m] · dC[m, n]
                try rowMajorGEMM(transA: !transA, transB: false, m: k, n: n, k: m, a: ai, lda: lda, strideA: m * k,
                                 b: gi, ldb: n, strideB: m * n, beta: 1, c: gradB, ldc: n, strideC: strideB, batch: count)
            } else {
                // B stored [n, k]: dB[n, k] = dCᵀ[n, m] · op(A)[m, k]
                try rowMajorGEMM(transA: true, transB: transA, m: n, n: k, k: m, a: gi, lda: n, strideA: m * n,
                                 b: ai, ldb: lda, strideB: m * k, beta: 1, c: gradB, ldc: k, strideC: strideB, batch: count)
            }
        }
    }

    /// Backend.stridedMatmul on the device: blocks inside larger matrices, each at its offset (elements).
    public func stridedMatmul(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: DevicePointer, aOffset: Int, lda: Int,
                              _ b: DevicePointer, bOffset: Int, ldb: Int, beta: Float, _ c: DevicePointer, cOffset: Int,
                              ldc: Int) throws {
        try rowMajorGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a + DevicePointer(4 * aOffset), lda: lda,
                         b: b + DevicePointer(4 * bOffset), ldb: ldb, beta: beta, c: c + DevicePointer(4 * cOffset), ldc: ldc)
    }
}
