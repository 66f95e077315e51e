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

    /// Columns `columns` of the last axis of `tensor` (all of them by default): one input block
    /// of `linear(_:weight:bias:adding:)`, read in place.
    public struct ColumnBlock {
        public let tensor: Tensor
        public let columns: Range<Int>

        public init(_ tensor: Tensor, _ columns: Range<Int>? = nil) {
            let width = tensor.shape.dims.last ?? 1
            let columns = columns ?? 0..<width
            precondition(columns.lowerBound >= 0 && columns.upperBound <= width, "columns \(columns) outside \(tensor.shape)")
            self.tensor = tensor
            self.columns = columns
        }

        var width: Int { tensor.shape.dims.last ?? 1 }
        var rows: Int { tensor.count / max(1, width) }
    }

    /// y = [x₁[…, c₁] | x₂[…, c₂] | …]·wᵀ + bias + r[…, c_r]   (w: [n, Σ|cᵢ|], bias: [n], |c_r| = n)
    ///
    /// `Linear` on the concatenation of column blocks of its inputs, with the bias and a residual
    /// added — without forming the concatenation, the column slices or any intermediate sum: the
    /// bias and residual are written into the output first, then each block is one GEMM reading
    /// its input in place (row stride = its last axis) and accumulating (β = 1). The backward
    /// writes each block's gradient in place the same way, and the residual's gradient is the
    /// output's, handed on. Every block (and the residual) has the same leading axes; the output
    /// has those and n.
    public static func linear(_ blocks: [ColumnBlock], weight: Tensor, bias: Tensor? = nil, adding residual: ColumnBlock? = nil) -> Tensor {
        precondition(!blocks.isEmpty && weight.rank == 2, "linear needs input blocks and a [n, k] weight, got \(weight.shape)")
        let n = weight.shape[0], k = weight.shape[1]
        let leading = Array(blocks[0].tensor.shape.dims.dropLast()), rows = blocks[0].rows
        precondition(blocks.reduce(0) { $0 + $1.columns.count } == k,
                     "linear: the blocks have \(blocks.map(\.columns.count)) columns, the weight \(weight.shape) takes \(k)")
        for block in blocks + (residual.map { [$0] } ?? []) {
            precondition(Array(block.tensor.shape.dims.dropLast()) == leading, "linear: \(block.tensor.shape) and \(blocks[0].tensor.shape) differ in leading axes")
        }
        if let bias { precondition(bias.rank == 1 && bias.count == n, "bias \(bias.shape) does not match the weight \(weight.shape)") }
        if let residual { precondition(residual.columns.count == n, "residual columns \(residual.columns) do not match \(n) outputs") }
        let out = Tensor(shape: Shape(leading + [n]), storage: TensorStorage(count: rows * n))
        let kernels = weight.kernels
        let prefilled = bias != nil || residual != nil
        if prefilled {
            kernels.fillRows(out.storage, rows: rows, n: n, bias: bias?.storage, residual: residual?.tensor.storage,
                             residualOffset: residual?.columns.lowerBound ?? 0, residualStride: residual?.width ?? 0)
        }
        var offset = 0
        for (i, block) in blocks.enumerated() {
            kernels.stridedMatmul(transA: false, transB: true, m: rows, n: n, k: block.columns.count,
                                  block.tensor.storage, aOffset: block.columns.lowerBound, lda: block.width,
                                  weight.storage, bOffset: offset, ldb: k, beta: i == 0 && !prefilled ? 0 : 1, out.storage, cOffset: 0, ldc: n)
            offset += block.columns.count
        }
        let parts = blocks.map { (storage: $0.tensor.storage, id: $0.tensor.trackedId, count: $0.tensor.count, start: $0.columns.lowerBound,
                                  columns: $0.columns.count, width: $0.width) }
        let sw = weight.storage, iw = weight.trackedId, ib = bias?.trackedId
        let ir = residual?.tensor.trackedId, residualCount = residual?.tensor.count ?? 0
        let residualStart = residual?.columns.lowerBound ?? 0, residualWidth = residual?.width ?? 0
        var inputs = blocks.map(\.tensor) + [weight]
        if let bias { inputs.append(bias) }
        if let residual { inputs.append(residual.tensor) }
        return record(out, inputs: inputs) { store, g in
            var offset = 0
            for part in parts {
                if let gx = store.buffer(part.id, count: part.count) {
                    // dx[…, c] += g·w[:, block]
                    kernels.stridedMatmul(transA: false, transB: false, m: rows, n: part.columns, k: n, g, aOffset: 0, lda: n,
                                          sw, bOffset: offset, ldb: k, beta: 1, gx, cOffset: part.start, ldc: part.width)
                }
                if let gw = store.buffer(iw, count: sw.count) {
                    // dw[:, block] += gᵀ·x[…, c]
                    kernels.stridedMatmul(transA: true, transB: false, m: n, n: part.columns, k: rows, g, aOffset: 0, lda: n,
                                          part.storage, bOffset: part.start, ldb: part.width, beta: 1, gw, cOffset: offset, ldc: k)
                }
                offset += part.columns
            }
            if let gb = store.buffer(ib, count: n) { kernels.reduceLeading(g, into: gb, outer: rows, inner: n, negated: false) }
            guard ir != nil else { return }
            if residualWidth == n {
                store.add(g, into: ir)  // last: g may be handed on
            } else if let gr = store.buffer(ir, count: residualCount) {
                kernels.copyAxisRange(g, srcDim: n, srcStart: 0, gr, dstDim: residualWidth, dstStart: residualStart, length: n,
                                      outer: rows, inner: 1, accumulate: true)
            }
        }
    }
}
