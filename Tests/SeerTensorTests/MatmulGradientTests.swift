// Gradient checks for the matmul kernel pair: a weight shared across the batch and a batched
// right operand, every transpose combination, rank 2, 3 and 4 ([2, 3, ·, ·] leading axes).
// The CPU kernel has a separate fast path (batch folded into M) for a shared, untransposed-A
// product, so both paths are covered by the same cases; and the sum of two weight products that
// accumulates the second into the first (GEMM with β = 1).
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift); inner
// dimensions here are ≤ 6, so Float32 accumulation error stays near 1e-6.
import Testing
@testable import SeerTensor

/// Naive C = op(A)·op(B) over [Double]. `a` is stored [batch, m, k] (or [batch, k, m] when
/// `transA`); `b` [batchB, k, n] (or [batchB, n, k] when `transB`), batchB = batch or 1.
func referenceMatmul(_ a: [Double], _ b: [Double], batch: Int, m: Int, n: Int, k: Int,
                     transA: Bool, transB: Bool, sharedB: Bool) -> [Double] {
    var c = [Double](repeating: 0, count: batch * m * n)
    for s in 0..<batch {
        let aBase = s * m * k, bBase = sharedB ? 0 : s * k * n
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    let aip = transA ? a[aBase + p * m + i] : a[aBase + i * k + p]
                    let bpj = transB ? b[bBase + j * k + p] : b[bBase + p * n + j]
                    total += aip * bpj
                }
                c[s * m * n + i * n + j] = total
            }
        }
    }
    return c
}

struct MatmulGradientTests {
    /// Checks `a.matmul(b)` for leading axes `leading`, sizes m, n, k and the given transposes;
    /// `sharedB` makes b a rank-2 weight.
    func check(leading: [Int], m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool, seed: UInt64,
               sourceLocation: SourceLocation = #_sourceLocation) {
        var rng = SplitMix64(seed: seed)
        let batch = leading.reduce(1, *)
        let aShape = Shape(leading + (transA ? [k, m] : [m, k]))
        let bShape = Shape((sharedB ? [] : leading) + (transB ? [n, k] : [k, n]))
        let a = Operand.random(aShape, &rng), b = Operand.random(bShape, &rng)
        checkOp("matmul \(aShape)\(transA ? "ᵀ" : "")·\(bShape)\(transB ? "ᵀ" : "")", [a, b], seed: seed,
                seer: { $0[0].matmul($0[1], transposeSelf: transA, transposeOther: transB) },
                reference: { referenceMatmul($0[0], $0[1], batch: batch, m: m, n: n, k: k,
                                             transA: transA, transB: transB, sharedB: sharedB) },
                sourceLocation: sourceLocation)
    }

    @Test(arguments: [false, true], [false, true])
    func rank2(transA: Bool, transB: Bool) {
        check(leading: [], m: 3, n: 5, k: 4, transA: transA, transB: transB, sharedB: true, seed: 11)
    }

    @Test(arguments: [false, true], [false, true])
    func sharedWeight(transA: Bool, transB: Bool) {
        check(leading: [2], m: 3, n: 5, k: 4, transA: transA, transB: transB, sharedB: true, seed: 12)
        check(leading: [2, 3], m: 4, n: 2, k: 5, transA: transA, transB: transB, sharedB: true, seed: 13)
    }

    @Test(arguments: [false, true], [false, true])
    func batched(transA: Bool, transB: Bool) {
        check(leading: [3], m: 4, n: 3, k: 5, transA: transA, transB: transB, sharedB: false, seed: 14)
        check(leading: [2, 3], m: 4, n: 6, k: 5, transA: transA, transB: transB, sharedB: false, seed: 15)
    }

    @Test func degenerateSizes() {
        // m = 1 (a row vector per batch entry) and k = 1 (outer products).
        check(leading: [2], m: 1, n: 4, k: 3, transA: false, transB: false, sharedB: false, seed: 16)
        check(leading: [2], m: 3, n: 4, k: 1, transA: true, transB: true, sharedB: true, seed: 17)
    }

    @Test func sumOfTwoProducts() {
        // a·wᵀ + b·vᵀ: [2, 3, 4]·[5, 4]ᵀ + [2, 3, 2]·[5, 2]ᵀ; the second GEMM accumulates into the first.
        var rng = SplitMix64(seed: 61)
        let a = Operand.random([2, 3, 4], &rng), w = Operand.random([5, 4], &rng)
        let b = Operand.random([2, 3, 2], &rng), v = Operand.random([5, 2], &rng)
        checkOp("a·wᵀ + b·vᵀ", [a, w, b, v], seed: 61, seer: { Tensor.sumOfProducts($0[0], $0[1], $0[2], $0[3]) },
                reference: { x in
                    let first = referenceMatmul(x[0], x[1], batch: 1, m: 6, n: 5, k: 4, transA: false, transB: true, sharedB: true)
                    let second = referenceMatmul(x[2], x[3], batch: 1, m: 6, n: 5, k: 2, transA: false, transB: true, sharedB: true)
                    return zip(first, second).map { $0 + $1 }
                })
    }
}
