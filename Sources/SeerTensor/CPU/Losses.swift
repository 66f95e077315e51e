// Fused cross-entropy (softmax + negative log-likelihood, optional class weights, weighted
// mean as PyTorch's) and the regression losses MSE, MAE and Huber (means over all elements).
// Sums run in Double in a fixed order, so the loss does not depend on the thread count.
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    // logits, probabilities: [rows, classes]; targets: [rows]; weights: [classes]
    public func crossEntropyForward(_ logits: TensorStorage, targets: [Int32], weights: TensorStorage?,
                                    probabilities: TensorStorage, rows: Int, classes: Int) -> Float {
        softmaxForward(logits, probabilities, rows: rows, n: classes, log: false)
        var total = 0.0, weightSum = 0.0
        let lp = logits.pointer
        for r in 0..<rows {
            let y = Int(targets[r])
            let w = Double(weights?.pointer[y] ?? 1)
            // −log p_y computed from logits (log-sum-exp) for accuracy when p_y underflows.
            let row = lp + r * classes
            var maximum = -Float.infinity
            for j in 0..<classes { maximum = max(maximum, row[j]) }
            var sum = 0.0
            for j in 0..<classes { sum += exp(Double(row[j] - maximum)) }
            let nll = log(sum) + Double(maximum) - Double(row[y])
            total += w * nll
            weightSum += w
        }
        return Float(total / weightSum)
    }

    // dlogits[r] += gradLoss · w[y_r] · (p_r − onehot(y_r)) / Σ w[y]
    public func crossEntropyBackward(probabilities: TensorStorage, targets: [Int32], weights: TensorStorage?,
                                     gradLoss: Float, gradLogits: TensorStorage, rows: Int, classes: Int) {
        var weightSum = 0.0
        for r in 0..<rows { weightSum += Double(weights?.pointer[Int(targets[r])] ?? 1) }
        let p = probabilities.pointer, g = gradLogits.pointer
        let base = gradLoss / Float(weightSum)
        Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, classes))) { range in
            for r in range {
                let y = Int(targets[r])
                let factor = base * (weights?.pointer[y] ?? 1)
                let pr = p + r * classes, gr = g + r * classes
                for j in 0..<classes { gr[j] += factor * pr[j] }
                gr[y] -= factor
            }
        }
    }

    // prediction, target: [count]
    public func regressionLossForward(_ loss: RegressionLoss, _ prediction: TensorStorage, _ target: TensorStorage) -> Float {
        let p = prediction.pointer, t = target.pointer
        var total = 0.0
        for i in 0..<prediction.count {
            let d = Double(p[i] - t[i])
            switch loss {
            case .mse: total += d * d
            case .mae: total += abs(d)
            case .huber(let delta):
                let a = abs(d), dd = Double(delta)
                total += a <= dd ? 0.5 * d * d : dd * (a - 0.5 * dd)
            }
        }
        return Float(total / Double(max(1, prediction.count)))
    }

    // dℓ/dp: 2d/n, sign(d)/n, clamp(d, ±δ)/n; dℓ/dt = −dℓ/dp
    public func regressionLossBackward(_ loss: RegressionLoss, _ prediction: TensorStorage, _ target: TensorStorage, gradLoss: Float,
                                       gradPrediction: TensorStorage?, gradTarget: TensorStorage?) {
        let p = prediction.pointer, t = target.pointer
        let scale = gradLoss / Float(max(1, prediction.count))
        let gp = gradPrediction?.pointer, gt = gradTarget?.pointer
        Parallelism.forEachChunk(prediction.count) { range in
            for i in range {
                let d = p[i] - t[i]
                let slope: Float
                switch loss {
                case .mse: slope = 2 * d
                case .mae: slope = d > 0 ? 1 : (d < 0 ? -1 : 0)
                case .huber(let delta): slope = min(max(d, -delta), delta)
                }
                gp?[i] += scale * slope
                gt?[i] -= scale * slope
            }
        }
    }
}
