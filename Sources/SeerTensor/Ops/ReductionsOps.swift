// Sums and means over one axis (the axis disappears) or over everything (a one-element tensor).

extension Tensor {
    /// Sum over `axis` (negative counts from the end); the axis is removed.
    public func sum(axis: Int) -> Tensor { reduce(axis: axis, mean: false) }

    /// Mean over `axis`; the axis is removed.
    public func mean(axis: Int) -> Tensor { reduce(axis: axis, mean: true) }

    /// Sum of all elements, shape [1].
    public func sum() -> Tensor { reshaped([1, count]).reduce(axis: 1, mean: false) }

    /// Mean of all elements, shape [1].
    public func mean() -> Tensor { reshaped([1, count]).reduce(axis: 1, mean: true) }

    func reduce(axis: Int, mean: Bool) -> Tensor {
        let a = shape.axis(axis)
        let (outer, dim, inner) = shape.split(at: a)
        var dims = shape.dims
        dims.remove(at: a)
        let scale: Float = mean ? 1 / Float(max(1, dim)) : 1
        let out = Tensor(shape: Shape(dims), storage: kernels.allocate(outer * inner))
        let kernels = self.kernels
        kernels.reduceSumForward(storage, out.storage, outer: outer, dim: dim, inner: inner, scale: scale)
        let id = trackedId, n = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: n) {
                kernels.reduceSumBackward(gradOut: g, gradX: gx, outer: outer, dim: dim, inner: inner, scale: scale)
            }
        }
    }
}
