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

    /// a·wᵀ + b·vᵀ for weights w [n, k₁] and v [n, k₂] in `Linear`'s layout (a: [..., k₁],
    /// b: [..., k₂] with the same leading axes): the second product accumulates into the first's
    /// output (GEMM with β = 1), so the sum costs no separate pass and no second buffer.
    public static func sumOfProducts(_ a: Tensor, _ w: Tensor, _ b: Tensor, _ v: Tensor) -> Tensor {
        precondition(w.rank == 2 && v.rank == 2 && w.shape[0] == v.shape[0], "weights \(w.shape) and \(v.shape) must be [n, k]")
        let k1 = w.shape[1], k2 = v.shape[1], n = w.shape[0]
        precondition(a.shape.dims.last == k1 && b.shape.dims.last == k2 && Array(a.shape.dims.dropLast()) == Array(b.shape.dims.dropLast()),
                     "sumOfProducts: \(a.shape)·\(w.shape)ᵀ and \(b.shape)·\(v.shape)ᵀ do not line up")
        let rows = a.count / k1
        let out = Tensor(shape: Shape(Array(a.shape.dims.dropLast()) + [n]), storage: TensorStorage(count: rows * n))
        let kernels = a.kernels
        kernels.matmulForward(a.storage, w.storage, out.storage, batch: 1, m: rows, n: n, k: k1, transA: false, transB: true, sharedB: true)
        kernels.matmulAccumulateTransposedB(b.storage, v.storage, out.storage, rows: rows, n: n, k: k2)
        let sa = a.storage, sw = w.storage, sb = b.storage, sv = v.storage
        let ia = a.trackedId, iw = w.trackedId, ib = b.trackedId, iv = v.trackedId
        return record(out, inputs: a, w, b, v) { store, g in
            kernels.matmulBackward(sa, sw, gradC: g, gradA: store.buffer(ia, count: sa.count), gradB: store.buffer(iw, count: sw.count),
                                   batch: 1, m: rows, n: n, k: k1, transA: false, transB: true, sharedB: true)
            kernels.matmulBackward(sb, sv, gradC: g, gradA: store.buffer(ib, count: sb.count), gradB: store.buffer(iv, count: sv.count),
                                   batch: 1, m: rows, n: n, k: k2, transA: false, transB: true, sharedB: true)
        }
    }
}
