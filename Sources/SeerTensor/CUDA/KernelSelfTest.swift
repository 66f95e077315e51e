// Every CUDA kernel against its CPU twin on random inputs: the check `seer selftest --device
// cuda` runs on a GPU, and the tests run on the CPU emulator — one piece of code, so the check a
// GPU user runs is itself tested. Gradients start non-zero (backward kernels add). Tolerances
// are relative, |a − b| / max(1, |b|): 1e-4 forward and 1e-3 backward where libm's functions
// meet CVectorMath's (activations, gates), 1e-5 where both sides do the same float arithmetic
// (sums may be added in a different order).
import SeerBase

/// One comparison of a kernel (or a forward/backward pair) with the CPU backend.
public struct KernelCheck: Sendable {
    /// What was compared, e.g. "binary mul broadcast backward".
    public let name: String
    /// The kernels it launched.
    public let kernels: [String]
    public let error: Double
    public let tolerance: Double
    public var passed: Bool { error <= tolerance }
}

/// Runs every kernel on `device` and on the CPU and reports the largest relative differences.
public struct KernelSelfTest {
    let device: any KernelDevice
    let kernels: CUDAKernels
    let cpu = CPUBackend()
    var checks: [KernelCheck] = []

    public init(device: any KernelDevice) {
        self.device = device
        kernels = CUDAKernels(device: device)
    }

    /// Every check, in kernel-file order.
    public static func run(on device: any KernelDevice) throws -> [KernelCheck] {
        var test = KernelSelfTest(device: device)
        try test.trainingState()
        try test.optimisers()
        for op in [BinaryOp.add, .sub, .mul, .div] { for broadcast in [false, true] { try test.binary(op, broadcastB: broadcast) } }
        try test.reductions()
        for op in [UnaryOp.gelu, .silu, .tanh, .sigmoid, .relu] { try test.activation(op) }
        for op in [UnaryOp.sigmoid, .silu] { try test.gate(op) }
        for log in [false, true] { try test.softmax(log: log) }
        try test.layerNorm()
        try test.rmsNorm()
        for op in [UnaryOp.sigmoid, .silu] { try test.normalizedGate(op) }
        for positive in [true, false] { try test.continuedFraction(positive: positive) }
        for bias in [true, false] { try test.causalConv(withBias: bias) }
        for weighted in [false, true] { try test.crossEntropy(weighted: weighted) }
        for loss in [RegressionLoss.mse, .mae, .huber(delta: 0.5)] { try test.regressionLoss(loss) }
        try test.dropout()
        try test.embedding()
        try test.copies()
        try test.fillRows()
        try test.matmuls()
        try test.attention()
        try test.linearAttention()
        return test.checks
    }

    mutating func record(_ name: String, _ kernels: [String], _ device: [Float], _ cpu: [Float], tolerance: Double) {
        precondition(device.count == cpu.count)
        let error = zip(device, cpu).map { Double(abs($0 - $1)) / max(1, Double(abs($1))) }.max() ?? 0
        checks.append(KernelCheck(name: name, kernels: kernels, error: error.isNaN ? .infinity : error, tolerance: tolerance))
    }

    func random(_ count: Int, seed: UInt64, low: Float = -2, high: Float = 2) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.uniform(low, high) }
    }

    /// Uploads `values` to a fresh device buffer, which `pool` frees at the end of the check.
    func put(_ values: [Float], _ pool: inout [DevicePointer]) throws -> DevicePointer {
        let pointer = try device.copyToDevice(values)
        pool.append(pointer)
        return pointer
    }

    func get(_ pointer: DevicePointer, _ count: Int) throws -> [Float] { try device.copyFromDevice(pointer, count: count) }

    func freeing<R>(_ body: (inout [DevicePointer]) throws -> R) rethrows -> R {
        var pool: [DevicePointer] = []
        defer { pool.forEach(device.free) }
        return try body(&pool)
    }

    private mutating func trainingState() throws {
        let n = 1000, g = random(n, seed: 1), start = random(n, seed: 2)
        for negated in [false, true] {
            let (out, expected) = try freeing { pool in
                let into = try put(start, &pool)
                try kernels.accumulate(try put(g, &pool), into: into, count: n, negated: negated)
                let expected = TensorStorage(start)
                cpu.accumulate(TensorStorage(g), into: expected, negated: negated)
                return (try get(into, n), expected.array)
            }
            record("accumulate\(negated ? " negated" : "")", ["seer_accumulate"], out, expected, tolerance: 1e-6)
        }
        let (scaled, expectedScaled) = try freeing { pool in
            let x = try put(start, &pool)
            try kernels.scaleInPlace(x, count: n, by: 0.37)
            let expected = TensorStorage(start)
            cpu.scaleInPlace(expected, by: 0.37)
            return (try get(x, n), expected.array)
        }
        record("scale in place", ["seer_scale_in_place"], scaled, expectedScaled, tolerance: 1e-6)
        let sum = try freeing { pool in try kernels.sumOfSquares(try put(g, &pool), count: n) }
        let expectedSum = cpu.sumOfSquares(TensorStorage(g))
        checks.append(KernelCheck(name: "sum of squares", kernels: ["seer_sum_of_squares"], error: abs(sum - expectedSum) / max(1, expectedSum),
                                  tolerance: 1e-9))
        var finiteRight = try freeing { pool in try kernels.allFinite(try put(g, &pool), count: n) }
        for bad in [Float.nan, .infinity, -.infinity] {
            var values = g
            values[n - 3] = bad
            finiteRight = try finiteRight && !freeing { pool in try kernels.allFinite(try put(values, &pool), count: n) }
        }
        checks.append(KernelCheck(name: "all finite (finite, NaN, ±inf)", kernels: ["seer_any_non_finite"], error: finiteRight ? 0 : 1,
                                  tolerance: 0))
    }

    private mutating func optimisers() throws {
        let n = 777
        let w = random(n, seed: 3), g = random(n, seed: 4), m = random(n, seed: 5, low: -0.1, high: 0.1)
        let v = random(n, seed: 6, low: 0, high: 0.2), mask = (0..<n).map { Float($0 % 3 == 0 ? 0 : 1) }
        for decoupled in [false, true] {
            let state = AdamState(values: TensorStorage(w), gradients: TensorStorage(g), decayMask: TensorStorage(mask),
                                  firstMoment: TensorStorage(m), secondMoment: TensorStorage(v), beta1: 0.9, beta2: 0.999,
                                  epsilon: 1e-8, weightDecay: 0.1, decoupled: decoupled)
            cpu.adamStep(state, learningRate: 0.01, step: 7)
            let out = try freeing { pool in
                let dw = try put(w, &pool), dm = try put(m, &pool), dv = try put(v, &pool)
                try kernels.adamStep(values: dw, gradients: try put(g, &pool), decayMask: try put(mask, &pool), firstMoment: dm,
                                     secondMoment: dv, count: n, learningRate: 0.01, step: 7, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                                     weightDecay: 0.1, decoupled: decoupled)
                return try get(dw, n) + get(dm, n) + get(dv, n)
            }
            record(decoupled ? "AdamW step" : "Adam step", ["seer_adam_step"], out,
                   state.values.array + state.firstMoment.array + state.secondMoment.array, tolerance: 1e-6)
        }
        let cw = TensorStorage(w), cv = TensorStorage(m)
        cpu.sgdStep(values: cw, gradients: TensorStorage(g), decayMask: TensorStorage(mask), velocity: cv, learningRate: 0.05,
                    momentum: 0.9, weightDecay: 0.01)
        let sgd = try freeing { pool in
            let dw = try put(w, &pool), velocity = try put(m, &pool)
            try kernels.sgdStep(values: dw, gradients: try put(g, &pool), decayMask: try put(mask, &pool), velocity: velocity, count: n,
                                learningRate: 0.05, momentum: 0.9, weightDecay: 0.01)
            return try get(dw, n) + get(velocity, n)
        }
        record("SGD step", ["seer_sgd_step"], sgd, cw.array + cv.array, tolerance: 1e-6)
        let expected = TensorStorage(m)
        cpu.movingAverage(expected, toward: TensorStorage(w), decay: 0.99)
        let average = try freeing { pool in
            let a = try put(m, &pool)
            try kernels.movingAverage(a, toward: try put(w, &pool), count: n, decay: 0.99)
            return try get(a, n)
        }
        record("moving average", ["seer_moving_average"], average, expected.array, tolerance: 1e-6)
    }

    private mutating func binary(_ op: BinaryOp, broadcastB: Bool) throws {
        let outer = 13, inner = 37, n = outer * inner, nb = broadcastB ? inner : n
        let a = random(n, seed: 7), b = random(nb, seed: 8, low: 0.5, high: 2), g = random(n, seed: 9)
        let ga0 = random(n, seed: 10), gb0 = random(nb, seed: 11)
        let expected = TensorStorage(count: n), ca = TensorStorage(ga0), cb = TensorStorage(gb0)
        cpu.binaryForward(op, TensorStorage(a), TensorStorage(b), expected, outer: outer, inner: inner, broadcastB: broadcastB)
        cpu.binaryBackward(op, TensorStorage(a), TensorStorage(b), gradOut: TensorStorage(g), gradA: ca, gradB: cb, outer: outer,
                           inner: inner, broadcastB: broadcastB)
        let (out, gradA, gradB) = try freeing { pool in
            let da = try put(a, &pool), db = try put(b, &pool), out = try put([Float](repeating: 0, count: n), &pool)
            try kernels.binaryForward(op, da, db, out, outer: outer, inner: inner, broadcastB: broadcastB)
            let gradA = try put(ga0, &pool), gradB = try put(gb0, &pool)
            try kernels.binaryBackward(op, da, db, gradOut: try put(g, &pool), gradA: gradA, gradB: gradB, outer: outer, inner: inner,
                                       broadcastB: broadcastB)
            return (try get(out, n), try get(gradA, n), try get(gradB, nb))
        }
        let name = "binary \(op)\(broadcastB ? " broadcast" : "")"
        record(name + " forward", ["seer_binary_forward"], out, expected.array, tolerance: 1e-6)
        record(name + " backward", ["seer_binary_backward_a", "seer_binary_backward_b"], gradA + gradB, ca.array + cb.array, tolerance: 1e-5)
    }

    private mutating func reductions() throws {
        let outer = 5, dim = 9, inner = 31
        let x = random(outer * dim * inner, seed: 12), g = random(outer * inner, seed: 13), start = random(inner, seed: 14)
        for negated in [false, true] {
            let expected = TensorStorage(start)
            cpu.reduceLeading(TensorStorage(x), into: expected, outer: outer * dim, inner: inner, negated: negated)
            let out = try freeing { pool in
                let into = try put(start, &pool)
                try kernels.reduceLeading(try put(x, &pool), into: into, outer: outer * dim, inner: inner, negated: negated)
                return try get(into, inner)
            }
            record("reduce leading\(negated ? " negated" : "")", ["seer_reduce_leading"], out, expected.array, tolerance: 1e-5)
        }
        let expectedSum = TensorStorage(count: outer * inner), expectedGrad = TensorStorage(x)
        cpu.reduceSumForward(TensorStorage(x), expectedSum, outer: outer, dim: dim, inner: inner, scale: 0.5)
        cpu.reduceSumBackward(gradOut: TensorStorage(g), gradX: expectedGrad, outer: outer, dim: dim, inner: inner, scale: 0.5)
        let (sum, grad) = try freeing { pool in
            let sum = try put([Float](repeating: 0, count: outer * inner), &pool), gradX = try put(x, &pool)
            try kernels.reduceSumForward(try put(x, &pool), sum, outer: outer, dim: dim, inner: inner, scale: 0.5)
            try kernels.reduceSumBackward(gradOut: try put(g, &pool), gradX: gradX, outer: outer, dim: dim, inner: inner, scale: 0.5)
            return (try get(sum, outer * inner), try get(gradX, x.count))
        }
        record("reduce sum forward", ["seer_reduce_sum_forward"], sum, expectedSum.array, tolerance: 1e-5)
        record("reduce sum backward", ["seer_reduce_sum_backward"], grad, expectedGrad.array, tolerance: 1e-6)

        let scaled = TensorStorage(count: g.count), scaledGrad = TensorStorage(start)
        cpu.scaleForward(TensorStorage(Array(x.prefix(g.count))), -1.5, scaled)
        cpu.scaleBackward(2, gradOut: TensorStorage(Array(g.prefix(inner))), gradX: scaledGrad)
        let (out, gradIn) = try freeing { pool in
            let out = try put(g, &pool), gradIn = try put(start, &pool)
            try kernels.scaleForward(try put(x, &pool), -1.5, out, count: g.count)
            try kernels.scaleBackward(2, gradOut: try put(g, &pool), gradX: gradIn, count: inner)
            return (try get(out, g.count), try get(gradIn, inner))
        }
        record("scale forward", ["seer_scale_forward"], out, scaled.array, tolerance: 1e-6)
        record("scale backward", ["seer_scale_backward"], gradIn, scaledGrad.array, tolerance: 1e-6)
    }

    private mutating func activation(_ op: UnaryOp) throws {
        let n = 600
        let x = random(n, seed: 15, low: -6, high: 6), g = random(n, seed: 16), start = random(n, seed: 17)
        let expected = TensorStorage(count: n), expectedGrad = TensorStorage(start)
        cpu.unaryForward(op, TensorStorage(x), expected)
        cpu.unaryBackward(op, TensorStorage(x), expected, gradOut: TensorStorage(g), gradX: expectedGrad)
        let (out, grad) = try freeing { pool in
            let dx = try put(x, &pool), out = try put([Float](repeating: 0, count: n), &pool), grad = try put(start, &pool)
            try kernels.unaryForward(op, dx, out, count: n)
            try kernels.unaryBackward(op, dx, out, gradOut: try put(g, &pool), gradX: grad, count: n)
            return (try get(out, n), try get(grad, n))
        }
        record("\(op) forward", ["seer_unary_forward"], out, expected.array, tolerance: 1e-4)
        record("\(op) backward", ["seer_unary_backward"], grad, expectedGrad.array, tolerance: 1e-3)
    }

    private mutating func gate(_ op: UnaryOp) throws {
        let n = 700
        let gate = random(n, seed: 18, low: -5, high: 5), x = random(n, seed: 19), g = random(n, seed: 20)
        let gg0 = random(n, seed: 21), gx0 = random(n, seed: 22)
        let expected = TensorStorage(count: n), cg = TensorStorage(gg0), cx = TensorStorage(gx0)
        cpu.gatedForward(op, gate: TensorStorage(gate), TensorStorage(x), expected)
        cpu.gatedBackward(op, gate: TensorStorage(gate), TensorStorage(x), gradOut: TensorStorage(g), gradGate: cg, gradX: cx)
        let (out, grads) = try freeing { pool in
            let dgate = try put(gate, &pool), dx = try put(x, &pool), out = try put([Float](repeating: 0, count: n), &pool)
            try kernels.gatedForward(op, gate: dgate, dx, out, count: n)
            let gradGate = try put(gg0, &pool), gradX = try put(gx0, &pool)
            try kernels.gatedBackward(op, gate: dgate, dx, gradOut: try put(g, &pool), gradGate: gradGate, gradX: gradX, count: n)
            return (try get(out, n), try get(gradGate, n) + get(gradX, n))
        }
        record("\(op) gate forward", ["seer_gated_forward"], out, expected.array, tolerance: 1e-4)
        record("\(op) gate backward", ["seer_gated_backward"], grads, cg.array + cx.array, tolerance: 1e-3)
    }
}
