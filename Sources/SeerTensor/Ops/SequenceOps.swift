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
        let out = Tensor(shape: shape, storage: TensorStorage(count: count))
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
        let kernels = q.kernels
        let out = Tensor(shape: q.shape, storage: TensorStorage(count: q.count))
        let lse = TensorStorage(count: heads * time)
        let probabilities = mode == .stored ? TensorStorage(count: heads * time * time) : nil
        kernels.attentionForward(q.storage, k.storage, v.storage, out.storage, logsumexp: lse, probabilities: probabilities,
                                 heads: heads, time: time, d: d)
        let sq = q.storage, sk = k.storage, sv = v.storage, so = out.storage
        let iq = q.trackedId, ik = k.trackedId, iv = v.trackedId, n = q.count
        return record(out, inputs: q, k, v) { store, g in
            // The kernel adds into all three; scratch buffers stand in for untracked inputs.
            let gq = store.buffer(iq, count: n) ?? TensorStorage(zeros: n)
            let gk = store.buffer(ik, count: n) ?? TensorStorage(zeros: n)
            let gv = store.buffer(iv, count: n) ?? TensorStorage(zeros: n)
            kernels.attentionBackward(sq, sk, sv, so, logsumexp: lse, probabilities: probabilities, gradO: g,
                                      gradQ: gq, gradK: gk, gradV: gv, heads: heads, time: time, d: d)
        }
    }
}
