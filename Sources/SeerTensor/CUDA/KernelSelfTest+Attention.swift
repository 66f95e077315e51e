// KernelSelfTest's checks of attention.cu against CPUBackend's attention: one head long enough
// (258 rows) that keys cross the kernels' 256-key tiles, streamed, on separate q, k, v; and GPT's
// packed projection ([batch, time, 3·width], two heads side by side) with stored probabilities.
// Forward compares O, the log-sum-exp and P (when stored); backward the added dQ, dK, dV.

extension KernelSelfTest {
    mutating func attention() throws {
        try attention(heads: 1, time: 258, d: 8, layout: .dense(8), stored: false)
        try attention(heads: 4, time: 20, d: 6, layout: .packed(heads: 2, width: 12), stored: true)
    }

    private mutating func attention(heads: Int, time: Int, d: Int, layout: AttentionLayout, stored: Bool) throws {
        let packed = layout.keyOffset != 0, sequences = heads / layout.groups
        let inputCount = packed ? sequences * time * layout.rowStride : heads * time * d
        let outputCount = sequences * time * layout.outStride, rows = heads * time
        let q = random(inputCount, seed: 100, low: -1, high: 1)
        let k = packed ? q : random(inputCount, seed: 101, low: -1, high: 1), v = packed ? q : random(inputCount, seed: 102)
        let gradO = random(outputCount, seed: 103), startQ = random(inputCount, seed: 104)
        let startK = packed ? startQ : random(inputCount, seed: 105), startV = packed ? startQ : random(inputCount, seed: 106)

        let cq = TensorStorage(q), ck = packed ? cq : TensorStorage(k), cv = packed ? cq : TensorStorage(v)
        let co = TensorStorage(count: outputCount), lse = TensorStorage(count: rows)
        let cp = stored ? TensorStorage(count: rows * time) : nil
        cpu.attentionForward(cq, ck, cv, co, layout: layout, logsumexp: lse, probabilities: cp, heads: heads, time: time, d: d)
        let gq = TensorStorage(startQ), gk = packed ? gq : TensorStorage(startK), gv = packed ? gq : TensorStorage(startV)
        cpu.attentionBackward(cq, ck, cv, co, layout: layout, logsumexp: lse, probabilities: cp, gradO: TensorStorage(gradO), gradQ: gq,
                              gradK: gk, gradV: gv, heads: heads, time: time, d: d)

        let (forward, backward) = try freeing { pool in
            let dq = try put(q, &pool), dk = packed ? dq : try put(k, &pool), dv = packed ? dq : try put(v, &pool)
            let o = try put([Float](repeating: .nan, count: outputCount), &pool), dl = try put([Float](repeating: .nan, count: rows), &pool)
            let p = stored ? try put([Float](repeating: .nan, count: rows * time), &pool) : 0
            try kernels.attentionForward(dq, dk, dv, o, layout: layout, logsumexp: dl, probabilities: p, heads: heads, time: time, d: d)
            let gradQ = try put(startQ, &pool), gradK = packed ? gradQ : try put(startK, &pool), gradV = packed ? gradQ : try put(startV, &pool)
            try kernels.attentionBackward(dq, dk, dv, o, layout: layout, logsumexp: dl, gradO: try put(gradO, &pool), gradQ: gradQ,
                                          gradK: gradK, gradV: gradV, heads: heads, time: time, d: d)
            let forward = try get(o, outputCount) + get(dl, rows) + (stored ? get(p, rows * time) : [])
            let backward = try get(gradQ, inputCount) + (packed ? [] : get(gradK, inputCount) + get(gradV, inputCount))
            return (forward, backward)
        }
        let name = "attention \(packed ? "packed, stored P" : "dense, streamed") T = \(time)"
        record("\(name) forward", ["seer_attention_forward"], forward, co.array + lse.array + (cp?.array ?? []), tolerance: 1e-4)
        record("\(name) backward", ["seer_attention_row_dot", "seer_attention_backward_query", "seer_attention_backward_key"], backward,
               gq.array + (packed ? [] : gk.array + gv.array), tolerance: 1e-3)
    }
}
