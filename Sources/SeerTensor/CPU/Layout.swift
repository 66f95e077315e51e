// Data movement: copying a range along one axis (the basis of slice, split and concat) and
// permuting axes (transpose). Blocks that stay contiguous are moved whole.

extension CPUBackend {
    // src: [outer, srcDim, inner] → dst: [outer, dstDim, inner], rows srcStart..<+length → dstStart..<+length
    public func copyAxisRange(_ src: TensorStorage, srcDim: Int, srcStart: Int, _ dst: TensorStorage, dstDim: Int, dstStart: Int,
                              length: Int, outer: Int, inner: Int, accumulate: Bool) {
        let ps = src.pointer, pd = dst.pointer
        let block = length * inner
        Parallelism.forEachChunk(outer, grain: max(1, (1 << 14) / max(1, block))) { range in
            for o in range {
                let s = ps + (o * srcDim + srcStart) * inner, d = pd + (o * dstDim + dstStart) * inner
                if accumulate {
                    for j in 0..<block { d[j] += s[j] }
                } else {
                    d.update(from: s, count: block)
                }
            }
        }
    }

    // out[i_{p0}, i_{p1}, …] = x[i_0, i_1, …]: out's axis a is x's axis permutation[a].
    public func permute(_ x: TensorStorage, shape: [Int], permutation: [Int], _ out: TensorStorage, accumulate: Bool) {
        let rank = shape.count
        let outShape = permutation.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for a in stride(from: rank - 2, through: 0, by: -1) { inStrides[a] = inStrides[a + 1] * shape[a + 1] }
        // Stride in x of each output axis; the innermost output axis is walked in a tight loop.
        let strides = permutation.map { inStrides[$0] }
        let innerCount = outShape.last ?? 1
        let innerStride = strides.last ?? 1
        let outerCount = outShape.dropLast().reduce(1, *)
        let px = x.pointer, po = out.pointer
        let outerShape = Array(outShape.dropLast()), outerStrides = Array(strides.dropLast())
        Parallelism.forEachChunk(outerCount, grain: max(1, (1 << 14) / max(1, innerCount))) { range in
            var index = [Int](repeating: 0, count: outerShape.count)
            for o in range {
                // Decompose o into the outer multi-index, then the source offset.
                var rest = o, offset = 0
                for a in stride(from: outerShape.count - 1, through: 0, by: -1) {
                    index[a] = rest % outerShape[a]
                    rest /= outerShape[a]
                    offset += index[a] * outerStrides[a]
                }
                let dst = po + o * innerCount, src = px + offset
                if accumulate {
                    for j in 0..<innerCount { dst[j] += src[j * innerStride] }
                } else if innerStride == 1 {
                    dst.update(from: src, count: innerCount)
                } else {
                    for j in 0..<innerCount { dst[j] = src[j * innerStride] }
                }
            }
        }
    }
}
