// Matrix products: a [..., m, k] times either a shared b [k, n] (a weight) or a batched
// b [..., k, n] with the same leading axes; either operand may be transposed in its last two axes.

extension Tensor {
    /// `op(self) · op(other)` over the last two axes.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul needs rank ≥ 2 operands, got \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[rank - 1] : shape[rank - 2]
        let k = transposeSelf ? shape[rank - 2] : shape[rank - 1]
        let kb = transposeOther ? other.shape[other.rank - 1] : other.shape[other.rank - 2]
        let n = transposeOther ? other.shape[other.rank - 2] : other.shape[other.rank - 1]
        precondition(k == kb, "matmul inner dimensions differ: \(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : "")")
        let leading = Array(shape.dims.dropLast(2))
        let batch = leading.reduce(1, *)
        let shared = other.rank == 2
        if !shared {
            precondition(Array(other.shape.dims.dropLast(2)) == leading, "batched matmul needs equal leading axes: \(shape) · \(other.shape)")
        }
        let out = Tensor(shape: Shape(leading + [m, n]), storage: TensorStorage(count: batch * m * n))
        let kernels = self.kernels
        kernels.matmulForward(storage, other.storage, out.storage, batch: batch, m: m, n: n, k: k,
                              transA: transposeSelf, transB: transposeOther, sharedB: shared)
        let sa = storage, sb = other.storage, ia = trackedId, ib = other.trackedId
        let ta = transposeSelf, tb = transposeOther
        return Tensor.record(out, inputs: self, other) { store, g in
            kernels.matmulBackward(sa, sb, gradC: g, gradA: store.buffer(ia, count: sa.count), gradB: store.buffer(ib, count: sb.count),
                                   batch: batch, m: m, n: n, k: k, transA: ta, transB: tb, sharedB: shared)
        }
    }
}
