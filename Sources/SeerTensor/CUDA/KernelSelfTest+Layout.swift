// KernelSelfTest's checks of layout.cu: dropout (the mask must equal the CPU's exactly: same seed,
// same hash), the embedding with repeated indices, axis-range copies (set and add), a 4-axis
// permutation (set and add) and fillRows with every combination of bias and residual.

extension KernelSelfTest {
    mutating func dropout() throws {
        let n = 1000, x = random(n, seed: 70), g = random(n, seed: 71), start = random(n, seed: 72)
        let out = TensorStorage(count: n), mask = TensorStorage(count: n), grad = TensorStorage(start)
        cpu.dropoutForward(TensorStorage(x), out, mask: mask, probability: 0.3, seed: 0xDEAD_BEEF_1234)
        cpu.dropoutBackward(mask: mask, gradOut: TensorStorage(g), gradX: grad)
        let (forward, backward) = try freeing { pool in
            let dout = try put([Float](repeating: 0, count: n), &pool), dmask = try put([Float](repeating: 0, count: n), &pool)
            let dgrad = try put(start, &pool)
            try kernels.dropoutForward(try put(x, &pool), dout, mask: dmask, count: n, probability: 0.3, seed: 0xDEAD_BEEF_1234)
            try kernels.dropoutBackward(mask: dmask, gradOut: try put(g, &pool), gradX: dgrad, count: n)
            return (try get(dout, n) + get(dmask, n), try get(dgrad, n))
        }
        record("dropout forward (mask bit for bit)", ["seer_dropout_forward"], forward, out.array + mask.array, tolerance: 0)
        record("dropout backward", ["seer_dropout_backward"], backward, grad.array, tolerance: 1e-6)
    }

    mutating func embedding() throws {
        let vocab = 11, d = 13, indices: [Int32] = [3, 0, 10, 3, 3, 7, 0]
        let table = random(vocab * d, seed: 73), g = random(indices.count * d, seed: 74), start = random(vocab * d, seed: 75)
        let out = TensorStorage(count: indices.count * d), grad = TensorStorage(start)
        cpu.embeddingForward(TensorStorage(table), indices: indices, out, d: d)
        cpu.embeddingBackward(indices: indices, gradOut: TensorStorage(g), gradTable: grad, d: d)
        let (forward, backward) = try freeing { pool in
            let dout = try put([Float](repeating: 0, count: indices.count * d), &pool), dgrad = try put(start, &pool)
            try kernels.embeddingForward(try put(table, &pool), indices: indices, dout, d: d)
            try kernels.embeddingBackward(indices: indices, gradOut: try put(g, &pool), gradTable: dgrad, d: d)
            return (try get(dout, indices.count * d), try get(dgrad, vocab * d))
        }
        record("embedding forward", ["seer_embedding_forward"], forward, out.array, tolerance: 0)
        record("embedding backward (repeated rows)", ["seer_embedding_backward"], backward, grad.array, tolerance: 1e-6)
    }

    mutating func copies() throws {
        let outer = 3, srcDim = 9, dstDim = 7, inner = 5, length = 4
        let src = random(outer * srcDim * inner, seed: 76), dst0 = random(outer * dstDim * inner, seed: 77)
        for accumulate in [false, true] {
            let expected = TensorStorage(dst0)
            cpu.copyAxisRange(TensorStorage(src), srcDim: srcDim, srcStart: 2, expected, dstDim: dstDim, dstStart: 3, length: length,
                              outer: outer, inner: inner, accumulate: accumulate)
            let got = try freeing { pool in
                let dst = try put(dst0, &pool)
                try kernels.copyAxisRange(try put(src, &pool), srcDim: srcDim, srcStart: 2, dst, dstDim: dstDim, dstStart: 3, length: length,
                                          outer: outer, inner: inner, accumulate: accumulate)
                return try get(dst, dst0.count)
            }
            record("copy axis range\(accumulate ? " (add)" : "")", ["seer_copy_axis_range"], got, expected.array, tolerance: 1e-6)
        }
        let shape = [2, 3, 4, 5], permutation = [2, 0, 3, 1], x = random(120, seed: 78), out0 = random(120, seed: 79)
        for accumulate in [false, true] {
            let expected = TensorStorage(out0)
            cpu.permute(TensorStorage(x), shape: shape, permutation: permutation, expected, accumulate: accumulate)
            let got = try freeing { pool in
                let out = try put(out0, &pool)
                try kernels.permute(try put(x, &pool), shape: shape, permutation: permutation, out, accumulate: accumulate)
                return try get(out, 120)
            }
            record("permute [2, 0, 3, 1]\(accumulate ? " (add)" : "")", ["seer_permute"], got, expected.array, tolerance: 1e-6)
        }
    }

    mutating func fillRows() throws {
        let rows = 6, n = 17, stride = 40, offset = 3
        let bias = random(n, seed: 80), residual = random(rows * stride + offset, seed: 81)
        for (withBias, withResidual) in [(true, true), (true, false), (false, true), (false, false)] {
            let expected = TensorStorage(count: rows * n)
            cpu.fillRows(expected, rows: rows, n: n, bias: withBias ? TensorStorage(bias) : nil, residual: withResidual ? TensorStorage(residual) : nil,
                         residualOffset: offset, residualStride: stride)
            let got = try freeing { pool in
                let out = try put([Float](repeating: 7, count: rows * n), &pool)
                try kernels.fillRows(out, rows: rows, n: n, bias: withBias ? try put(bias, &pool) : 0,
                                     residual: withResidual ? try put(residual, &pool) : 0, residualOffset: offset, residualStride: stride)
                return try get(out, rows * n)
            }
            record("fill rows (bias \(withBias), residual \(withResidual))", ["seer_fill_rows"], got, expected.array, tolerance: 0)
        }
    }
}
