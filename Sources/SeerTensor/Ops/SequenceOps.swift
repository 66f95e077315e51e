// Sequence mixing ops: the causal depthwise convolution and causal multi-head attention.

/// How attention keeps what its backward needs.
public enum AttentionMode: String, Sendable, CaseIterable {
    /// Keeps the T×T probabilities per head (memory ∝ T²), like a textbook implementation.
    case stored
    /// Keeps one log-sum-exp per row and recomputes probabilities block by block (memory ∝ T).
    case streamed
}

extension Tensor {
    /// Causal depthwise conv over time: self [batch, time, channels], weight [channels, K], bias [channels].
    public func causalDepthwiseConv(weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(rank == 3, "causal conv input is [batch, time, channels], not \(shape)")
        let (batch, time, channels) = (shape[0], shape[1], shape[2])
        precondition(weight.rank == 2 && weight.shape[0] == channels, "conv weight must be [\(channels), K], not \(weight.shape)")
        if let bias { precondition(bias.count == channels, "conv bias must have \(channels) entries") }
        let kernel = weight.shape[1]
        let kernels = self.kernels
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        kernels.causalConvForward(storage, weight: weight.storage, bias: bias?.storage, out.storage,
                                  batch: batch, time: time, channels: channels, kernel: kernel)
        let x = storage, w = weight.storage, ix = trackedId, iw = weight.trackedId, ib = bias?.trackedId
        return Tensor.record(out, inputs: [self, weight] + (bias.map { [$0] } ?? [])) { store, g in
            kernels.causalConvBackward(x, weight: w, gradY: g, gradX: store.buffer(ix, count: x.count),
                                       gradWeight: store.buffer(iw, count: w.count), gradBias: store.buffer(ib, count: channels),
                                       batch: batch, time: time, channels: channels, kernel: kernel)
        }
    }

    /// Causal scaled dot-product attention; q, k, v: [..., time, d] (leading axes = batch × heads).
    public static func causalAttention(query q: Tensor, key k: Tensor, value v: Tensor, mode: AttentionMode = .streamed) -> Tensor {
        precondition(q.shape == k.shape && k.shape == v.shape && q.rank >= 2, "attention needs equal [..., time, d] shapes")
        let time = q.shape[q.rank - 2], d = q.shape.last, heads = q.count / max(1, time * d)
        return attention(q, k, v, outShape: q.shape, layout: .dense(d), heads: heads, time: time, d: d, mode: mode)
    }

    /// Causal multi-head self-attention reading q, k, v in place from one projection
    /// [batch, time, 3·width] (q, k, v in thirds, the heads in order inside each third) and
    /// returning [batch, time, width] with the heads side by side — no split and no permutes
    /// either way (a GPT block's `qkv` output goes in, its output projection's input comes out).
    public static func causalSelfAttention(qkv: Tensor, heads: Int, mode: AttentionMode = .streamed) -> Tensor {
        precondition(qkv.rank == 3 && qkv.shape[2] % (3 * heads) == 0, "self-attention takes [batch, time, 3·width], not \(qkv.shape)")
        let (batch, time, width) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        return attention(qkv, qkv, qkv, outShape: [batch, time, width], layout: .packed(heads: heads, width: width), heads: batch * heads,
                         time: time, d: width / heads, mode: mode)
    }

    private static func attention(_ q: Tensor, _ k: Tensor, _ v: Tensor, outShape: Shape, layout: AttentionLayout, heads: Int, time: Int,
                                  d: Int, mode: AttentionMode) -> Tensor {
        let kernels = q.kernels
        let out = Tensor(shape: outShape, storage: kernels.allocate(outShape.count))
        let lse = kernels.allocate(heads * time)
        let probabilities = mode == .stored ? kernels.allocate(heads * time * time) : nil
        kernels.attentionForward(q.storage, k.storage, v.storage, out.storage, layout: layout, logsumexp: lse, probabilities: probabilities,
                                 heads: heads, time: time, d: d)
        let sq = q.storage, sk = k.storage, sv = v.storage, so = out.storage
        let iq = q.trackedId, ik = k.trackedId, iv = v.trackedId
        return record(out, inputs: q, k, v) { store, g in
            // The kernel adds into all three (one buffer when q, k, v are one tensor); scratch
            // buffers stand in for untracked inputs.
            let gq = store.buffer(iq, count: sq.count) ?? kernels.zeros(sq.count)
            let gk = store.buffer(ik, count: sk.count) ?? kernels.zeros(sk.count)
            let gv = store.buffer(iv, count: sv.count) ?? kernels.zeros(sv.count)
            kernels.attentionBackward(sq, sk, sv, so, layout: layout, logsumexp: lse, probabilities: probabilities, gradO: g,
                                      gradQ: gq, gradK: gk, gradV: gv, heads: heads, time: time, d: d)
        }
    }
}

extension Tensor {
    /// Decayed causal linear attention (MODELS.md §3): per head, S_t = λ S_{t−1} + φk_t v_tᵀ and
    /// o_t = S_tᵀ φq_t with λ = σ(θ), run as the fused chunked kernel pair (time and memory linear
    /// in T). Token-major layout, so a net needs no permutes: φq, φk: [batch, time, heads, m]
    /// (positive features); v: [batch, time, heads, e]; decayLogit θ: [heads]. Returns
    /// [batch, time, heads, e].
    public static func decayedLinearAttention(query q: Tensor, key k: Tensor, value v: Tensor, decayLogit theta: Tensor) -> Tensor {
        precondition(q.rank == 4 && q.shape == k.shape, "linear attention features must be equal [batch, time, heads, m] shapes")
        return linearAttention(query: q, key: k, keyOffset: 0, groups: q.shape[2], value: v, decayLogit: theta)
    }

    /// The same with φq and φk in one tensor [batch, time, 2·heads, m] (φq in the first `heads`
    /// slots, φk in the rest) — e.g. one feature map applied to both — read in place, not split.
    public static func decayedLinearAttention(features: Tensor, value v: Tensor, decayLogit theta: Tensor) -> Tensor {
        precondition(features.rank == 4 && features.shape[2] % 2 == 0, "joint features must be [batch, time, 2·heads, m], not \(features.shape)")
        let groups = features.shape[2] / 2
        return linearAttention(query: features, key: features, keyOffset: groups * features.shape[3], groups: groups, value: v,
                               decayLogit: theta)
    }

    /// The same from the feature logits z [batch, time, 2·heads, m]: φ = softmax(z) per row of m
    /// (MODELS.md §3's positive features) is computed by the kernel pair — one contiguous pass
    /// before the heads run — and the gradient reaches z through the softmax inside the backward,
    /// head by head: no separate feature op and no feature-gradient buffer. The features are kept
    /// (as the separate op would keep them).
    public static func decayedLinearAttention(featureLogits z: Tensor, value v: Tensor, decayLogit theta: Tensor) -> Tensor {
        precondition(z.rank == 4 && z.shape[2] % 2 == 0, "joint feature logits must be [batch, time, 2·heads, m], not \(z.shape)")
        let groups = z.shape[2] / 2
        return linearAttention(query: z, key: z, keyOffset: groups * z.shape[3], groups: groups, value: v, decayLogit: theta,
                               softmaxOfInputs: true)
    }

    private static func linearAttention(query q: Tensor, key k: Tensor, keyOffset: Int, groups: Int, value v: Tensor,
                                        decayLogit theta: Tensor, softmaxOfInputs: Bool = false) -> Tensor {
        let time = q.shape[1], m = q.shape[3], e = v.shape[3], heads = q.shape[0] * groups
        precondition(v.rank == 4 && v.shape[0] == q.shape[0] && v.shape[1] == time && v.shape[2] == groups,
                     "values must be [\(q.shape[0]), \(time), \(groups), e] beside features \(q.shape), not \(v.shape)")
        precondition(theta.count == groups, "decay logits must have one entry per head (\(groups)), not \(theta.count)")
        let kernels = q.kernels, stride = q.shape[2] * m
        let chunks = (time + linearAttentionChunkLength - 1) / linearAttentionChunkLength
        let out = Tensor(shape: v.shape, storage: kernels.allocate(v.count))
        let states = kernels.allocate(heads * chunks * m * e)
        // Through the softmax, q = k are logits and the kernel writes the features here.
        let features = softmaxOfInputs ? kernels.allocate(q.count) : nil
        let sq = features ?? q.storage, sk = features ?? k.storage, sv = v.storage, st = theta.storage, joint = keyOffset != 0
        kernels.linearAttentionForward(sq, sk, sv, theta: st, out.storage, states: states, heads: heads, groups: groups, time: time,
                                       m: m, e: e, featureStride: stride, keyOffset: keyOffset, logits: softmaxOfInputs ? q.storage : nil)
        let iq = q.trackedId, ik = k.trackedId, iv = v.trackedId, it = theta.trackedId, nq = q.count, nv = v.count
        return record(out, inputs: joint ? [q, v, theta] : [q, k, v, theta]) { store, g in
            let gq = store.buffer(iq, count: nq) ?? kernels.zeros(nq)
            let gk = joint ? gq : store.buffer(ik, count: nq) ?? kernels.zeros(nq)
            let gv = store.buffer(iv, count: nv) ?? kernels.zeros(nv)
            kernels.linearAttentionBackward(sq, sk, sv, theta: st, states: states, gradO: g, gradQ: gq, gradK: gk, gradV: gv,
                                            gradTheta: store.buffer(it, count: groups), heads: heads, groups: groups, time: time,
                                            m: m, e: e, featureStride: stride, keyOffset: keyOffset, throughSoftmax: softmaxOfInputs)
        }
    }
}
