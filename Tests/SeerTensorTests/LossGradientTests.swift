// Gradient checks for the loss kernel pairs: cross-entropy with and without class weights
// (logits are its only differentiable operand: targets are indices and the class weights are
// constants the op does not record), and the MSE, MAE and Huber regression losses in both the
// prediction and the target.
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift). MAE and
// Huber inputs keep every residual ≥ 0.1 away from their kinks (0, and ±δ) so the finite
// differences see a smooth function.
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SeerTensor

/// Naive weighted-mean cross-entropy: Σ_r w[y_r]·(log Σ_j e^{x_rj} − x_{r,y_r}) / Σ_r w[y_r].
func referenceCrossEntropy(_ logits: [Double], targets: [Int32], weights: [Double]?, classes: Int) -> Double {
    var total = 0.0, weightSum = 0.0
    for r in 0..<targets.count {
        let y = Int(targets[r]), w = weights?[y] ?? 1
        var sum = 0.0
        for j in 0..<classes { sum += exp(logits[r * classes + j]) }
        total += w * (log(sum) - logits[r * classes + y])
        weightSum += w
    }
    return total / weightSum
}

/// Naive mean regression loss over residuals d = p − t.
func referenceRegressionLoss(_ loss: RegressionLoss, _ p: [Double], _ t: [Double]) -> Double {
    var total = 0.0
    for i in p.indices {
        let d = p[i] - t[i]
        switch loss {
        case .mse: total += d * d
        case .mae: total += abs(d)
        case .huber(let delta):
            let delta = Double(delta)
            total += abs(d) <= delta ? 0.5 * d * d : delta * (abs(d) - 0.5 * delta)
        }
    }
    return total / Double(p.count)
}

struct LossGradientTests {
    func targets(_ rows: Int, classes: Int, _ rng: inout SplitMix64) -> [Int32] {
        (0..<rows).map { _ in Int32(rng.index(below: classes)) }
    }

    @Test func crossEntropyUnweighted() {
        var rng = SplitMix64(seed: 51)
        let logits = Operand.random([6, 5], &rng, in: -3...3)
        let y = targets(6, classes: 5, &rng)
        checkOp("crossEntropy", [logits], seed: 51, seer: { $0[0].crossEntropy(targets: y) },
                reference: { [referenceCrossEntropy($0[0], targets: y, weights: nil, classes: 5)] })
    }

    @Test func crossEntropyRank3Logits() {
        // [batch, time, classes]: one target per (batch, time) row.
        var rng = SplitMix64(seed: 52)
        let logits = Operand.random([2, 3, 4], &rng, in: -3...3)
        let y = targets(6, classes: 4, &rng)
        checkOp("crossEntropy rank 3", [logits], seed: 52, seer: { $0[0].crossEntropy(targets: y) },
                reference: { [referenceCrossEntropy($0[0], targets: y, weights: nil, classes: 4)] })
    }

    @Test func crossEntropyWeighted() {
        var rng = SplitMix64(seed: 53)
        let logits = Operand.random([7, 4], &rng, in: -3...3)
        let y = targets(7, classes: 4, &rng)
        let weights = rng.values(4, in: 0.2...3)
        let weightTensor = Tensor(weights.map { Float($0) }, shape: [4])
        checkOp("crossEntropy weighted", [logits], seed: 53,
                seer: { $0[0].crossEntropy(targets: y, classWeights: weightTensor) },
                reference: { [referenceCrossEntropy($0[0], targets: y, weights: weights, classes: 4)] })
    }

    @Test func crossEntropyConfidentLogits() {
        // Logits ±30: p_y underflows in Float32 for the wrong rows; the loss must stay finite.
        var rng = SplitMix64(seed: 54)
        let logits = Operand.random([4, 3], &rng, in: -30...30)
        let y = targets(4, classes: 3, &rng)
        checkOp("crossEntropy confident", [logits], seed: 54, seer: { $0[0].crossEntropy(targets: y) },
                reference: { [referenceCrossEntropy($0[0], targets: y, weights: nil, classes: 3)] })
    }

    /// Prediction and target whose residuals avoid |d| ∈ [δ − 0.1, δ + 0.1] and |d| < 0.1.
    func predictionAndTarget(_ shape: Shape, kink delta: Double?, _ rng: inout SplitMix64) -> (Operand, Operand) {
        let t = rng.values(shape.count, in: -2...2)
        let p = t.map { target -> Double in
            var magnitude: Double
            repeat { magnitude = rng.uniform(0.1...2.5) } while delta.map { abs(magnitude - $0) < 0.1 } ?? false
            let d = rng.next() & 1 == 0 ? magnitude : -magnitude
            return Double(Float(target + d))
        }
        return (Operand(p, shape), Operand(t, shape))
    }

    @Test func mse() {
        var rng = SplitMix64(seed: 55)
        let (p, t) = predictionAndTarget([3, 4], kink: nil, &rng)
        checkOp("mse", [p, t], seed: 55, seer: { $0[0].mseLoss($0[1]) },
                reference: { [referenceRegressionLoss(.mse, $0[0], $0[1])] })
    }

    @Test func mae() {
        var rng = SplitMix64(seed: 56)
        let (p, t) = predictionAndTarget([3, 4], kink: nil, &rng)
        checkOp("mae", [p, t], seed: 56, seer: { $0[0].maeLoss($0[1]) },
                reference: { [referenceRegressionLoss(.mae, $0[0], $0[1])] })
    }

    @Test(arguments: [Float(1), 0.5])
    func huber(delta: Float) {
        // Residuals on both sides of δ, so both the quadratic and the linear branch are checked.
        var rng = SplitMix64(seed: 57)
        let (p, t) = predictionAndTarget([4, 5], kink: Double(delta), &rng)
        let d = zip(p.values, t.values).map { abs($0 - $1) }
        #expect(d.contains { $0 < Double(delta) } && d.contains { $0 > Double(delta) })
        checkOp("huber δ=\(delta)", [p, t], seed: 57, seer: { $0[0].huberLoss($0[1], delta: delta) },
                reference: { [referenceRegressionLoss(.huber(delta: delta), $0[0], $0[1])] })
    }

    @Test func regressionLossOnlyPredictionTracked() {
        // The usual training case: the target is data, not a tracked tensor.
        var rng = SplitMix64(seed: 58)
        var (p, t) = predictionAndTarget([2, 3], kink: 1, &rng)
        t.differentiable = false
        for loss in [RegressionLoss.mse, .mae, .huber(delta: 1)] {
            checkOp("\(loss) untracked target", [p, t], seed: 58, seer: { $0[0].regressionLoss(loss, target: $0[1]) },
                    reference: { [referenceRegressionLoss(loss, $0[0], $0[1])] })
        }
        p.differentiable = false
        t.differentiable = true
        checkOp("mse untracked prediction", [p, t], seed: 59, seer: { $0[0].mseLoss($0[1]) },
                reference: { [referenceRegressionLoss(.mse, $0[0], $0[1])] })
    }
}
