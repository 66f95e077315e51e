// Typed launches of layout.cu: dropout, the embedding gather and scatter-add, axis-range copies,
// permutations and the starting rows of an accumulated product. Index arrays (embedding rows, a
// permutation's shape and strides) are uploaded per call and freed after it.

extension CUDAKernels {
    public func dropoutForward(_ x: DevicePointer, _ out: DevicePointer, mask: DevicePointer, count: Int, probability: Float,
                               seed: UInt64) throws {
        try device.launch("seer_dropout_forward", grid: KernelGrid.blocks(for: count), [
            .pointer(x), .pointer(out), .pointer(mask), .long(count), .float(probability), .long(Int(bitPattern: UInt(seed))),
        ])
    }

    public func dropoutBackward(mask: DevicePointer, gradOut: DevicePointer, gradX: DevicePointer, count: Int) throws {
        try device.launch("seer_dropout_backward", grid: KernelGrid.blocks(for: count), [.pointer(mask), .pointer(gradOut), .pointer(gradX), .long(count)])
    }

    public func embeddingForward(_ table: DevicePointer, indices: [Int32], _ out: DevicePointer, d: Int) throws {
        let deviceIndices = try device.copyToDevice(indices)
        defer { device.free(deviceIndices) }
        try device.launch("seer_embedding_forward", grid: KernelGrid.blocks(for: indices.count * d), [
            .pointer(table), .pointer(deviceIndices), .pointer(out), .long(indices.count), .long(d),
        ])
    }

    public func embeddingBackward(indices: [Int32], gradOut: DevicePointer, gradTable: DevicePointer, d: Int) throws {
        let deviceIndices = try device.copyToDevice(indices)
        defer { device.free(deviceIndices) }
        try device.launch("seer_embedding_backward", grid: KernelGrid.blocks(for: d), [
            .pointer(deviceIndices), .pointer(gradOut), .pointer(gradTable), .long(indices.count), .long(d),
        ])
    }

    public func copyAxisRange(_ src: DevicePointer, srcDim: Int, srcStart: Int, _ dst: DevicePointer, dstDim: Int, dstStart: Int,
                              length: Int, outer: Int, inner: Int, accumulate: Bool) throws {
        try device.launch("seer_copy_axis_range", grid: KernelGrid.blocks(for: outer * length * inner), [
            .pointer(src), .long(srcDim), .long(srcStart), .pointer(dst), .long(dstDim), .long(dstStart), .long(length), .long(outer),
            .long(inner), .int(accumulate ? 1 : 0),
        ])
    }

    /// out's axis a is x's axis permutation[a] (x has `shape`).
    public func permute(_ x: DevicePointer, shape: [Int], permutation: [Int], _ out: DevicePointer, accumulate: Bool) throws {
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        for a in stride(from: rank - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * shape[a + 1] }
        let layout = try device.copyToDevice(permutation.map { shape[$0] } + permutation.map { strides[$0] })
        defer { device.free(layout) }
        let total = shape.reduce(1, *)
        try device.launch("seer_permute", grid: KernelGrid.blocks(for: total), [
            .pointer(x), .pointer(out), .pointer(layout), .int(Int32(rank)), .long(total), .int(accumulate ? 1 : 0),
        ])
    }

    /// out[r, j] = bias[j] + residual[r·residualStride + residualOffset + j]; bias or residual 0 when absent.
    public func fillRows(_ out: DevicePointer, rows: Int, n: Int, bias: DevicePointer, residual: DevicePointer, residualOffset: Int,
                         residualStride: Int) throws {
        try device.launch("seer_fill_rows", grid: KernelGrid.blocks(for: rows * n), [
            .pointer(out), .long(rows), .long(n), .pointer(bias), .pointer(residual == 0 ? 0 : residual + DevicePointer(residualOffset * 4)),
            .long(residualStride),
        ])
    }
}
