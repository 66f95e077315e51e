// The gradient-check harness every kernel-pair test uses. An op is written twice: once through
// Seer's differentiable Tensor ops (Float32, recorded on a Tape) and once as a naive Double
// reference in plain loops. `checkOp` then checks
//   * forward:  Seer's outputs against the reference's, |a − b| ≤ tol·(1 + |b|);
//   * backward: L = Σ w_i·y_i with fixed random weights (so every output element matters),
//     Seer's analytic dL/dx for every differentiable operand against central finite
//     differences of the Double reference, |a − b| ≤ tol·(s + |b|) with s = min(1, max|b|)
//     (floored at 0.01): the usual tol·(1 + |b|) for O(1) gradients, but relative to the
//     gradient's own size when all of it is small (a mean over 33 000 elements), where "1"
//     would accept almost anything;
//   * accumulation: a second backward into pre-filled gradient buffers must add to them.
// Inputs are drawn as Float32 values and handed to the reference as exact Doubles, so both sides
// see the same point and every difference is Seer's rounding (or a bug).
import SeerBase
import Testing
@testable import SeerTensor

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so every test input is the
/// same on every run and machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// `count` values in `range`, each rounded to the nearest Float32 so that Seer and the Double
    /// reference start from exactly the same numbers.
    mutating func values(_ count: Int, in range: ClosedRange<Double> = -1...1) -> [Double] {
        (0..<count).map { _ in Double(Float(uniform(range))) }
    }

    /// Values of random sign whose magnitude lies in `magnitude` — keeps inputs away from zero
    /// (divisors, ReLU's kink).
    mutating func signedValues(_ count: Int, magnitude: ClosedRange<Double>) -> [Double] {
        (0..<count).map { _ in
            let m = uniform(magnitude)
            return Double(Float(next() & 1 == 0 ? m : -m))
        }
    }

    mutating func index(below n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// One operand of an op under test.
struct Operand {
    var values: [Double]
    var shape: Shape
    /// Whether the op is differentiable in this operand (its gradient is then checked).
    var differentiable: Bool
    /// The elements the finite-difference check perturbs (nil: every element).
    var probe: [Int]?

    init(_ values: [Double], _ shape: Shape, differentiable: Bool = true, probe: [Int]? = nil) {
        precondition(values.count == shape.count, "operand values do not fill \(shape)")
        self.values = values
        self.shape = shape
        self.differentiable = differentiable
        self.probe = probe
    }

    /// Random operand of `shape` with values in `range`.
    static func random(_ shape: Shape, _ rng: inout SplitMix64, in range: ClosedRange<Double> = -1...1,
                       differentiable: Bool = true) -> Operand {
        Operand(rng.values(shape.count, in: range), shape, differentiable: differentiable)
    }

    var tensor: Tensor { Tensor(values.map { Float($0) }, shape: shape) }
}

/// What `checkOp` saw, for tests that compare two runs (e.g. the two attention modes).
struct OpCheck {
    var outputs: [[Float]]
    /// Seer's gradient per operand (empty for operands that are not differentiable).
    var gradients: [[Float]]
}

/// Central-difference step in Double: small enough that the O(h²) truncation error is far below
/// Float32 rounding, large enough that cancellation costs only ~1e-10 relative.
let finiteDifferenceStep = 1e-6

/// Largest of |a − b| / (tol·(scale + |b|)) over the pairs, with the offending index (≤ 1 passes).
/// scale = 1 gives the usual tol·(1 + |b|).
func worstViolation(_ actual: [Float], _ expected: [Double], tolerance: Double, scale: Double = 1) -> (ratio: Double, index: Int) {
    var worst = (ratio: 0.0, index: -1)
    for i in expected.indices {
        let a = Double(actual[i]), b = expected[i]
        let ratio = a.isFinite ? abs(a - b) / (tolerance * (scale + abs(b))) : .infinity
        if ratio > worst.ratio { worst = (ratio, i) }
    }
    return worst
}

/// Checks an op with several outputs (e.g. `split`) against its reference, forward and backward.
/// `reference` returns the outputs flattened and concatenated in the order `seer` returns them.
@discardableResult
func checkOp(_ name: String, _ operands: [Operand], seed: UInt64 = 1,
             forwardTolerance: Double = 1e-4, gradientTolerance: Double = 1e-4,
             seer: ([Tensor]) -> [Tensor], reference: ([[Double]]) -> [Double],
             sourceLocation: Testing.SourceLocation = #_sourceLocation) -> OpCheck {
    let tape = Tape()
    let inputs = operands.map { $0.differentiable ? tape.watch($0.tensor) : $0.tensor }
    let outputs = seer(inputs)
    let flat = outputs.flatMap(\.array)
    let inputValues = operands.map(\.values)
    let expected = reference(inputValues)
    var result = OpCheck(outputs: outputs.map(\.array), gradients: [])

    // Forward.
    guard flat.count == expected.count else {
        Issue.record("\(name): Seer gives \(flat.count) output values, the reference \(expected.count)",
                     sourceLocation: sourceLocation)
        return result
    }
    let forward = worstViolation(flat, expected, tolerance: forwardTolerance)
    if forward.ratio > 1 {
        let i = forward.index
        let message = "\(name) forward: output \(i) is \(i >= 0 ? flat[i] : .nan), reference \(i >= 0 ? expected[i] : .nan) "
            + "(tolerance \(forwardTolerance)·(1 + |b|))"
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }

    // Backward through L = Σ w·y, recorded by the test itself (not with Seer's mul and sum, so a
    // bug in those kernels can neither hide nor fake one in the op under test).
    var rng = SplitMix64(seed: seed ^ 0xC0FF_EE00)
    let weights = rng.values(expected.count, in: -1...1)
    for output in outputs where !output.isTracked {
        Issue.record("\(name): an output is not tracked on the tape", sourceLocation: sourceLocation)
        return result
    }
    tape.backward(weightedSum(outputs, weights: weights.map { Float($0) }, on: tape))
    func loss(_ values: [[Double]]) -> Double {
        let y = reference(values)
        var total = 0.0
        for i in y.indices { total += weights[i] * y[i] }
        return total
    }

    for (o, operand) in operands.enumerated() {
        guard operand.differentiable else {
            result.gradients.append([])
            continue
        }
        guard let analytic = tape.gradient(of: inputs[o]) else {
            Issue.record("\(name): no gradient reached operand \(o)", sourceLocation: sourceLocation)
            result.gradients.append([])
            continue
        }
        result.gradients.append(analytic)
        let probe = operand.probe ?? Array(operand.values.indices)
        var numeric: [Double] = []
        var probed: [Float] = []
        for j in probe {
            var plus = inputValues, minus = inputValues
            plus[o][j] += finiteDifferenceStep
            minus[o][j] -= finiteDifferenceStep
            numeric.append((loss(plus) - loss(minus)) / (2 * finiteDifferenceStep))
            probed.append(analytic[j])
        }
        // s floors at 0.01 because Float32 rounding leaves ~1e-8 in gradients that are zero in
        // exact arithmetic (attention's dQ and dK at T = 1, where the softmax over one key is
        // constant); the bound, 1e-6 absolute at tol 1e-4, still resolves a 1% error in the
        // smallest gradients checked here (~1e-4, the large-tensor losses).
        let scale = min(1, max(1e-2, numeric.map(abs).max() ?? 0))
        let backward = worstViolation(probed, numeric, tolerance: gradientTolerance, scale: scale)
        if backward.ratio > 1 {
            let i = backward.index
            let message = "\(name) backward: dL/d operand \(o)[\(i >= 0 ? probe[i] : -1)] is \(i >= 0 ? probed[i] : .nan), "
                + "finite differences give \(i >= 0 ? numeric[i] : .nan) (tolerance \(gradientTolerance)·(\(scale) + |b|), "
                + "worst of \(probe.count))"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
    checkAccumulation(name, operands, gradients: result.gradients, weights: weights.map { Float($0) }, seed: seed,
                      tolerance: gradientTolerance, seer: seer, sourceLocation: sourceLocation)
    return result
}

/// Backward kernels must ADD into the gradient buffers they are given (a parameter's buffer may
/// already hold earlier micro-batches' gradients), which a fresh zeroed buffer cannot tell from
/// overwriting. So the backward runs again with each differentiable operand watched into a
/// buffer pre-filled with random values, and each buffer must end as prefill + gradient.
func checkAccumulation(_ name: String, _ operands: [Operand], gradients: [[Float]], weights: [Float], seed: UInt64,
                       tolerance: Double, seer: ([Tensor]) -> [Tensor], sourceLocation: Testing.SourceLocation) {
    var rng = SplitMix64(seed: seed ^ 0xACC0_ACC0)
    let tape = Tape()
    var sinks: [(operand: Int, buffer: TensorStorage, prefill: [Float])] = []
    let inputs = operands.enumerated().map { o, operand -> Tensor in
        guard operand.differentiable, gradients[o].count == operand.values.count else { return operand.tensor }
        let prefill = rng.values(operand.values.count).map { Float($0) }
        let buffer = TensorStorage(prefill)
        sinks.append((o, buffer, prefill))
        return tape.watch(operand.tensor, accumulatingInto: buffer)
    }
    tape.backward(weightedSum(seer(inputs), weights: weights, on: tape))
    for sink in sinks {
        let expected = zip(sink.prefill, gradients[sink.operand]).map { Double($0) + Double($1) }
        let held = sink.buffer.array
        let worst = worstViolation(held, expected, tolerance: tolerance)
        if worst.ratio > 1 {
            let i = worst.index
            let message = "\(name) accumulation: operand \(sink.operand)'s buffer[\(i)] ends as \(held[i]), expected "
                + "prefill \(sink.prefill[i]) + gradient \(gradients[sink.operand][i]) — the backward overwrote or dropped it"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
}

/// `checkOp` for the usual op with one output.
@discardableResult
func checkOp(_ name: String, _ operands: [Operand], seed: UInt64 = 1,
             forwardTolerance: Double = 1e-4, gradientTolerance: Double = 1e-4,
             seer: ([Tensor]) -> Tensor, reference: ([[Double]]) -> [Double],
             sourceLocation: Testing.SourceLocation = #_sourceLocation) -> OpCheck {
    checkOp(name, operands, seed: seed, forwardTolerance: forwardTolerance, gradientTolerance: gradientTolerance,
            seer: { [seer($0)] }, reference: reference, sourceLocation: sourceLocation)
}

/// Records L = Σ_k Σ_i w_k,i · y_k,i on `tape`; its backward adds w into each output's gradient.
func weightedSum(_ outputs: [Tensor], weights: [Float], on tape: Tape) -> Tensor {
    var total = 0.0, offset = 0
    var slices: [(id: Int, count: Int, start: Int)] = []
    for output in outputs {
        let values = output.array
        for i in values.indices { total += Double(weights[offset + i]) * Double(values[i]) }
        slices.append((output.id, output.count, offset))
        offset += output.count
    }
    return tape.record(Tensor([Float(total)], shape: [1])) { store, g in
        for slice in slices {
            let gy = store.accumulator(slice.id, count: slice.count)
            for i in 0..<slice.count { gy.pointer[i] += g.pointer[0] * weights[slice.start + i] }
        }
    }
}

/// f applied to every element. A plain loop: `map` with a closure is several times slower in a
/// debug build, and the finite differences call references thousands of times.
func elementwise(_ x: [Double], _ f: (Double) -> Double) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    for i in x.indices { out[i] = f(x[i]) }
    return out
}

/// `dims` seen as [outer, dim, inner] around `axis`.
func outerDimInner(_ dims: [Int], around axis: Int) -> (outer: Int, dim: Int, inner: Int) {
    (dims[..<axis].reduce(1, *), dims[axis], dims[(axis + 1)...].reduce(1, *))
}
