// Gradient checks for the reduce kernel pair (sum and mean over the first, a middle and the last
// axis, and over everything) and the softmax / log-softmax pair.
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift); sums here
// run over ≤ 60 O(1) terms.
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SeerTensor

/// Naive Σ (or mean) over `axis` of x with shape `dims`; the axis is removed. x is viewed as
/// [outer, dim, inner] (the axes before, the axis, the axes after).
func referenceReduce(_ x: [Double], _ dims: [Int], axis: Int, mean: Bool) -> [Double] {
    let (outer, dim, inner) = outerDimInner(dims, around: axis)
    var out = [Double](repeating: 0, count: outer * inner)
    for o in 0..<outer {
        for d in 0..<dim {
            for i in 0..<inner { out[o * inner + i] += x[(o * dim + d) * inner + i] }
        }
    }
    return mean ? out.map { $0 / Double(dim) } : out
}

/// Naive softmax (or log-softmax) of each row of length n, from the definition.
func referenceSoftmax(_ x: [Double], n: Int, log takeLog: Bool) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    for r in 0..<(x.count / n) {
        var total = 0.0
        for j in 0..<n { total += exp(x[r * n + j]) }
        for j in 0..<n { out[r * n + j] = takeLog ? x[r * n + j] - log(total) : exp(x[r * n + j]) / total }
    }
    return out
}

struct ReductionGradientTests {
    static let dims = [3, 4, 5]

    @Test(arguments: [0, 1, 2, -1], [false, true])
    func reduceOverAxis(axis: Int, mean: Bool) {
        var rng = SplitMix64(seed: 41)
        let x = Operand.random(Shape(Self.dims), &rng)
        let a = axis < 0 ? axis + Self.dims.count : axis
        checkOp("\(mean ? "mean" : "sum")(axis: \(axis)) of \(Self.dims)", [x], seed: 41,
                seer: { mean ? $0[0].mean(axis: axis) : $0[0].sum(axis: axis) },
                reference: { referenceReduce($0[0], Self.dims, axis: a, mean: mean) })
    }

    @Test func reduceRank4MiddleAxes() {
        var rng = SplitMix64(seed: 42)
        let dims = [2, 3, 2, 4]
        let x = Operand.random(Shape(dims), &rng)
        for axis in 1...2 {
            checkOp("sum(axis: \(axis)) of \(dims)", [x], seed: 42, seer: { $0[0].sum(axis: axis) },
                    reference: { referenceReduce($0[0], dims, axis: axis, mean: false) })
        }
    }

    @Test func sumAndMeanOfEverything() {
        var rng = SplitMix64(seed: 43)
        let x = Operand.random([3, 4, 5], &rng)
        let sum = checkOp("sum()", [x], seed: 43, seer: { $0[0].sum() }, reference: { [$0[0].reduce(0, +)] })
        checkOp("mean()", [x], seed: 44, seer: { $0[0].mean() }, reference: { [$0[0].reduce(0, +) / 60] })
        #expect(sum.outputs.first?.count == 1)
    }

    @Test(arguments: [false, true])
    func softmax(log: Bool) {
        var rng = SplitMix64(seed: 45)
        // Logits up to ±6 so some probabilities are small and the max subtraction matters.
        let x = Operand.random([2, 3, 7], &rng, in: -6...6)
        checkOp(log ? "logSoftmax" : "softmax", [x], seed: 45,
                seer: { log ? $0[0].logSoftmax() : $0[0].softmax() },
                reference: { referenceSoftmax($0[0], n: 7, log: log) })
    }

    @Test(arguments: [false, true])
    func softmaxSingleClassAndLargeLogits(log: Bool) {
        // n = 1 (output 1 or 0 whatever x is), and logits near 80 that overflow expf without the
        // max subtraction. The reference shifts by the row max explicitly for the large case.
        let single = Operand([0.3, -2, 5], [3, 1])
        checkOp("softmax n=1", [single], seed: 46, seer: { log ? $0[0].logSoftmax() : $0[0].softmax() },
                reference: { referenceSoftmax($0[0], n: 1, log: log) })
        var rng = SplitMix64(seed: 47)
        let big = Operand(rng.values(8, in: 78...82), [2, 4])
        checkOp("softmax large", [big], seed: 47, seer: { log ? $0[0].logSoftmax() : $0[0].softmax() },
                reference: { v in
                    let shifted = (0..<2).flatMap { r in (0..<4).map { v[0][r * 4 + $0] - 80 } }
                    return referenceSoftmax(shifted, n: 4, log: log)
                })
    }
}
