// KernelSelfTest's checks of linear_attention.cu against CPUBackend's chunked linear attention:
// separate φq and φk for 2 sequences × 2 heads over 150 steps (chunks of 64, 64 and 22), and the
// joint logits tensor of the NT/DiJiang nets (softmax features, gradients through the softmax)
// over 130 steps (a last chunk of 2). Forward compares O and the states entering each chunk
// (and the features, when from logits); backward dq/dk (or the logits'), dV and dθ.

extension KernelSelfTest {
    mutating func linearAttention() throws {
        try linearAttention(batch: 2, groups: 2, time: 150, m: 5, e: 3, fromLogits: false)
        try linearAttention(batch: 1, groups: 2, time: 130, m: 4, e: 6, fromLogits: true)
    }

    private mutating func linearAttention(batch: Int, groups: Int, time: Int, m: Int, e: Int, fromLogits: Bool) throws {
        let heads = batch * groups, chunks = (time + linearAttentionChunkLength - 1) / linearAttentionChunkLength
        let stride = (fromLogits ? 2 : 1) * groups * m, keyOffset = fromLogits ? groups * m : 0
        let featureCount = batch * time * stride, valueCount = batch * time * groups * e, stateCount = heads * chunks * m * e
        let q = random(featureCount, seed: 110, low: fromLogits ? -2 : -1, high: fromLogits ? 2 : 1)
        let k = fromLogits ? q : random(featureCount, seed: 111, low: -1, high: 1)
        let v = random(valueCount, seed: 112), gradO = random(valueCount, seed: 113), theta: [Float] = [-0.3, 2.5]
        let startQ = random(featureCount, seed: 114), startK = fromLogits ? startQ : random(featureCount, seed: 115)
        let startV = random(valueCount, seed: 116), startTheta = random(groups, seed: 117)

        // On the CPU: with logits, q holds them and the features go to their own storage.
        let logits = fromLogits ? TensorStorage(q) : nil
        let cq = fromLogits ? TensorStorage(count: featureCount) : TensorStorage(q), ck = fromLogits ? cq : TensorStorage(k)
        let co = TensorStorage(count: valueCount), cs = TensorStorage(count: stateCount), ct = TensorStorage(theta)
        cpu.linearAttentionForward(cq, ck, TensorStorage(v), theta: ct, co, states: cs, heads: heads, groups: groups, time: time, m: m, e: e,
                                   featureStride: stride, keyOffset: keyOffset, logits: logits)
        let gq = TensorStorage(startQ), gk = fromLogits ? gq : TensorStorage(startK), gv = TensorStorage(startV)
        let gt = TensorStorage(startTheta)
        cpu.linearAttentionBackward(cq, ck, TensorStorage(v), theta: ct, states: cs, gradO: TensorStorage(gradO), gradQ: gq, gradK: gk,
                                    gradV: gv, gradTheta: gt, heads: heads, groups: groups, time: time, m: m, e: e, featureStride: stride,
                                    keyOffset: keyOffset, throughSoftmax: fromLogits)

        let (forward, backward) = try freeing { pool in
            let dz = fromLogits ? try put(q, &pool) : 0
            let dq = fromLogits ? try put([Float](repeating: .nan, count: featureCount), &pool) : try put(q, &pool)
            let dk = fromLogits ? dq : try put(k, &pool), dv = try put(v, &pool), dt = try put(theta, &pool)
            let o = try put([Float](repeating: .nan, count: valueCount), &pool), s = try put([Float](repeating: .nan, count: stateCount), &pool)
            try kernels.linearAttentionForward(dq, dk, dv, theta: dt, o, states: s, heads: heads, groups: groups, time: time, m: m, e: e,
                                               featureStride: stride, keyOffset: keyOffset, logits: dz)
            let gradQ = try put(startQ, &pool), gradK = fromLogits ? gradQ : try put(startK, &pool)
            let gradV = try put(startV, &pool), gradTheta = try put(startTheta, &pool)
            try kernels.linearAttentionBackward(dq, dk, dv, theta: dt, states: s, gradO: try put(gradO, &pool), gradQ: gradQ, gradK: gradK,
                                                gradV: gradV, gradTheta: gradTheta, heads: heads, groups: groups, time: time, m: m, e: e,
                                                featureStride: stride, keyOffset: keyOffset, throughSoftmax: fromLogits)
            let forward = try get(o, valueCount) + get(s, stateCount) + (fromLogits ? get(dq, featureCount) : [])
            let backward = try get(gradQ, featureCount) + (fromLogits ? [] : get(gradK, featureCount)) + get(gradV, valueCount)
                + get(gradTheta, groups)
            return (forward, backward)
        }
        let name = "linear attention \(fromLogits ? "from logits" : "separate φq, φk") T = \(time)"
        record("\(name) forward", (fromLogits ? ["seer_softmax_forward"] : [])
               + ["seer_linear_attention_chunk_state", "seer_linear_attention_scan", "seer_linear_attention_output"],
               forward, co.array + cs.array + (fromLogits ? cq.array : []), tolerance: 1e-4)
        record("\(name) backward", ["seer_linear_attention_chunk_query_state", "seer_linear_attention_reverse_scan",
                                    "seer_linear_attention_backward_chunk", "seer_linear_attention_theta"]
               + (fromLogits ? ["seer_linear_attention_softmax_backward"] : []),
               backward, gq.array + (fromLogits ? [] : gk.array) + gv.array + gt.array, tolerance: 1e-3)
    }
}
