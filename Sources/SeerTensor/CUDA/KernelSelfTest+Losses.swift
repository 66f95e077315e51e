// KernelSelfTest's checks of the losses: cross-entropy with and without class weights (the loss,
// the saved probabilities and the logits' gradient) and MSE, MAE and Huber (the loss and both
// gradients).

extension KernelSelfTest {
    mutating func crossEntropy(weighted: Bool) throws {
        let rows = 9, classes = 300
        let logits = random(rows * classes, seed: 61, low: -6, high: 6), weights = random(classes, seed: 62, low: 0.2, high: 2)
        let targets = (0..<rows).map { Int32(($0 * 37) % classes) }, start = random(rows * classes, seed: 63)
        let probabilities = TensorStorage(count: rows * classes), grad = TensorStorage(start)
        let cpuWeights = weighted ? TensorStorage(weights) : nil
        let loss = cpu.crossEntropyForward(TensorStorage(logits), targets: targets, weights: cpuWeights, probabilities: probabilities,
                                           rows: rows, classes: classes)
        cpu.crossEntropyBackward(probabilities: probabilities, targets: targets, weights: cpuWeights, gradLoss: 0.7, gradLogits: grad,
                                 rows: rows, classes: classes)
        let (deviceLoss, forward, backward) = try freeing { pool in
            let dp = try put([Float](repeating: 0, count: rows * classes), &pool), dg = try put(start, &pool)
            let dw = weighted ? try put(weights, &pool) : 0
            let value = try kernels.crossEntropyForward(try put(logits, &pool), targets: targets, weights: dw, probabilities: dp, rows: rows,
                                                        classes: classes)
            try kernels.crossEntropyBackward(probabilities: dp, targets: targets, weights: dw, gradLoss: 0.7, gradLogits: dg, rows: rows,
                                             classes: classes)
            return (value, try get(dp, rows * classes), try get(dg, rows * classes))
        }
        let name = weighted ? "cross-entropy (class weights)" : "cross-entropy"
        record(name + " forward", ["seer_cross_entropy_forward"], [deviceLoss] + forward, [loss] + probabilities.array, tolerance: 1e-4)
        record(name + " backward", ["seer_cross_entropy_backward"], backward, grad.array, tolerance: 1e-3)
    }

    mutating func regressionLoss(_ loss: RegressionLoss) throws {
        let n = 900
        let p = random(n, seed: 64), t = random(n, seed: 65), gp0 = random(n, seed: 66), gt0 = random(n, seed: 67)
        let value = cpu.regressionLossForward(loss, TensorStorage(p), TensorStorage(t))
        let gp = TensorStorage(gp0), gt = TensorStorage(gt0)
        cpu.regressionLossBackward(loss, TensorStorage(p), TensorStorage(t), gradLoss: 1.3, gradPrediction: gp, gradTarget: gt)
        let (deviceValue, grads) = try freeing { pool in
            let dp = try put(p, &pool), dt = try put(t, &pool), dgp = try put(gp0, &pool), dgt = try put(gt0, &pool)
            let value = try kernels.regressionLossForward(loss, dp, dt, count: n)
            try kernels.regressionLossBackward(loss, dp, dt, gradLoss: 1.3, gradPrediction: dgp, gradTarget: dgt, count: n)
            return (value, try get(dgp, n) + get(dgt, n))
        }
        record("\(loss) loss forward", ["seer_regression_loss_forward"], [deviceValue], [value], tolerance: 1e-6)
        record("\(loss) loss backward", ["seer_regression_loss_backward"], grads, gp.array + gt.array, tolerance: 1e-6)
    }
}
