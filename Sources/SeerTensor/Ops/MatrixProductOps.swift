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
        let out = Tensor(shape: Shape(leading + [m, n]), storage: kernels.allocate(batch * m * n))
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

        /// The block as a tensor of its own: the tensor itself when it is whole, else a slice (a copy).
        public var values: Tensor {
            columns == 0..<width ? tensor : tensor.slice(axis: tensor.rank - 1, columns)
        }
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
        let k = weight.shape[1]
        precondition(blocks.reduce(0) { $0 + $1.columns.count } == k,
                     "linear: the blocks have \(blocks.map(\.columns.count)) columns, the weight \(weight.shape) takes \(k)")
        var offset = 0
        let terms = blocks.map { block -> LinearTerm in
            defer { offset += block.columns.count }
            return LinearTerm(block: block, weight: weight, weightOffset: offset)
        }
        return linear(terms, bias: bias, adding: residual)
    }

    /// y = Σᵢ xᵢ[…, cᵢ]·wᵢᵀ + bias + r[…, c_r]   (wᵢ: [n, |cᵢ|]) — the same with one weight per
    /// block (e.g. the Cffn's U·x + V·z).
    public static func linear(_ terms: [(ColumnBlock, Tensor)], bias: Tensor? = nil, adding residual: ColumnBlock? = nil) -> Tensor {
        linear(terms.map { LinearTerm(block: $0.0, weight: $0.1, weightOffset: 0) }, bias: bias, adding: residual)
    }

    /// One product of `linear`: a block times columns weightOffset ..< +|c| of a weight.
    private struct LinearTerm {
        let block: ColumnBlock, weight: Tensor, weightOffset: Int
    }

    private static func linear(_ terms: [LinearTerm], bias: Tensor?, adding residual: ColumnBlock?) -> Tensor {
        let n = terms[0].weight.shape[0]
        let leading = Array(terms[0].block.tensor.shape.dims.dropLast()), rows = terms[0].block.rows
        for term in terms {
            precondition(term.weight.rank == 2 && term.weight.shape[0] == n, "linear: weight \(term.weight.shape) does not give \(n) outputs")
            precondition(term.weightOffset + term.block.columns.count <= term.weight.shape[1],
                         "linear: \(term.block.columns.count) columns from \(term.weightOffset) exceed the weight \(term.weight.shape)")
        }
        for block in terms.map(\.block) + (residual.map { [$0] } ?? []) {
            precondition(Array(block.tensor.shape.dims.dropLast()) == leading,
                         "linear: \(block.tensor.shape) and \(terms[0].block.tensor.shape) differ in leading axes")
        }
        if let bias { precondition(bias.rank == 1 && bias.count == n, "bias \(bias.shape) does not match \(n) outputs") }
        if let residual { precondition(residual.columns.count == n, "residual columns \(residual.columns) do not match \(n) outputs") }
        let kernels = terms[0].weight.kernels
        let out = Tensor(shape: Shape(leading + [n]), storage: kernels.allocate(rows * n))
        let prefilled = bias != nil || residual != nil
        if prefilled {
            kernels.fillRows(out.storage, rows: rows, n: n, bias: bias?.storage, residual: residual?.tensor.storage,
                             residualOffset: residual?.columns.lowerBound ?? 0, residualStride: residual?.width ?? 0)
        }
        for (i, term) in terms.enumerated() {
            kernels.stridedMatmul(transA: false, transB: true, m: rows, n: n, k: term.block.columns.count,
                                  term.block.tensor.storage, aOffset: term.block.columns.lowerBound, lda: term.block.width,
                                  term.weight.storage, bOffset: term.weightOffset, ldb: term.weight.shape[1],
                                  beta: i == 0 && !prefilled ? 0 : 1, out.storage, cOffset: 0, ldc: n)
        }
        let parts = terms.map { (storage: $0.block.tensor.storage, id: $0.block.tensor.trackedId, count: $0.block.tensor.count,
                                 start: $0.block.columns.lowerBound, columns: $0.block.columns.count, width: $0.block.width,
                                 weight: $0.weight.storage, weightId: $0.weight.trackedId, weightOffset: $0.weightOffset,
                                 weightWidth: $0.weight.shape[1]) }
        let ib = bias?.trackedId
        let ir = residual?.tensor.trackedId, residualCount = residual?.tensor.count ?? 0
        let residualStart = residual?.columns.lowerBound ?? 0, residualWidth = residual?.width ?? 0
        var inputs = terms.flatMap { [$0.block.tensor, $0.weight] }
        if let bias { inputs.append(bias) }
        if let residual { inputs.append(residual.tensor) }
        return record(out, inputs: inputs) { store, g in
            for part in parts {
                if let gx = store.buffer(part.id, count: part.count) {
                    // dx[…, c] += g·w[:, block]
                    kernels.stridedMatmul(transA: false, transB: false, m: rows, n: part.columns, k: n, g, aOffset: 0, lda: n,
                                          part.weight, bOffset: part.weightOffset, ldb: part.weightWidth, beta: 1,
                                          gx, cOffset: part.start, ldc: part.width)
                }
                if let gw = store.buffer(part.weightId, count: part.weight.count) {
                    // dw[:, block] += gᵀ·x[…, c]
                    kernels.stridedMatmul(transA: true, transB: false, m: n, n: part.columns, k: rows, g, aOffset: 0, lda: n,
                                          part.storage, bOffset: part.start, ldb: part.width, beta: 1,
                                          gw, cOffset: part.weightOffset, ldc: part.weightWidth)
                }
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
