// Gradient checks for the element-wise kernel pairs: binary add/sub/mul/div (same shape, b
// broadcast as [last], b broadcast as a rank-2 suffix), scaling, bias addition and the
// activations GELU, SiLU, tanh, sigmoid and ReLU.
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift). Divisors
// are kept in ±[0.5, 2] so a/b and −a/b² stay O(1); ReLU inputs keep |x| ≥ 0.1 so the finite
// differences never straddle the kink.
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SeerTensor

/// Naive a ∘ b with b repeated over the leading axes of a (b.count divides a.count).
func referenceBinary(_ op: BinaryOp, _ a: [Double], _ b: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: a.count)
    for i in a.indices {
        let x = a[i], y = b[i % b.count]
        switch op {
        case .add: out[i] = x + y
        case .sub: out[i] = x - y
        case .mul: out[i] = x * y
        case .div: out[i] = x / y
        }
    }
    return out
}

/// Naive activation in Double from its textbook definition.
func referenceUnary(_ op: UnaryOp, _ x: Double) -> Double {
    switch op {
    case .gelu: return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
    case .silu: return x / (1 + exp(-x))
    case .tanh: return Glibc.tanh(x)
    case .sigmoid: return 1 / (1 + exp(-x))
    case .relu: return x > 0 ? x : 0
    }
}

struct ElementwiseGradientTests {
    static let binaryOps: [BinaryOp] = [.add, .sub, .mul, .div]

    func apply(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        switch op {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        }
    }

    /// b values: away from zero for division, plain otherwise.
    func operandB(_ op: BinaryOp, _ shape: Shape, _ rng: inout SplitMix64) -> Operand {
        op == .div ? Operand(rng.signedValues(shape.count, magnitude: 0.5...2), shape) : .random(shape, &rng)
    }

    @Test(arguments: binaryOps)
    func binarySameShape(op: BinaryOp) {
        var rng = SplitMix64(seed: 21)
        let a = Operand.random([2, 3, 4], &rng), b = operandB(op, [2, 3, 4], &rng)
        checkOp("\(op) [2,3,4]∘[2,3,4]", [a, b], seed: 21,
                seer: { apply(op, $0[0], $0[1]) }, reference: { referenceBinary(op, $0[0], $0[1]) })
    }

    @Test(arguments: binaryOps)
    func binaryBroadcastLast(op: BinaryOp) {
        var rng = SplitMix64(seed: 22)
        let a = Operand.random([2, 3, 4], &rng), b = operandB(op, [4], &rng)
        checkOp("\(op) [2,3,4]∘[4]", [a, b], seed: 22,
                seer: { apply(op, $0[0], $0[1]) }, reference: { referenceBinary(op, $0[0], $0[1]) })
    }

    @Test(arguments: binaryOps)
    func binaryBroadcastRank2Suffix(op: BinaryOp) {
        var rng = SplitMix64(seed: 23)
        let a = Operand.random([2, 3, 4], &rng), b = operandB(op, [3, 4], &rng)
        checkOp("\(op) [2,3,4]∘[3,4]", [a, b], seed: 23,
                seer: { apply(op, $0[0], $0[1]) }, reference: { referenceBinary(op, $0[0], $0[1]) })
    }

    @Test(arguments: binaryOps)
    func binaryWithOneOperandUntracked(op: BinaryOp) {
        // The backward must still give the tracked side its gradient when the other is constant.
        var rng = SplitMix64(seed: 24)
        var a = Operand.random([3, 5], &rng), b = operandB(op, [5], &rng)
        b.differentiable = false
        checkOp("\(op) tracked∘constant", [a, b], seed: 24,
                seer: { apply(op, $0[0], $0[1]) }, reference: { referenceBinary(op, $0[0], $0[1]) })
        a.differentiable = false
        b.differentiable = true
        checkOp("\(op) constant∘tracked", [a, b], seed: 25,
                seer: { apply(op, $0[0], $0[1]) }, reference: { referenceBinary(op, $0[0], $0[1]) })
    }

    @Test func sameTensorOnBothSides() {
        // x∘x: both gradient contributions land in one buffer.
        var rng = SplitMix64(seed: 26)
        let x = Operand(rng.signedValues(6, magnitude: 0.5...2), [2, 3])
        checkOp("x·x", [x], seed: 26, seer: { $0[0] * $0[0] }, reference: { $0[0].map { $0 * $0 } })
        checkOp("x/x + x", [x], seed: 27, seer: { $0[0] / $0[0] + $0[0] }, reference: { $0[0].map { $0 / $0 + $0 } })
    }

    @Test func scaled() {
        var rng = SplitMix64(seed: 28)
        let x = Operand.random([3, 4], &rng)
        checkOp("scaled(by: 0.37)", [x], seed: 28, seer: { $0[0].scaled(by: 0.37) },
                reference: { $0[0].map { $0 * Double(Float(0.37)) } })
        checkOp("x * -2.5", [x], seed: 29, seer: { $0[0] * -2.5 }, reference: { $0[0].map { $0 * -2.5 } })
        checkOp("-x", [x], seed: 30, seer: { -$0[0] }, reference: { $0[0].map { -$0 } })
    }

    @Test func addingBias() {
        var rng = SplitMix64(seed: 31)
        let x = Operand.random([2, 3, 5], &rng), bias = Operand.random([5], &rng)
        checkOp("addingBias [2,3,5]+[5]", [x, bias], seed: 31, seer: { $0[0].addingBias($0[1]) },
                reference: { v in v[0].indices.map { v[0][$0] + v[1][$0 % 5] } })
    }

    @Test(arguments: [UnaryOp.gelu, .silu, .tanh, .sigmoid])
    func smoothActivation(op: UnaryOp) {
        // Range ±4 reaches the saturating tails of tanh/sigmoid and GELU's negative dip.
        var rng = SplitMix64(seed: 32)
        let x = Operand.random([3, 7], &rng, in: -4...4)
        checkOp("\(op)", [x], seed: 32, seer: { $0[0].unary(op) }, reference: { $0[0].map { referenceUnary(op, $0) } })
    }

    @Test(arguments: [UnaryOp.sigmoid, .silu])
    func fusedGate(op: UnaryOp) {
        // f(gate) ⊙ x over 1100 elements: two gate blocks of 512 and a ragged third.
        var rng = SplitMix64(seed: 34)
        var x = Operand.random([1100], &rng), gate = Operand.random([1100], &rng, in: -4...4)
        checkOp("gated \(op)", [x, gate], seed: 34, seer: { $0[0].gated(by: $0[1], op) },
                reference: { v in v[0].indices.map { v[0][$0] * referenceUnary(op, v[1][$0]) } })
        // Either side constant, and one tensor as both.
        gate.differentiable = false
        checkOp("gated \(op), constant gate", [x, gate], seed: 35, seer: { $0[0].gated(by: $0[1], op) },
                reference: { v in v[0].indices.map { v[0][$0] * referenceUnary(op, v[1][$0]) } })
        gate.differentiable = true
        x.differentiable = false
        checkOp("gated \(op), constant input", [x, gate], seed: 36, seer: { $0[0].gated(by: $0[1], op) },
                reference: { v in v[0].indices.map { v[0][$0] * referenceUnary(op, v[1][$0]) } })
        let same = Operand.random([3, 7], &rng, in: -4...4)
        checkOp("x gated by x (\(op))", [same], seed: 37, seer: { $0[0].gated(by: $0[0], op) },
                reference: { $0[0].map { $0 * referenceUnary(op, $0) } })
    }

    @Test(arguments: [UnaryOp.sigmoid, .silu])
    func normalizedGate(op: UnaryOp) {
        // f(gate) ⊙ x/rms(x) per row of 8: 70 rows, so blocks of 64 rows and a ragged 6, with
        // rows of very different scales (the norm must undo them).
        var rng = SplitMix64(seed: 41)
        let rows = 70, n = 8
        let scales = (0..<rows).map { _ in rng.uniform(0.05...20) }
        var x = Operand((0..<(rows * n)).map { Double(Float(rng.uniform(-1...1) * scales[$0 / n])) }, [rows, n])
        var gate = Operand.random([rows, n], &rng, in: -4...4)
        func reference(_ v: [[Double]]) -> [Double] {
            (0..<(rows * n)).map { i in
                let row = (i / n) * n
                let ms = (row..<(row + n)).reduce(0.0) { $0 + v[0][$1] * v[0][$1] } / Double(n)
                return referenceUnary(op, v[1][i]) * v[0][i] / (ms + 1e-6).squareRoot()
            }
        }
        checkOp("normalized gate \(op)", [x, gate], seed: 41, seer: { $0[0].normalizedGated(by: $0[1], op, rowLength: n) },
                reference: reference)
        gate.differentiable = false
        checkOp("normalized gate \(op), constant gate", [x, gate], seed: 42, seer: { $0[0].normalizedGated(by: $0[1], op, rowLength: n) },
                reference: reference)
        gate.differentiable = true
        x.differentiable = false
        checkOp("normalized gate \(op), constant input", [x, gate], seed: 43,
                seer: { $0[0].normalizedGated(by: $0[1], op, rowLength: n) }, reference: reference)
    }

    @Test func normalizedGateEqualsRMSNormThenGate() throws {
        // Against the two ops it replaces in DiJiang, values and both gradients, at a size
        // shared across threads.
        var rng = SplitMix64(seed: 44)
        let x = Tensor(rng.values(64 * 1024).map(Float.init), shape: [64, 32, 32])
        let gate = Tensor(rng.signedValues(64 * 1024, magnitude: 0...6).map(Float.init), shape: [64, 32, 32])
        let weights = Tensor(rng.values(64 * 1024).map(Float.init), shape: [64, 32, 32])
        func run(fused: Bool) throws -> [[Float]] {
            let tape = Tape()
            let (tx, tg) = (tape.watch(x), tape.watch(gate))
            let y = fused ? tx.normalizedGated(by: tg, .silu, rowLength: 32)
                          : tx.rmsNorm(gamma: Tensor.filled([32], with: 1)).gated(by: tg, .silu)
            tape.backward((y * weights).sum())
            return [y.array, try #require(tape.gradient(of: tx)), try #require(tape.gradient(of: tg))]
        }
        let (fused, plain) = (try run(fused: true), try run(fused: false))
        for (name, (a, b)) in zip(["output", "dx", "dgate"], zip(fused, plain)) {
            #expect(worstViolation(a, b.map(Double.init), tolerance: 1e-5).ratio <= 1, "\(name): fused and unfused differ")
        }
    }

    @Test func fusedGateEqualsTheUnfusedOps() {
        var rng = SplitMix64(seed: 38)
        let x = Tensor(rng.signedValues(4096, magnitude: 0...3).map(Float.init), shape: [4, 1024])
        let gate = Tensor(rng.signedValues(4096, magnitude: 0...6).map(Float.init), shape: [4, 1024])
        #expect(worstViolation(x.gated(by: gate, .sigmoid).array, (gate.sigmoid() * x).array.map(Double.init), tolerance: 1e-6).ratio <= 1)
        #expect(worstViolation(x.gated(by: gate, .silu).array, (gate.silu() * x).array.map(Double.init), tolerance: 1e-6).ratio <= 1)
    }

    @Test func relu() {
        var rng = SplitMix64(seed: 33)
        let x = Operand(rng.signedValues(21, magnitude: 0.1...3), [3, 7])
        checkOp("relu", [x], seed: 33, seer: { $0[0].relu() }, reference: { $0[0].map { referenceUnary(.relu, $0) } })
    }

    @Test func publicActivationNamesCallTheirKernels() {
        // gelu()/silu()/… are thin names over unary(_:); one forward each proves the wiring.
        let x = Tensor([-1.5, -0.2, 0.3, 2], shape: [4])
        let pairs: [(Tensor, UnaryOp)] = [(x.gelu(), .gelu), (x.silu(), .silu), (x.tanh(), .tanh),
                                          (x.sigmoid(), .sigmoid), (x.relu(), .relu)]
        for (y, op) in pairs {
            let expected = x.array.map { referenceUnary(op, Double($0)) }
            #expect(worstViolation(y.array, expected, tolerance: 1e-6).ratio <= 1, "\(op)")
        }
    }
}
