// Gradient checks on tensors large enough that `Parallelism.forEachChunk` splits the CPU
// kernels' loops across threads (each size below clears twice the kernel's grain), so the
// chunked paths — and the boundaries between chunks — are checked, not only the one-chunk path
// the small tests take. Forward outputs are compared in full; the finite differences probe the
// elements on both sides of every chunk boundary 2, 3, 4 or 16 threads would use (probing all
// of 33 000 elements would take minutes in a debug build). Sizes are odd so that chunks do not
// divide them evenly and a chunk that drops or repeats a remainder shows.
// Tolerance: tol = 1e-4 as everywhere; the bound tol·(s + |b|) (GradientCheck.swift) keeps the
// check relative for the losses, whose per-element gradients are ~1/33 000.
import Testing
@testable import SeerTensor

/// Both sides of every boundary between `chunks` contiguous chunks of `count / unit` units of
/// `unit` elements (a whole row for kernels that chunk by rows), as forEachChunk splits them.
func chunkEdgeProbe(count: Int, unit: Int = 1) -> [Int] {
    let units = count / unit
    var picks: Set<Int> = [0, 1, count - 2, count - 1]
    for chunks in [2, 3, 4, 16] {
        for c in 1..<chunks {
            let edge = (c * units / chunks) * unit  // first element of chunk c
            picks.formUnion([edge - 1, edge, edge + unit - 1])
        }
    }
    return picks.filter { $0 >= 0 && $0 < count }.sorted()
}

struct LargeTensorGradientTests {
    func operand(_ shape: Shape, _ rng: inout SplitMix64, in range: ClosedRange<Double> = -1...1, unit: Int = 1) -> Operand {
        Operand(rng.values(shape.count, in: range), shape, probe: chunkEdgeProbe(count: shape.count, unit: unit))
    }

    // One op per distinct chunked loop: add (a's gradient chunked by element), mul (by row),
    // div broadcast (the forward chunked by row); b's same-shape gradient is chunked by element
    // in the first two. [131, 255] = 33 405 elements: above 2 × 16 384 elements and 2 × 64 rows.
    @Test(arguments: [(BinaryOp.add, false), (.mul, false), (.div, true)])
    func binary(op: BinaryOp, broadcast: Bool) {
        var rng = SplitMix64(seed: 501)
        let a = operand([131, 255], &rng, unit: 255)
        let b = broadcast ? Operand(rng.values(255, in: 0.5...2), [255]) : operand([131, 255], &rng, in: 0.5...2)
        checkOp("large \(op)\(broadcast ? " broadcast" : "")", [a, b], seed: 501,
                seer: { ElementwiseGradientTests().apply(op, $0[0], $0[1]) }, reference: { referenceBinary(op, $0[0], $0[1]) })
    }

    @Test func scaled() {
        var rng = SplitMix64(seed: 503)
        let x = operand([131, 255], &rng)
        checkOp("large scaled", [x], seed: 503, seer: { $0[0] * 1.5 }, reference: { elementwise($0[0]) { $0 * 1.5 } })
    }

    @Test(arguments: [UnaryOp.gelu, .silu, .tanh])
    func activation(op: UnaryOp) {
        // 9 999 elements against a grain of 4 096.
        var rng = SplitMix64(seed: 504)
        let x = operand([101, 99], &rng, in: -3...3)
        checkOp("large \(op)", [x], seed: 504, seer: { $0[0].unary(op) }, reference: { elementwise($0[0]) { referenceUnary(op, $0) } })
    }

    @Test func reduceMiddleAxis() {
        // outer 65 against a grain of 16 384 / (32·32) = 16 rows.
        var rng = SplitMix64(seed: 505)
        let x = operand([65, 32, 32], &rng, unit: 1024)
        checkOp("large sum(axis: 1)", [x], seed: 505, seer: { $0[0].sum(axis: 1) },
                reference: { referenceReduce($0[0], [65, 32, 32], axis: 1, mean: false) })
    }

    @Test(arguments: [false, true])
    func softmax(log: Bool) {
        // 401 rows of 50 against a grain of 4 096 / 50 = 81 rows.
        var rng = SplitMix64(seed: 506)
        let x = operand([401, 50], &rng, in: -4...4, unit: 50)
        checkOp("large \(log ? "logSoftmax" : "softmax")", [x], seed: 506,
                seer: { log ? $0[0].logSoftmax() : $0[0].softmax() }, reference: { referenceSoftmax($0[0], n: 50, log: log) })
    }

    @Test func norms() {
        var rng = SplitMix64(seed: 507)
        // 401 rows of 50: 4 column blocks of γ/β sums, 2 per chunk (grain 16 384 / (401·16) = 2).
        let x = operand([401, 50], &rng, in: -2...2, unit: 50)
        let gamma = Operand.random([50], &rng, in: 0.5...1.5), beta = Operand.random([50], &rng)
        checkOp("large layerNorm", [x, gamma, beta], seed: 507, seer: { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) },
                reference: { referenceLayerNorm($0[0], $0[1], $0[2], n: 50, epsilon: Double(Float(1e-5))) })
        checkOp("large rmsNorm", [x, gamma], seed: 508, seer: { $0[0].rmsNorm(gamma: $0[1]) },
                reference: { referenceRMSNorm($0[0], $0[1], n: 50, epsilon: Double(Float(1e-6))) })
    }

    @Test func crossEntropy() {
        // 601 rows of 20 classes against a grain of 4 096 / 20 = 204 rows.
        var rng = SplitMix64(seed: 509)
        let logits = operand([601, 20], &rng, in: -3...3, unit: 20)
        let targets = (0..<601).map { _ in Int32(rng.index(below: 20)) }
        let weights = rng.values(20, in: 0.2...3)
        let weightTensor = Tensor(weights.map { Float($0) }, shape: [20])
        checkOp("large crossEntropy", [logits], seed: 509,
                seer: { $0[0].crossEntropy(targets: targets, classWeights: weightTensor) },
                reference: { [referenceCrossEntropy($0[0], targets: targets, weights: weights, classes: 20)] })
    }

    @Test func regressionLosses() {
        // 33 405 elements against a grain of 16 384; residuals stay ≥ 0.1 from Huber's ±1 kink.
        var rng = SplitMix64(seed: 510)
        let p = operand([131, 255], &rng, in: -3...3)
        let t = Operand(p.values.map { v -> Double in
            var d: Double
            repeat { d = rng.uniform(-2.5...2.5) } while abs(abs(d) - 1) < 0.1 || abs(d) < 0.1
            return Double(Float(v - d))
        }, p.shape, probe: p.probe)
        for loss in [RegressionLoss.mse, .mae, .huber(delta: 1)] {
            checkOp("large \(loss)", [p, t], seed: 510, seer: { $0[0].regressionLoss(loss, target: $0[1]) },
                    reference: { [referenceRegressionLoss(loss, $0[0], $0[1])] })
        }
    }

    @Test func sliceAndConcatenate() {
        // Blocks of 16, 32 and 48 elements: grains 1 024, 512 and 341 rows against 2 049 and 1 025 rows.
        var rng = SplitMix64(seed: 511)
        let x = operand([2049, 4, 8], &rng, unit: 32)
        checkOp("large slice", [x], seed: 511, seer: { $0[0].slice(axis: 1, 1..<3) },
                reference: { referenceSlice($0[0], [2049, 4, 8], axis: 1, 1..<3) })
        let pieces = [operand([1025, 2, 16], &rng, unit: 32), operand([1025, 3, 16], &rng, unit: 48)]
        checkOp("large concatenate", pieces, seed: 512, seer: { Tensor.concatenate($0, axis: 1) },
                reference: { referenceConcatenate($0, [[1025, 2, 16], [1025, 3, 16]], axis: 1) })
    }

    @Test func permute() {
        // 52 000 elements: 1 625 output rows of 32 against a grain of 512 (and 2 080 rows of 25
        // against 655 for the backward's inverse permutation).
        var rng = SplitMix64(seed: 513)
        let x = operand([65, 32, 25], &rng, unit: 25)
        checkOp("large permute", [x], seed: 513, seer: { $0[0].permuted([2, 0, 1]) },
                reference: { referencePermute($0[0], [65, 32, 25], [2, 0, 1]) })
    }

    @Test func causalConv() {
        // 261 (batch, time) rows against a grain of 4 096 / (8·4) = 128.
        var rng = SplitMix64(seed: 514)
        let x = operand([3, 87, 8], &rng, unit: 8)
        let w = Operand.random([8, 4], &rng), bias = Operand.random([8], &rng)
        checkOp("large causalConv", [x, w, bias], seed: 514, seer: { $0[0].causalDepthwiseConv(weight: $0[1], bias: $0[2]) },
                reference: { referenceCausalConv($0[0], $0[1], $0[2], batch: 3, time: 87, channels: 8, kernel: 4) })
    }
}
