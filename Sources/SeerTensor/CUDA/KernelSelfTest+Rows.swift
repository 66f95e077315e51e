// KernelSelfTest's checks of rows.cu: softmax and log-softmax, LayerNorm (on rows whose mean is
// large against their spread, where a naive variance cancels), RMSNorm and the normalised gate.
// Rows of 300 are wider than a block, so every thread loops; the tolerances apply (1e-4
// forward, 1e-3 backward): sums are added in a tree here and in 16 lanes on the CPU.

extension KernelSelfTest {
    static let rows = 6, width = 300

    mutating func softmax(log: Bool) throws {
        let rows = Self.rows, n = Self.width
        let x = random(rows * n, seed: 30, low: -8, high: 8), g = random(rows * n, seed: 31), start = random(rows * n, seed: 32)
        let expected = TensorStorage(count: rows * n), expectedGrad = TensorStorage(start)
        cpu.softmaxForward(TensorStorage(x), expected, rows: rows, n: n, log: log)
        cpu.softmaxBackward(expected, gradOut: TensorStorage(g), gradX: expectedGrad, rows: rows, n: n, log: log)
        let (out, grad) = try freeing { pool in
            let out = try put([Float](repeating: 0, count: rows * n), &pool), grad = try put(start, &pool)
            try kernels.softmaxForward(try put(x, &pool), out, rows: rows, n: n, log: log)
            try kernels.softmaxBackward(out, gradOut: try put(g, &pool), gradX: grad, rows: rows, n: n, log: log)
            return (try get(out, rows * n), try get(grad, rows * n))
        }
        let name = log ? "log-softmax" : "softmax"
        record(name + " forward", ["seer_softmax_forward"], out, expected.array, tolerance: 1e-4)
        record(name + " backward", ["seer_softmax_backward"], grad, expectedGrad.array, tolerance: 1e-3)
    }

    mutating func layerNorm() throws {
        let rows = Self.rows, n = Self.width
        let x = random(rows * n, seed: 33).map { $0 + 1000 }, gamma = random(n, seed: 34), beta = random(n, seed: 35)
        let g = random(rows * n, seed: 36), gx0 = random(rows * n, seed: 37), gg0 = random(n, seed: 38), gb0 = random(n, seed: 39)
        let out = TensorStorage(count: rows * n), mean = TensorStorage(count: rows), rstd = TensorStorage(count: rows)
        cpu.layerNormForward(TensorStorage(x), gamma: TensorStorage(gamma), beta: TensorStorage(beta), out, mean: mean, rstd: rstd,
                             rows: rows, n: n, epsilon: 1e-5)
        let cx = TensorStorage(gx0), cg = TensorStorage(gg0), cb = TensorStorage(gb0)
        cpu.layerNormBackward(TensorStorage(x), gamma: TensorStorage(gamma), mean: mean, rstd: rstd, gradOut: TensorStorage(g), gradX: cx,
                              gradGamma: cg, gradBeta: cb, rows: rows, n: n)
        let (forward, backward) = try freeing { pool in
            let dx = try put(x, &pool), dgamma = try put(gamma, &pool), dout = try put([Float](repeating: 0, count: rows * n), &pool)
            let dmean = try put([Float](repeating: 0, count: rows), &pool), drstd = try put([Float](repeating: 0, count: rows), &pool)
            try kernels.layerNormForward(dx, gamma: dgamma, beta: try put(beta, &pool), dout, mean: dmean, rstd: drstd, rows: rows, n: n,
                                         epsilon: 1e-5)
            let gradX = try put(gx0, &pool), gradGamma = try put(gg0, &pool), gradBeta = try put(gb0, &pool)
            try kernels.layerNormBackward(dx, gamma: dgamma, mean: dmean, rstd: drstd, gradOut: try put(g, &pool), gradX: gradX,
                                          gradGamma: gradGamma, gradBeta: gradBeta, rows: rows, n: n)
            return (try get(dout, rows * n) + get(dmean, rows) + get(drstd, rows),
                    try get(gradX, rows * n) + get(gradGamma, n) + get(gradBeta, n))
        }
        record("layer norm forward (mean 1000)", ["seer_layer_norm_forward"], forward, out.array + mean.array + rstd.array, tolerance: 1e-4)
        record("layer norm backward", ["seer_layer_norm_backward_x", "seer_layer_norm_backward_parameters"], backward,
               cx.array + cg.array + cb.array, tolerance: 1e-3)
    }

    mutating func rmsNorm() throws {
        let rows = Self.rows, n = Self.width
        let x = random(rows * n, seed: 40), gamma = random(n, seed: 41), g = random(rows * n, seed: 42)
        let gx0 = random(rows * n, seed: 43), gg0 = random(n, seed: 44)
        let out = TensorStorage(count: rows * n), rstd = TensorStorage(count: rows), cx = TensorStorage(gx0), cg = TensorStorage(gg0)
        cpu.rmsNormForward(TensorStorage(x), gamma: TensorStorage(gamma), out, rstd: rstd, rows: rows, n: n, epsilon: 1e-6)
        cpu.rmsNormBackward(TensorStorage(x), gamma: TensorStorage(gamma), rstd: rstd, gradOut: TensorStorage(g), gradX: cx, gradGamma: cg,
                            rows: rows, n: n)
        let (forward, backward) = try freeing { pool in
            let dx = try put(x, &pool), dgamma = try put(gamma, &pool), dout = try put([Float](repeating: 0, count: rows * n), &pool)
            let drstd = try put([Float](repeating: 0, count: rows), &pool)
            try kernels.rmsNormForward(dx, gamma: dgamma, dout, rstd: drstd, rows: rows, n: n, epsilon: 1e-6)
            let gradX = try put(gx0, &pool), gradGamma = try put(gg0, &pool)
            try kernels.rmsNormBackward(dx, gamma: dgamma, rstd: drstd, gradOut: try put(g, &pool), gradX: gradX, gradGamma: gradGamma,
                                        rows: rows, n: n)
            return (try get(dout, rows * n) + get(drstd, rows), try get(gradX, rows * n) + get(gradGamma, n))
        }
        record("RMS norm forward", ["seer_rms_norm_forward"], forward, out.array + rstd.array, tolerance: 1e-4)
        record("RMS norm backward", ["seer_rms_norm_backward_x", "seer_rms_norm_backward_gamma"], backward, cx.array + cg.array,
               tolerance: 1e-3)
    }

    mutating func normalizedGate(_ op: UnaryOp) throws {
        let rows = Self.rows, n = Self.width
        let gate = random(rows * n, seed: 45, low: -5, high: 5), x = random(rows * n, seed: 46), g = random(rows * n, seed: 47)
        let gg0 = random(rows * n, seed: 48), gx0 = random(rows * n, seed: 49)
        let out = TensorStorage(count: rows * n), rstd = TensorStorage(count: rows), cg = TensorStorage(gg0), cx = TensorStorage(gx0)
        cpu.normalizedGatedForward(op, gate: TensorStorage(gate), TensorStorage(x), out, rstd: rstd, rows: rows, n: n, epsilon: 1e-6)
        cpu.normalizedGatedBackward(op, gate: TensorStorage(gate), TensorStorage(x), rstd: rstd, gradOut: TensorStorage(g), gradGate: cg,
                                    gradX: cx, rows: rows, n: n)
        let (forward, backward) = try freeing { pool in
            let dgate = try put(gate, &pool), dx = try put(x, &pool), dout = try put([Float](repeating: 0, count: rows * n), &pool)
            let drstd = try put([Float](repeating: 0, count: rows), &pool)
            try kernels.normalizedGatedForward(op, gate: dgate, dx, dout, rstd: drstd, rows: rows, n: n, epsilon: 1e-6)
            let gradGate = try put(gg0, &pool), gradX = try put(gx0, &pool)
            try kernels.normalizedGatedBackward(op, gate: dgate, dx, rstd: drstd, gradOut: try put(g, &pool), gradGate: gradGate,
                                                gradX: gradX, rows: rows, n: n)
            return (try get(dout, rows * n) + get(drstd, rows), try get(gradGate, rows * n) + get(gradX, rows * n))
        }
        record("\(op) normalised gate forward", ["seer_normalized_gated_forward"], forward, out.array + rstd.array, tolerance: 1e-4)
        record("\(op) normalised gate backward", ["seer_normalized_gated_backward"], backward, cg.array + cx.array, tolerance: 1e-3)
    }
}
