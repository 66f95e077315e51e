// Gradient checks for the matmul kernel pair: a weight shared across the batch and a batched
// right operand, every transpose combination, rank 2, 3 and 4 ([2, 3, ·, ·] leading axes).
// The CPU kernel has a separate fast path (batch folded into M) for a shared, untransposed-A
// product, so both paths are covered by the same cases; and the sum of two weight products that
// accumulates the second into the first (GEMM with β = 1).
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift); inner
// dimensions here are ≤ 6, so Float32 accumulation error stays near 1e-6.
import SeerBase
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
               sourceLocation: Testing.SourceLocation = #_sourceLocation) {
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

    /// Reference of `Tensor.linear`: rows of [x[…, c₁] | y[…, c₂]]·wᵀ + bias + r[…, c_r].
    static func referenceLinear(_ parts: [(values: [Double], width: Int, columns: Range<Int>)], rows: Int, weight: [Double], n: Int,
                                bias: [Double]?, residual: (values: [Double], width: Int, columns: Range<Int>)?) -> [Double] {
        let k = parts.reduce(0) { $0 + $1.columns.count }
        var out = [Double](repeating: 0, count: rows * n)
        for r in 0..<rows {
            let input = parts.flatMap { part in part.columns.map { part.values[r * part.width + $0] } }
            for j in 0..<n {
                var sum = bias?[j] ?? 0
                if let residual { sum += residual.values[r * residual.width + residual.columns.lowerBound + j] }
                for i in 0..<k { sum += input[i] * weight[j * k + i] }
                out[r * n + j] = sum
            }
        }
        return out
    }

    @Test func linearOnColumnBlocksWithBiasAndResidual() {
        // [x[…, 1..<4] | y]·wᵀ + b + x[…, 2..<6]: x is both a block and the (strided) residual, so
        // its gradient gathers both paths; y is read whole.
        var rng = SplitMix64(seed: 71)
        let x = Operand.random([2, 3, 6], &rng), y = Operand.random([2, 3, 2], &rng)
        let w = Operand.random([4, 5], &rng), b = Operand.random([4], &rng)
        checkOp("linear blocks + bias + residual", [x, y, w, b], seed: 71, seer: { t in
            Tensor.linear([Tensor.ColumnBlock(t[0], 1..<4), Tensor.ColumnBlock(t[1])], weight: t[2], bias: t[3],
                          adding: Tensor.ColumnBlock(t[0], 2..<6))
        }, reference: { v in
            Self.referenceLinear([(v[0], 6, 1..<4), (v[1], 2, 0..<2)], rows: 6, weight: v[2], n: 4, bias: v[3],
                                 residual: (v[0], 6, 2..<6))
        })
    }

    @Test func linearWithOneWeightPerBlockAndAResidual() {
        // x·uᵀ + z[…, 1..<3]·vᵀ + r: two weights, a strided block, a whole residual, no bias.
        var rng = SplitMix64(seed: 75)
        let x = Operand.random([4, 3], &rng), u = Operand.random([2, 3], &rng)
        let z = Operand.random([4, 5], &rng), v = Operand.random([2, 2], &rng), r = Operand.random([4, 2], &rng)
        checkOp("linear, a weight per block", [x, u, z, v, r], seed: 75, seer: { t in
            Tensor.linear([(Tensor.ColumnBlock(t[0]), t[1]), (Tensor.ColumnBlock(t[2], 1..<3), t[3])], adding: Tensor.ColumnBlock(t[4]))
        }, reference: { a in
            let first = Self.referenceLinear([(a[0], 3, 0..<3)], rows: 4, weight: a[1], n: 2, bias: nil, residual: (a[4], 2, 0..<2))
            let second = Self.referenceLinear([(a[2], 5, 1..<3)], rows: 4, weight: a[3], n: 2, bias: nil, residual: nil)
            return zip(first, second).map { $0 + $1 }
        })
    }

    @Test func linearWithAWholeResidualAndNoBias() {
        // The residual's gradient is the output's, handed on; the block is the residual itself.
        var rng = SplitMix64(seed: 73)
        let x = Operand.random([5, 3], &rng), w = Operand.random([3, 3], &rng)
        checkOp("linear + whole residual", [x, w], seed: 73, seer: { t in
            Tensor.linear([Tensor.ColumnBlock(t[0])], weight: t[1], adding: Tensor.ColumnBlock(t[0]))
        }, reference: { v in
            Self.referenceLinear([(v[0], 3, 0..<3)], rows: 5, weight: v[1], n: 3, bias: nil, residual: (v[0], 3, 0..<3))
        })
    }

    @Test func linearOnBlocksEqualsTheConcatenatedProductAtSplitSizes() throws {
        // Big enough that every product is shared across threads: the fused op against
        // concatenate → matmul → bias → add on the same values, outputs and every gradient.
        var rng = SplitMix64(seed: 79)
        let rows = 192, d = 48
        let pairs = Tensor(rng.values(rows * 2 * d).map { Float($0) }, shape: [rows, 2 * d])
        let c = Tensor(rng.values(rows * d).map { Float($0) }, shape: [rows, d])
        let w = Tensor(rng.values(d * 2 * d).map { Float($0) }, shape: [d, 2 * d])
        let b = Tensor(rng.values(d).map { Float($0) }, shape: [d])
        let seed = rng.values(rows * d).map { Float($0) }
        func run(fused: Bool) throws -> [[Float]] {
            let tape = Tape()
            let (tp, tc, tw, tb) = (tape.watch(pairs), tape.watch(c), tape.watch(w), tape.watch(b))
            let y = fused
                ? Tensor.linear([Tensor.ColumnBlock(tc), Tensor.ColumnBlock(tp, 0..<d)], weight: tw, bias: tb,
                                adding: Tensor.ColumnBlock(tp, d..<(2 * d)))
                : Tensor.concatenate([tc, tp.slice(axis: 1, 0..<d)], axis: 1).matmul(tw, transposeOther: true).addingBias(tb)
                    + tp.slice(axis: 1, d..<(2 * d))
            tape.backward((y * Tensor(seed, shape: [rows, d])).sum())
            return [y.array] + (try [tp, tc, tw, tb].map { try #require(tape.gradient(of: $0)) })
        }
        let (fused, plain) = (try run(fused: true), try run(fused: false))
        for (name, (a, b)) in zip(["output", "d pairs", "d c", "d w", "d b"], zip(fused, plain)) {
            let worst = zip(a, b).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
            #expect(worst < 1e-4, "\(name): fused and concatenated differ by \(worst)")
        }
    }
}
