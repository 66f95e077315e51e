// Typed launches of attention.cu: causal softmax attention, forward (streamed, optionally writing
// the probabilities) and backward (D = rowwise dO·O, then dQ by query rows and dK, dV by key
// rows). Pointers are the operands' bases; `layout` places each head's rows as on the CPU.

extension CUDAKernels {
    /// The widest head the attention kernels take: one thread per column of a 256-thread block.
    public static let maximumAttentionHeadWidth = 256

    private static func checkHeadWidth(_ d: Int) throws(KernelLimitError) {
        guard (1...maximumAttentionHeadWidth).contains(d) else {
            throw KernelLimitError(message: "an attention head of width \(d) is beyond the CUDA kernels' 1…\(maximumAttentionHeadWidth); "
                                   + "use more heads or train this model on the CPU")
        }
    }

    /// The launch arguments the three row-wise kernels share after their pointers.
    private func shape(heads: Int, time: Int, d: Int, layout: AttentionLayout) -> [KernelArgument] {
        [.long(heads), .long(time), .int(Int32(d)), .int(Int32(layout.groups)), .long(layout.rowStride), .long(layout.keyOffset),
         .long(layout.valueOffset), .long(layout.outStride), .float(1 / Float(d).squareRoot())]
    }

    /// Backend.attentionForward: `probabilities` (0 for the streamed mode) gets each row of P.
    public func attentionForward(_ q: DevicePointer, _ k: DevicePointer, _ v: DevicePointer, _ o: DevicePointer, layout: AttentionLayout,
                                 logsumexp: DevicePointer, probabilities: DevicePointer, heads: Int, time: Int, d: Int) throws {
        try Self.checkHeadWidth(d)
        guard heads > 0, time > 0 else { return }
        try device.launch("seer_attention_forward", grid: Self.rowBlocks(heads * time),
                          [.pointer(q), .pointer(k), .pointer(v), .pointer(o), .pointer(logsumexp), .pointer(probabilities)]
                          + shape(heads: heads, time: time, d: d, layout: layout))
    }

    /// Backend.attentionBackward: adds into gradQ, gradK and gradV; P is recomputed from the
    /// log-sum-exp in both modes (the stored probabilities are not needed on the GPU).
    public func attentionBackward(_ q: DevicePointer, _ k: DevicePointer, _ v: DevicePointer, _ o: DevicePointer, layout: AttentionLayout,
                                  logsumexp: DevicePointer, gradO: DevicePointer, gradQ: DevicePointer, gradK: DevicePointer,
                                  gradV: DevicePointer, heads: Int, time: Int, d: Int) throws {
        try Self.checkHeadWidth(d)
        guard heads > 0, time > 0 else { return }
        let rowDots = try device.allocate(bytes: 4 * heads * time)
        defer { device.free(rowDots) }
        try device.launch("seer_attention_row_dot", grid: KernelGrid.blocks(for: heads * time), [
            .pointer(o), .pointer(gradO), .pointer(rowDots), .long(heads), .long(time), .int(Int32(d)), .int(Int32(layout.groups)),
            .long(layout.outStride),
        ])
        let shared = shape(heads: heads, time: time, d: d, layout: layout)
        try device.launch("seer_attention_backward_query", grid: Self.rowBlocks(heads * time),
                          [.pointer(q), .pointer(k), .pointer(v), .pointer(logsumexp), .pointer(rowDots), .pointer(gradO), .pointer(gradQ)]
                          + shared)
        try device.launch("seer_attention_backward_key", grid: Self.rowBlocks(heads * time),
                          [.pointer(q), .pointer(k), .pointer(v), .pointer(logsumexp), .pointer(rowDots), .pointer(gradO), .pointer(gradK),
                           .pointer(gradV)] + shared)
    }
}
