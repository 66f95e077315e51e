// Typed launches of rows.cu: softmax, LayerNorm, RMSNorm and the RMS-normalised gate. One block
// per row (the grid is capped and the kernels loop over the rest); the γ/β gradients run one
// thread per column. Optional gradients are 0 when not wanted.

extension CUDAKernels {
    /// Blocks for a kernel that gives each row one block.
    static func rowBlocks(_ rows: Int) -> Int { min(KernelGrid.maximumBlocks, max(1, rows)) }

    public func softmaxForward(_ x: DevicePointer, _ out: DevicePointer, rows: Int, n: Int, log: Bool) throws {
        try device.launch("seer_softmax_forward", grid: Self.rowBlocks(rows), [.pointer(x), .pointer(out), .long(rows), .long(n), .int(log ? 1 : 0)])
    }

    public func softmaxBackward(_ out: DevicePointer, gradOut: DevicePointer, gradX: DevicePointer, rows: Int, n: Int, log: Bool) throws {
        try device.launch("seer_softmax_backward", grid: Self.rowBlocks(rows), [
            .pointer(out), .pointer(gradOut), .pointer(gradX), .long(rows), .long(n), .int(log ? 1 : 0),
        ])
    }

    public func layerNormForward(_ x: DevicePointer, gamma: DevicePointer, beta: DevicePointer, _ out: DevicePointer, mean: DevicePointer,
                                 rstd: DevicePointer, rows: Int, n: Int, epsilon: Float) throws {
        try device.launch("seer_layer_norm_forward", grid: Self.rowBlocks(rows), [
            .pointer(x), .pointer(gamma), .pointer(beta), .pointer(out), .pointer(mean), .pointer(rstd), .long(rows), .long(n), .float(epsilon),
        ])
    }

    public func layerNormBackward(_ x: DevicePointer, gamma: DevicePointer, mean: DevicePointer, rstd: DevicePointer, gradOut: DevicePointer,
                                  gradX: DevicePointer, gradGamma: DevicePointer, gradBeta: DevicePointer, rows: Int, n: Int) throws {
        if gradX != 0 {
            try device.launch("seer_layer_norm_backward_x", grid: Self.rowBlocks(rows), [
                .pointer(x), .pointer(gamma), .pointer(mean), .pointer(rstd), .pointer(gradOut), .pointer(gradX), .long(rows), .long(n),
            ])
        }
        if gradGamma != 0 || gradBeta != 0 {
            try device.launch("seer_layer_norm_backward_parameters", grid: KernelGrid.blocks(for: n), [
                .pointer(x), .pointer(mean), .pointer(rstd), .pointer(gradOut), .pointer(gradGamma), .pointer(gradBeta), .long(rows), .long(n),
            ])
        }
    }

    public func rmsNormForward(_ x: DevicePointer, gamma: DevicePointer, _ out: DevicePointer, rstd: DevicePointer, rows: Int, n: Int,
                               epsilon: Float) throws {
        try device.launch("seer_rms_norm_forward", grid: Self.rowBlocks(rows), [
            .pointer(x), .pointer(gamma), .pointer(out), .pointer(rstd), .long(rows), .long(n), .float(epsilon),
        ])
    }

    public func rmsNormBackward(_ x: DevicePointer, gamma: DevicePointer, rstd: DevicePointer, gradOut: DevicePointer, gradX: DevicePointer,
                                gradGamma: DevicePointer, rows: Int, n: Int) throws {
        if gradX != 0 {
            try device.launch("seer_rms_norm_backward_x", grid: Self.rowBlocks(rows), [
                .pointer(x), .pointer(gamma), .pointer(rstd), .pointer(gradOut), .pointer(gradX), .long(rows), .long(n),
            ])
        }
        if gradGamma != 0 {
            try device.launch("seer_rms_norm_backward_gamma", grid: KernelGrid.blocks(for: n), [
                .pointer(x), .pointer(rstd), .pointer(gradOut), .pointer(gradGamma), .long(rows), .long(n),
            ])
        }
    }

    public func normalizedGatedForward(_ op: UnaryOp, gate: DevicePointer, _ x: DevicePointer, _ out: DevicePointer, rstd: DevicePointer,
                                       rows: Int, n: Int, epsilon: Float) throws {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        try device.launch("seer_normalized_gated_forward", grid: Self.rowBlocks(rows), [
            .int(op.kernelCode), .pointer(gate), .pointer(x), .pointer(out), .pointer(rstd), .long(rows), .long(n), .float(epsilon),
        ])
    }

    public func normalizedGatedBackward(_ op: UnaryOp, gate: DevicePointer, _ x: DevicePointer, rstd: DevicePointer, gradOut: DevicePointer,
                                        gradGate: DevicePointer, gradX: DevicePointer, rows: Int, n: Int) throws {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        guard gradGate != 0 || gradX != 0 else { return }
        try device.launch("seer_normalized_gated_backward", grid: Self.rowBlocks(rows), [
            .int(op.kernelCode), .pointer(gate), .pointer(x), .pointer(rstd), .pointer(gradOut), .pointer(gradGate), .pointer(gradX),
            .long(rows), .long(n),
        ])
    }
}
