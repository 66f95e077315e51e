// Causal depthwise 1-D convolution over time: each channel has its own K taps and sees only
// the current and K−1 previous steps (zeros before the start). Layout [batch, time, channel]
// keeps channels contiguous, so the inner loops run over channels.

extension CPUBackend {
    // x, y: [batch, time, channels]; w: [channels, K]; bias: [channels]
    public func causalConvForward(_ x: TensorStorage, weight: TensorStorage, bias: TensorStorage?, _ y: TensorStorage,
                                  batch: Int, time: Int, channels: Int, kernel: Int) {
        let px = x.pointer, pw = weight.pointer, py = y.pointer, pb = bias?.pointer
        Parallelism.forEachChunk(batch * time, grain: max(1, 4096 / max(1, channels * kernel))) { range in
            for bt in range {
                let t = bt % time
                let out = py + bt * channels
                if let pb { out.update(from: pb, count: channels) } else { out.update(repeating: 0, count: channels) }
                for j in 0..<kernel {
                    let source = t - (kernel - 1) + j
                    guard source >= 0 else { continue }
                    let xs = px + (bt - t + source) * channels
                    for c in 0..<channels { out[c] += pw[c * kernel + j] * xs[c] }
                }
            }
        }
    }

    // dx[b, t−K+1+j, c] += w[c,j]·g[b,t,c]; dw[c,j] += x[b, t−K+1+j, c]·g[b,t,c]; dbias[c] += g[b,t,c]
    public func causalConvBackward(_ x: TensorStorage, weight: TensorStorage, gradY: TensorStorage, gradX: TensorStorage?,
                                   gradWeight: TensorStorage?, gradBias: TensorStorage?, batch: Int, time: Int, channels: Int, kernel: Int) {
        let px = x.pointer, pw = weight.pointer, g = gradY.pointer
        if let gradX {
            let gx = gradX.pointer
            // Gather form (dx[t] = Σ_j w[j]·g[t + K−1−j]) so threads write disjoint rows.
            Parallelism.forEachChunk(batch * time, grain: max(1, 4096 / max(1, channels * kernel))) { range in
                for bs in range {
                    let s = bs % time
                    let dst = gx + bs * channels
                    for j in 0..<kernel {
                        let t = s + (kernel - 1) - j
                        guard t < time else { continue }
                        let gs = g + (bs - s + t) * channels
                        for c in 0..<channels { dst[c] += pw[c * kernel + j] * gs[c] }
                    }
                }
            }
        }
        if let gradWeight {
            let gw = gradWeight.pointer
            for bt in 0..<(batch * time) {
                let t = bt % time
                let gs = g + bt * channels
                for j in 0..<kernel {
                    let source = t - (kernel - 1) + j
                    guard source >= 0 else { continue }
                    let xs = px + (bt - t + source) * channels
                    for c in 0..<channels { gw[c * kernel + j] += xs[c] * gs[c] }
                }
            }
        }
        if let gradBias {
            let gb = gradBias.pointer
            for bt in 0..<(batch * time) {
                let gs = g + bt * channels
                for c in 0..<channels { gb[c] += gs[c] }
            }
        }
    }
}
