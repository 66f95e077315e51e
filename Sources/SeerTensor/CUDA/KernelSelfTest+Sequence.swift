// KernelSelfTest's checks of sequence.cu: continued-fraction ladders in both forms (the positive
// one through softplus, the signed one away from its poles) and the causal convolution with and
// without a bias. The GPU's softplus is libm's log1pf where the CPU uses a polynomial, so the
// issue's tolerances apply.

extension KernelSelfTest {
    mutating func continuedFraction(positive: Bool) throws {
        let rows = 40, ladders = 5, depth = 6, count = rows * ladders
        let x = positive ? random(count * depth, seed: 50, low: -3, high: 3) : random(count * depth, seed: 51, low: 0.5, high: 2)
        let g = random(count, seed: 52), start = random(count * depth, seed: 53)
        let z = TensorStorage(count: count), gradX = TensorStorage(start)
        cpu.continuedFractionForward(TensorStorage(x), z, rows: rows, ladders: ladders, depth: depth, positive: positive, epsilon: 1e-3)
        cpu.continuedFractionBackward(TensorStorage(x), gradZ: TensorStorage(g), gradX: gradX, rows: rows, ladders: ladders, depth: depth,
                                      positive: positive, epsilon: 1e-3)
        let (forward, backward) = try freeing { pool in
            let dx = try put(x, &pool), dz = try put([Float](repeating: 0, count: count), &pool), grad = try put(start, &pool)
            try kernels.continuedFractionForward(dx, dz, rows: rows, ladders: ladders, depth: depth, positive: positive, epsilon: 1e-3)
            try kernels.continuedFractionBackward(dx, gradZ: try put(g, &pool), gradX: grad, rows: rows, ladders: ladders, depth: depth,
                                                  positive: positive, epsilon: 1e-3)
            return (try get(dz, count), try get(grad, count * depth))
        }
        let name = positive ? "continued fraction (positive)" : "continued fraction (signed)"
        record(name + " forward", ["seer_continued_fraction_forward"], forward, z.array, tolerance: 1e-4)
        record(name + " backward", ["seer_continued_fraction_backward"], backward, gradX.array, tolerance: 1e-3)
    }

    mutating func causalConv(withBias: Bool) throws {
        let batch = 2, time = 50, channels = 7, kernel = 4, n = batch * time * channels
        let x = random(n, seed: 54), w = random(channels * kernel, seed: 55), bias = random(channels, seed: 56), g = random(n, seed: 57)
        let gx0 = random(n, seed: 58), gw0 = random(channels * kernel, seed: 59), gb0 = random(channels, seed: 60)
        let y = TensorStorage(count: n), cx = TensorStorage(gx0), cw = TensorStorage(gw0), cb = TensorStorage(gb0)
        cpu.causalConvForward(TensorStorage(x), weight: TensorStorage(w), bias: withBias ? TensorStorage(bias) : nil, y, batch: batch,
                              time: time, channels: channels, kernel: kernel)
        cpu.causalConvBackward(TensorStorage(x), weight: TensorStorage(w), gradY: TensorStorage(g), gradX: cx, gradWeight: cw,
                               gradBias: withBias ? cb : nil, batch: batch, time: time, channels: channels, kernel: kernel)
        let (forward, backward) = try freeing { pool in
            let dx = try put(x, &pool), dw = try put(w, &pool), dy = try put([Float](repeating: 0, count: n), &pool)
            try kernels.causalConvForward(dx, weight: dw, bias: withBias ? try put(bias, &pool) : 0, dy, batch: batch, time: time,
                                          channels: channels, kernel: kernel)
            let gradX = try put(gx0, &pool), gradW = try put(gw0, &pool), gradB = try put(gb0, &pool)
            try kernels.causalConvBackward(dx, weight: dw, gradY: try put(g, &pool), gradX: gradX, gradWeight: gradW,
                                           gradBias: withBias ? gradB : 0, batch: batch, time: time, channels: channels, kernel: kernel)
            return (try get(dy, n), try get(gradX, n) + get(gradW, channels * kernel) + get(gradB, channels))
        }
        let name = withBias ? "causal conv with bias" : "causal conv"
        record(name + " forward", ["seer_causal_conv_forward"], forward, y.array, tolerance: 1e-5)
        record(name + " backward", ["seer_causal_conv_backward_x", "seer_causal_conv_backward_weight"]
               + (withBias ? ["seer_causal_conv_backward_bias"] : []), backward, cx.array + cw.array + cb.array, tolerance: 1e-5)
    }
}
