// Typed launches of linear_attention.cu: the decayed causal linear attention of the DiJiang and
// NT nets, in chunks of 64 steps. Forward: per-chunk state updates, a scan over chunks that
// writes the states entering each chunk (the `states` the backward reads, as on the CPU), then
// the outputs per chunk. Backward: per-chunk query terms, the reverse scan for ∂L/∂state, every
// chunk's gradients, the features' softmax backward when they came from logits, and dθ.
// Scratch is device memory of T·m·e/64 floats per head: linear in T, like the CPU's.

extension CUDAKernels {
    private func linearShape(heads: Int, groups: Int, time: Int, m: Int, e: Int) -> [KernelArgument] {
        [.long(heads), .int(Int32(groups)), .long(time), .int(Int32(m)), .int(Int32(e))]
    }

    private static func chunks(_ time: Int) -> Int { (time + linearAttentionChunkLength - 1) / linearAttentionChunkLength }

    /// Backend.linearAttentionForward on the device; `logits` (0 when absent) is the joint
    /// feature tensor whose softmax rows of m are first written into q (= k).
    public func linearAttentionForward(_ q: DevicePointer, _ k: DevicePointer, _ v: DevicePointer, theta: DevicePointer, _ o: DevicePointer,
                                       states: DevicePointer, heads: Int, groups: Int, time: Int, m: Int, e: Int, featureStride: Int,
                                       keyOffset: Int, logits: DevicePointer) throws {
        guard heads > 0, time > 0, m > 0, e > 0 else { return }
        if logits != 0 {
            precondition(q == k, "features from logits need one joint feature tensor")
            try softmaxForward(logits, q, rows: heads / groups * time * featureStride / m, n: m, log: false)
        }
        let chunks = Self.chunks(time), shape = linearShape(heads: heads, groups: groups, time: time, m: m, e: e)
        let updates = try device.allocate(bytes: 4 * heads * chunks * m * e)
        defer { device.free(updates) }
        try device.launch("seer_linear_attention_chunk_state", grid: Self.rowBlocks(heads * chunks),
                          [.pointer(k), .pointer(v), .pointer(theta), .pointer(updates)] + shape + [.long(featureStride), .long(keyOffset)])
        try device.launch("seer_linear_attention_scan", grid: KernelGrid.blocks(for: heads * m * e),
                          [.pointer(updates), .pointer(theta), .pointer(states)] + shape)
        try device.launch("seer_linear_attention_output", grid: Self.rowBlocks(heads * chunks),
                          [.pointer(q), .pointer(k), .pointer(v), .pointer(theta), .pointer(states), .pointer(o)] + shape
                          + [.long(featureStride), .long(keyOffset)])
    }

    /// Backend.linearAttentionBackward on the device: adds into gradQ, gradK, gradV and (unless 0) gradTheta.
    public func linearAttentionBackward(_ q: DevicePointer, _ k: DevicePointer, _ v: DevicePointer, theta: DevicePointer,
                                        states: DevicePointer, gradO: DevicePointer, gradQ: DevicePointer, gradK: DevicePointer,
                                        gradV: DevicePointer, gradTheta: DevicePointer, heads: Int, groups: Int, time: Int, m: Int, e: Int,
                                        featureStride: Int, keyOffset: Int, throughSoftmax: Bool) throws {
        guard heads > 0, time > 0, m > 0, e > 0 else { return }
        let chunks = Self.chunks(time), shape = linearShape(heads: heads, groups: groups, time: time, m: m, e: e)
        var scratch: [DevicePointer] = []
        defer { scratch.forEach(device.free) }
        func allocate(_ bytes: Int) throws -> DevicePointer {
            scratch.append(try device.allocate(bytes: bytes))
            return scratch.last!
        }
        let updates = try allocate(4 * heads * chunks * m * e), following = try allocate(4 * heads * chunks * m * e)
        let partials = try allocate(8 * heads * chunks)
        let features = throughSoftmax ? try allocate(4 * heads * time * 2 * m) : 0
        if features != 0 { try device.fill(features, pattern: 0, count: heads * time * 2 * m) }
        try device.launch("seer_linear_attention_chunk_query_state", grid: Self.rowBlocks(heads * chunks),
                          [.pointer(q), .pointer(gradO), .pointer(theta), .pointer(updates)] + shape + [.long(featureStride)])
        try device.launch("seer_linear_attention_reverse_scan", grid: KernelGrid.blocks(for: heads * m * e),
                          [.pointer(updates), .pointer(theta), .pointer(following)] + shape)
        try device.launch("seer_linear_attention_backward_chunk", grid: Self.rowBlocks(heads * chunks), [
            .pointer(q), .pointer(k), .pointer(v), .pointer(theta), .pointer(states), .pointer(following), .pointer(gradO), .pointer(gradQ),
            .pointer(gradK), .pointer(gradV), .pointer(features), .pointer(partials),
        ] + shape + [.long(featureStride), .long(keyOffset)])
        if throughSoftmax {
            try device.launch("seer_linear_attention_softmax_backward", grid: KernelGrid.blocks(for: heads * time * 2), [
                .pointer(q), .pointer(k), .pointer(features), .pointer(gradQ), .pointer(gradK), .long(heads), .int(Int32(groups)),
                .long(time), .int(Int32(m)), .long(featureStride), .long(keyOffset),
            ])
        }
        if gradTheta != 0 {
            try device.launch("seer_linear_attention_theta", grid: KernelGrid.blocks(for: groups), [
                .pointer(partials), .pointer(theta), .pointer(gradTheta), .long(heads), .int(Int32(groups)), .long(time),
            ])
        }
    }
}
