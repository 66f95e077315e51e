// Shape changes and data movement: reshape (shares storage), permute/transpose, slice, split
// and concatenation along any axis.

extension Tensor {
    /// The same elements with another shape of equal count (shares the storage).
    public func reshaped(_ newShape: Shape) -> Tensor {
        precondition(newShape.count == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let out = Tensor(shape: newShape, storage: storage)
        let id = trackedId
        return Tensor.record(out, inputs: self) { store, g in store.add(g, into: id) }
    }

    /// Axes reordered: output axis a is input axis `permutation[a]`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "\(permutation) is not a permutation of \(rank) axes")
        let kernels = self.kernels
        let out = Tensor(shape: Shape(permutation.map { shape[$0] }), storage: kernels.allocate(count))
        kernels.permute(storage, shape: shape.dims, permutation: permutation, out.storage, accumulate: false)
        var inverse = [Int](repeating: 0, count: rank)
        for (a, p) in permutation.enumerated() { inverse[p] = a }
        let outDims = out.shape.dims, id = trackedId, n = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: n) { kernels.permute(g, shape: outDims, permutation: inverse, gx, accumulate: true) }
        }
    }

    /// Two axes swapped.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var permutation = Array(0..<rank)
        permutation.swapAt(shape.axis(a), shape.axis(b))
        return permuted(permutation)
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = shape.axis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a], "slice \(range) outside axis \(a) of \(shape)")
        let (outer, dim, inner) = shape.split(at: a)
        var dims = shape.dims
        dims[a] = range.count
        let kernels = self.kernels
        let out = Tensor(shape: Shape(dims), storage: kernels.allocate(outer * range.count * inner))
        kernels.copyAxisRange(storage, srcDim: dim, srcStart: range.lowerBound, out.storage, dstDim: range.count, dstStart: 0,
                              length: range.count, outer: outer, inner: inner, accumulate: false)
        let id = trackedId, n = count
        return Tensor.record(out, inputs: self) { store, g in
            guard let gx = store.buffer(id, count: n) else { return }
            kernels.copyAxisRange(g, srcDim: range.count, srcStart: 0, gx, dstDim: dim, dstStart: range.lowerBound,
                                  length: range.count, outer: outer, inner: inner, accumulate: true)
        }
    }

    /// Consecutive pieces of the given sizes along `axis`.
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let a = shape.axis(axis)
        precondition(sizes.reduce(0, +) == shape[a], "split sizes \(sizes) do not add up to \(shape[a])")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start..<(start + size))
        }
    }

    /// `tensors` joined along `axis` (all other axes equal).
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "nothing to concatenate")
        let first = tensors[0]
        let a = first.shape.axis(axis)
        for t in tensors {
            var d1 = t.shape.dims, d0 = first.shape.dims
            d1[a] = 0
            d0[a] = 0
            precondition(d1 == d0, "cannot concatenate \(t.shape) with \(first.shape) along axis \(a)")
        }
        let total = tensors.reduce(0) { $0 + $1.shape[a] }
        var dims = first.shape.dims
        dims[a] = total
        let (outer, _, inner) = first.shape.split(at: a)
        let kernels = first.kernels
        let out = Tensor(shape: Shape(dims), storage: kernels.allocate(outer * total * inner))
        var parts: [(count: Int, id: Int?, start: Int, length: Int)] = []  // sizes only: inputs are not kept
        var start = 0
        for t in tensors {
            let length = t.shape[a]
            kernels.copyAxisRange(t.storage, srcDim: length, srcStart: 0, out.storage, dstDim: total, dstStart: start,
                                  length: length, outer: outer, inner: inner, accumulate: false)
            parts.append((t.count, t.trackedId, start, length))
            start += length
        }
        return record(out, inputs: tensors) { store, g in
            for part in parts {
                guard let gx = store.buffer(part.id, count: part.count) else { continue }
                kernels.copyAxisRange(g, srcDim: total, srcStart: part.start, gx, dstDim: part.length, dstStart: 0,
                                      length: part.length, outer: outer, inner: inner, accumulate: true)
            }
        }
    }
}
