// Typed launches of the CUDA kernels: one Swift function per kernel (or per Backend operation
// that takes two), with the grid sizing and the operation codes the .cu files expect. The CUDA
// backend calls these; the tests call them on the CPU emulator and compare with CPUBackend.
// Storages are device pointers here; counts are elements.
#if canImport(Glibc)
import Glibc
#endif

/// The kernels of training.cu and elementwise.cu on one device.
public struct CUDAKernels: Sendable {
    public let device: any KernelDevice

    public init(device: any KernelDevice) { self.device = device }

    // MARK: training state (training.cu)

    public func accumulate(_ g: DevicePointer, into: DevicePointer, count: Int, negated: Bool) throws {
        try device.launch("seer_accumulate", grid: KernelGrid.blocks(for: count), [.pointer(g), .pointer(into), .long(count), .int(negated ? 1 : 0)])
    }

    public func scaleInPlace(_ x: DevicePointer, count: Int, by factor: Float) throws {
        try device.launch("seer_scale_in_place", grid: KernelGrid.blocks(for: count), [.pointer(x), .float(factor), .long(count)])
    }

    /// Σ x[i]², accumulated in double on the device; one 8-byte scratch buffer per call.
    public func sumOfSquares(_ x: DevicePointer, count: Int) throws -> Double {
        let sum = try device.allocate(bytes: 8)
        defer { device.free(sum) }
        try device.fill(sum, pattern: 0, count: 2)
        try device.launch("seer_sum_of_squares", grid: KernelGrid.blocks(for: count), [.pointer(x), .long(count), .pointer(sum)])
        var result = 0.0
        try device.download(sum, to: &result, bytes: 8)
        return result
    }

    public func allFinite(_ x: DevicePointer, count: Int) throws -> Bool {
        let flag = try device.allocate(bytes: 4)
        defer { device.free(flag) }
        try device.fill(flag, pattern: 0, count: 1)
        try device.launch("seer_any_non_finite", grid: KernelGrid.blocks(for: count), [.pointer(x), .long(count), .pointer(flag)])
        var bad: Int32 = 0
        try device.download(flag, to: &bad, bytes: 4)
        return bad == 0
    }

    /// One Adam/AdamW step over `count` parameters (see Backend.adamStep); the bias corrections
    /// are computed here, once, as the CPU does.
    public func adamStep(values: DevicePointer, gradients: DevicePointer, decayMask: DevicePointer, firstMoment: DevicePointer,
                         secondMoment: DevicePointer, count: Int, learningRate: Float, step t: Int, beta1: Float, beta2: Float,
                         epsilon: Float, weightDecay: Float, decoupled: Bool) throws {
        let correction1 = 1 - powf(beta1, Float(t)), correction2 = 1 - powf(beta2, Float(t))
        try device.launch("seer_adam_step", grid: KernelGrid.blocks(for: count), [
            .pointer(values), .pointer(gradients), .pointer(decayMask), .pointer(firstMoment), .pointer(secondMoment), .long(count),
            .float(learningRate), .float(learningRate / correction1), .float(1 / correction2.squareRoot()), .float(beta1), .float(beta2),
            .float(epsilon), .float(weightDecay), .int(decoupled ? 1 : 0),
        ])
    }

    public func sgdStep(values: DevicePointer, gradients: DevicePointer, decayMask: DevicePointer, velocity: DevicePointer, count: Int,
                        learningRate: Float, momentum: Float, weightDecay: Float) throws {
        try device.launch("seer_sgd_step", grid: KernelGrid.blocks(for: count), [
            .pointer(values), .pointer(gradients), .pointer(decayMask), .pointer(velocity), .long(count),
            .float(learningRate), .float(momentum), .float(weightDecay),
        ])
    }

    public func movingAverage(_ average: DevicePointer, toward values: DevicePointer, count: Int, decay: Float) throws {
        try device.launch("seer_moving_average", grid: KernelGrid.blocks(for: count), [.pointer(average), .pointer(values), .long(count), .float(decay)])
    }

    // MARK: element-wise (elementwise.cu)

    public func binaryForward(_ op: BinaryOp, _ a: DevicePointer, _ b: DevicePointer, _ out: DevicePointer, outer: Int, inner: Int,
                              broadcastB: Bool) throws {
        try device.launch("seer_binary_forward", grid: KernelGrid.blocks(for: outer * inner), [
            .int(op.kernelCode), .pointer(a), .pointer(b), .pointer(out), .long(outer), .long(inner), .int(broadcastB ? 1 : 0),
        ])
    }

    /// gradA and gradB are 0 when not wanted.
    public func binaryBackward(_ op: BinaryOp, _ a: DevicePointer, _ b: DevicePointer, gradOut: DevicePointer, gradA: DevicePointer,
                               gradB: DevicePointer, outer: Int, inner: Int, broadcastB: Bool) throws {
        if gradA != 0 {
            try device.launch("seer_binary_backward_a", grid: KernelGrid.blocks(for: outer * inner), [
                .int(op.kernelCode), .pointer(b), .pointer(gradOut), .pointer(gradA), .long(outer), .long(inner), .int(broadcastB ? 1 : 0),
            ])
        }
        if gradB != 0 {
            try device.launch("seer_binary_backward_b", grid: KernelGrid.blocks(for: broadcastB ? inner : outer * inner), [
                .int(op.kernelCode), .pointer(a), .pointer(b), .pointer(gradOut), .pointer(gradB), .long(outer), .long(inner),
                .int(broadcastB ? 1 : 0),
            ])
        }
    }

    public func reduceLeading(_ g: DevicePointer, into: DevicePointer, outer: Int, inner: Int, negated: Bool) throws {
        try device.launch("seer_reduce_leading", grid: KernelGrid.blocks(for: inner), [
            .pointer(g), .pointer(into), .long(outer), .long(inner), .int(negated ? 1 : 0),
        ])
    }

    public func scaleForward(_ x: DevicePointer, _ s: Float, _ out: DevicePointer, count: Int) throws {
        try device.launch("seer_scale_forward", grid: KernelGrid.blocks(for: count), [.pointer(x), .float(s), .pointer(out), .long(count)])
    }

    public func scaleBackward(_ s: Float, gradOut: DevicePointer, gradX: DevicePointer, count: Int) throws {
        try device.launch("seer_scale_backward", grid: KernelGrid.blocks(for: count), [.float(s), .pointer(gradOut), .pointer(gradX), .long(count)])
    }

    public func reduceSumForward(_ x: DevicePointer, _ out: DevicePointer, outer: Int, dim: Int, inner: Int, scale: Float) throws {
        try device.launch("seer_reduce_sum_forward", grid: KernelGrid.blocks(for: outer * inner), [
            .pointer(x), .pointer(out), .long(outer), .long(dim), .long(inner), .float(scale),
        ])
    }

    public func reduceSumBackward(gradOut: DevicePointer, gradX: DevicePointer, outer: Int, dim: Int, inner: Int, scale: Float) throws {
        try device.launch("seer_reduce_sum_backward", grid: KernelGrid.blocks(for: outer * dim * inner), [
            .pointer(gradOut), .pointer(gradX), .long(outer), .long(dim), .long(inner), .float(scale),
        ])
    }

    public func unaryForward(_ op: UnaryOp, _ x: DevicePointer, _ out: DevicePointer, count: Int) throws {
        try device.launch("seer_unary_forward", grid: KernelGrid.blocks(for: count), [.int(op.kernelCode), .pointer(x), .pointer(out), .long(count)])
    }

    public func unaryBackward(_ op: UnaryOp, _ x: DevicePointer, _ out: DevicePointer, gradOut: DevicePointer, gradX: DevicePointer,
                              count: Int) throws {
        try device.launch("seer_unary_backward", grid: KernelGrid.blocks(for: count), [
            .int(op.kernelCode), .pointer(x), .pointer(out), .pointer(gradOut), .pointer(gradX), .long(count),
        ])
    }

    public func gatedForward(_ op: UnaryOp, gate: DevicePointer, _ x: DevicePointer, _ out: DevicePointer, count: Int) throws {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        try device.launch("seer_gated_forward", grid: KernelGrid.blocks(for: count), [
            .int(op.kernelCode), .pointer(gate), .pointer(x), .pointer(out), .long(count),
        ])
    }

    /// gradGate and gradX are 0 when not wanted.
    public func gatedBackward(_ op: UnaryOp, gate: DevicePointer, _ x: DevicePointer, gradOut: DevicePointer, gradGate: DevicePointer,
                              gradX: DevicePointer, count: Int) throws {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        guard gradGate != 0 || gradX != 0 else { return }
        try device.launch("seer_gated_backward", grid: KernelGrid.blocks(for: count), [
            .int(op.kernelCode), .pointer(gate), .pointer(x), .pointer(gradOut), .pointer(gradGate), .pointer(gradX), .long(count),
        ])
    }
}

extension BinaryOp {
    /// The operation's code in elementwise.cu.
    var kernelCode: Int32 {
        switch self {
        case .add: return 0
        case .sub: return 1
        case .mul: return 2
        case .div: return 3
        }
    }
}

extension UnaryOp {
    /// The activation's code in elementwise.cu.
    var kernelCode: Int32 {
        switch self {
        case .gelu: return 0
        case .silu: return 1
        case .tanh: return 2
        case .sigmoid: return 3
        case .relu: return 4
        }
    }
}
