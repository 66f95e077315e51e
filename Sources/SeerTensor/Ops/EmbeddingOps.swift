// Row lookup in an embedding table.

extension Tensor {
    /// Rows of `self` ([vocab, d]) at `indices`, shaped `indexShape + [d]`.
    public func gather(rows indices: [Int32], indexShape: Shape? = nil) -> Tensor {
        precondition(rank == 2, "an embedding table is [vocab, d], not \(shape)")
        let vocab = shape[0], d = shape[1]
        precondition(indices.allSatisfy { $0 >= 0 && Int($0) < vocab }, "an index lies outside the table's \(vocab) rows")
        let outShape = Shape((indexShape?.dims ?? [indices.count]) + [d])
        precondition(outShape.count == indices.count * d, "index shape does not match the index count")
        let kernels = self.kernels
        let out = Tensor(shape: outShape, storage: kernels.allocate(indices.count * d))
        kernels.embeddingForward(storage, indices: indices, out.storage, d: d)
        let id = trackedId, n = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gt = store.buffer(id, count: n) { kernels.embeddingBackward(indices: indices, gradOut: g, gradTable: gt, d: d) }
        }
    }
}
