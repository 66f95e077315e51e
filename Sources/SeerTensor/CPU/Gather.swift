// Embedding lookup (row gather) and its scatter-add backward.

extension CPUBackend {
    // table: [vocab, d]; out: [indices.count, d]
    public func embeddingForward(_ table: TensorStorage, indices: [Int32], _ out: TensorStorage, d: Int) {
        let pt = table.pointer, po = out.pointer
        for (r, index) in indices.enumerated() {
            (po + r * d).update(from: pt + Int(index) * d, count: d)
        }
    }

    // gradTable[index[r]] += gradOut[r], in row order (repeated indices add up deterministically)
    public func embeddingBackward(indices: [Int32], gradOut: TensorStorage, gradTable: TensorStorage, d: Int) {
        let g = gradOut.pointer, gt = gradTable.pointer
        for (r, index) in indices.enumerated() {
            let dst = gt + Int(index) * d, src = g + r * d
            for j in 0..<d { dst[j] += src[j] }
        }
    }
}
