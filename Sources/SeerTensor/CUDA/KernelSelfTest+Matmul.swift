// KernelSelfTest's checks of the matrix products (cuBLAS on a GPU): matmulForward and
// matmulBackward for every combination of transposed A, transposed B and a B shared across the
// batch, and stridedMatmul on blocks inside wider matrices with β = 0 and β = 1. The shapes are
// all different (m ≠ n ≠ k) so that a swapped operand, dimension or leading dimension cannot
// pass by symmetry.

extension KernelSelfTest {
    mutating func matmuls() throws {
        let batch = 3, m = 5, n = 7, k = 4
        for transA in [false, true] {
            for transB in [false, true] {
                for sharedB in [false, true] { try matmul(batch: batch, m: m, n: n, k: k, transA: transA, transB: transB, sharedB: sharedB) }
            }
        }
        for transA in [false, true] { for beta: Float in [0, 1] { try stridedMatmul(transA: transA, transB: !transA, beta: beta) } }
    }

    private mutating func matmul(batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool) throws {
        let sizeA = batch * m * k, sizeB = (sharedB ? 1 : batch) * k * n, sizeC = batch * m * n
        let a = random(sizeA, seed: 90), b = random(sizeB, seed: 91), gradC = random(sizeC, seed: 92)
        let startA = random(sizeA, seed: 93), startB = random(sizeB, seed: 94)
        let c = TensorStorage(count: sizeC), gradA = TensorStorage(startA), gradB = TensorStorage(startB)
        cpu.matmulForward(TensorStorage(a), TensorStorage(b), c, batch: batch, m: m, n: n, k: k, transA: transA, transB: transB, sharedB: sharedB)
        cpu.matmulBackward(TensorStorage(a), TensorStorage(b), gradC: TensorStorage(gradC), gradA: gradA, gradB: gradB, batch: batch,
                           m: m, n: n, k: k, transA: transA, transB: transB, sharedB: sharedB)
        let (forward, backward) = try freeing { pool in
            let da = try put(a, &pool), db = try put(b, &pool), dc = try put([Float](repeating: .nan, count: sizeC), &pool)
            let dgA = try put(startA, &pool), dgB = try put(startB, &pool)
            try kernels.matmulForward(da, db, dc, batch: batch, m: m, n: n, k: k, transA: transA, transB: transB, sharedB: sharedB)
            try kernels.matmulBackward(da, db, gradC: try put(gradC, &pool), gradA: dgA, gradB: dgB, batch: batch, m: m, n: n, k: k,
                                       transA: transA, transB: transB, sharedB: sharedB)
            return (try get(dc, sizeC), try get(dgA, sizeA) + get(dgB, sizeB))
        }
        let shape = "A\(transA ? "ᵀ" : "")·B\(transB ? "ᵀ" : "")\(sharedB ? " shared B" : "")"
        record("matmul \(shape) forward", [CUDAKernels.gemmRoutine], forward, c.array, tolerance: 1e-5)
        record("matmul \(shape) backward", [CUDAKernels.gemmRoutine], backward, gradA.array + gradB.array, tolerance: 1e-5)
    }

    /// A 4×6 product of blocks at offsets inside matrices with wider rows (ld > the block's width).
    private mutating func stridedMatmul(transA: Bool, transB: Bool, beta: Float) throws {
        let m = 4, n = 6, k = 3, lda = 11, ldb = 9, ldc = 10, aOffset = 2, bOffset = 5, cOffset = 3
        let rowsA = transA ? k : m, rowsB = transB ? n : k
        let a = random(aOffset + rowsA * lda, seed: 95), b = random(bOffset + rowsB * ldb, seed: 96)
        let c0 = random(cOffset + m * ldc, seed: 97)
        let expected = TensorStorage(c0)
        cpu.stridedMatmul(transA: transA, transB: transB, m: m, n: n, k: k, TensorStorage(a), aOffset: aOffset, lda: lda,
                          TensorStorage(b), bOffset: bOffset, ldb: ldb, beta: beta, expected, cOffset: cOffset, ldc: ldc)
        let got = try freeing { pool in
            let c = try put(c0, &pool)
            try kernels.stridedMatmul(transA: transA, transB: transB, m: m, n: n, k: k, try put(a, &pool), aOffset: aOffset, lda: lda,
                                      try put(b, &pool), bOffset: bOffset, ldb: ldb, beta: beta, c, cOffset: cOffset, ldc: ldc)
            return try get(c, c0.count)
        }
        record("strided matmul A\(transA ? "ᵀ" : "")·B\(transB ? "ᵀ" : "") β = \(Int(beta))", [CUDAKernels.gemmRoutine], got,
               expected.array, tolerance: 1e-5)
    }
}
