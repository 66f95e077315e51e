// Typed launches of sequence.cu: continued-fraction ladders (one thread per ladder) and the
// causal depthwise convolution. Optional operands are 0 when absent or not wanted.
import SeerBase

/// A kernel argument outside what the CUDA kernels support (exit 69: train this model on the CPU).
public struct KernelLimitError: SeerError, Sendable {
    public let message: String
    public var kind: FailureKind { .unavailable }
    public var description: String { message }
}

extension CUDAKernels {
    /// The deepest ladder the CUDA kernel evaluates (its continuants live in a local array).
    public static let maximumLadderDepth = 32

    private static func checkDepth(_ depth: Int) throws(KernelLimitError) {
        guard (1...maximumLadderDepth).contains(depth) else {
            throw KernelLimitError(message: "a continued-fraction ladder of depth \(depth) is beyond the CUDA kernel's "
                                   + "1…\(maximumLadderDepth); train this model on the CPU")
        }
    }

    public func continuedFractionForward(_ x: DevicePointer, _ z: DevicePointer, rows: Int, ladders: Int, depth: Int, positive: Bool,
                                         epsilon: Float) throws {
        try Self.checkDepth(depth)
        try device.launch("seer_continued_fraction_forward", grid: KernelGrid.blocks(for: rows * ladders), [
            .pointer(x), .pointer(z), .long(rows * ladders), .int(Int32(depth)), .int(positive ? 1 : 0), .float(epsilon),
        ])
    }

    public func continuedFractionBackward(_ x: DevicePointer, gradZ: DevicePointer, gradX: DevicePointer, rows: Int, ladders: Int,
                                          depth: Int, positive: Bool, epsilon: Float) throws {
        try Self.checkDepth(depth)
        try device.launch("seer_continued_fraction_backward", grid: KernelGrid.blocks(for: rows * ladders), [
            .pointer(x), .pointer(gradZ), .pointer(gradX), .long(rows * ladders), .int(Int32(depth)), .int(positive ? 1 : 0), .float(epsilon),
        ])
    }

    public func causalConvForward(_ x: DevicePointer, weight: DevicePointer, bias: DevicePointer, _ y: DevicePointer, batch: Int,
                                  time: Int, channels: Int, kernel: Int) throws {
        try device.launch("seer_causal_conv_forward", grid: KernelGrid.blocks(for: batch * time * channels), [
            .pointer(x), .pointer(weight), .pointer(bias), .pointer(y), .long(batch), .long(time), .long(channels), .int(Int32(kernel)),
        ])
    }

    public func causalConvBackward(_ x: DevicePointer, weight: DevicePointer, gradY: DevicePointer, gradX: DevicePointer,
                                   gradWeight: DevicePointer, gradBias: DevicePointer, batch: Int, time: Int, channels: Int,
                                   kernel: Int) throws {
        if gradX != 0 {
            try device.launch("seer_causal_conv_backward_x", grid: KernelGrid.blocks(for: batch * time * channels), [
                .pointer(weight), .pointer(gradY), .pointer(gradX), .long(batch), .long(time), .long(channels), .int(Int32(kernel)),
            ])
        }
        if gradWeight != 0 {
            try device.launch("seer_causal_conv_backward_weight", grid: KernelGrid.blocks(for: channels * kernel), [
                .pointer(x), .pointer(gradY), .pointer(gradWeight), .long(batch), .long(time), .long(channels), .int(Int32(kernel)),
            ])
        }
        if gradBias != 0 {
            try device.launch("seer_causal_conv_backward_bias", grid: KernelGrid.blocks(for: channels), [
                .pointer(gradY), .pointer(gradBias), .long(batch), .long(time), .long(channels),
            ])
        }
    }
}
