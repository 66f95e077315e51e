// Gradient checks for the normalisation kernel pairs — layer norm in x, γ and β; RMS norm in x
// and γ — and for the embedding gather (with repeated indices, whose gradients must add up).
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift). Rows have
// a spread of O(1) (x in ±2, plus a per-row offset for layer norm so the mean subtraction is
// exercised), so 1/σ stays O(1) and the Float32 cancellation in x − μ costs little.
import Testing
@testable import SeerTensor

/// Naive layer norm of each row of length n: (x − μ)/√(var + ε)·γ + β, var the biased variance.
func referenceLayerNorm(_ x: [Double], _ gamma: [Double], _ beta: [Double], n: Int, epsilon: Double) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    for r in 0..<(x.count / n) {
        var mean = 0.0, variance = 0.0
        for j in 0..<n { mean += x[r * n + j] }
        mean /= Double(n)
        for j in 0..<n { variance += (x[r * n + j] - mean) * (x[r * n + j] - mean) }
        variance /= Double(n)
        for j in 0..<n { out[r * n + j] = (x[r * n + j] - mean) / (variance + epsilon).squareRoot() * gamma[j] + beta[j] }
    }
    return out
}

/// Naive RMS norm of each row of length n: x/√(mean(x²) + ε)·γ.
func referenceRMSNorm(_ x: [Double], _ gamma: [Double], n: Int, epsilon: Double) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    for r in 0..<(x.count / n) {
        var squares = 0.0
        for j in 0..<n { squares += x[r * n + j] * x[r * n + j] }
        let rms = (squares / Double(n) + epsilon).squareRoot()
        for j in 0..<n { out[r * n + j] = x[r * n + j] / rms * gamma[j] }
    }
    return out
}

/// Naive row gather: out[r] = table[indices[r]].
func referenceGather(_ table: [Double], _ indices: [Int32], d: Int) -> [Double] {
    indices.flatMap { i in table[(Int(i) * d)..<((Int(i) + 1) * d)] }
}

struct NormGradientTests {
    /// Rows of x in ±2 with a random offset per row (|offset| ≤ 3).
    func rows(_ rows: Int, _ n: Int, _ rng: inout SplitMix64) -> [Double] {
        (0..<rows).flatMap { _ in
            let offset = rng.uniform(-3...3)
            return rng.values(n, in: -2...2).map { Double(Float($0 + offset)) }
        }
    }

    @Test func layerNorm() {
        var rng = SplitMix64(seed: 61)
        let x = Operand(rows(6, 7, &rng), [2, 3, 7])
        let gamma = Operand.random([7], &rng, in: 0.5...1.5), beta = Operand.random([7], &rng)
        checkOp("layerNorm", [x, gamma, beta], seed: 61,
                seer: { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) },
                reference: { referenceLayerNorm($0[0], $0[1], $0[2], n: 7, epsilon: Double(Float(1e-5))) })
    }

    @Test func layerNormLargeEpsilonAndOnlyXTracked() {
        // ε = 0.5 is comparable to the variance, so a kernel that dropped or misplaced ε fails.
        var rng = SplitMix64(seed: 62)
        let x = Operand(rows(4, 5, &rng), [4, 5])
        var gamma = Operand.random([5], &rng, in: 0.5...1.5), beta = Operand.random([5], &rng)
        checkOp("layerNorm ε=0.5", [x, gamma, beta], seed: 62,
                seer: { $0[0].layerNorm(gamma: $0[1], beta: $0[2], epsilon: 0.5) },
                reference: { referenceLayerNorm($0[0], $0[1], $0[2], n: 5, epsilon: 0.5) })
        gamma.differentiable = false
        beta.differentiable = false
        checkOp("layerNorm constant γ, β", [x, gamma, beta], seed: 63,
                seer: { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) },
                reference: { referenceLayerNorm($0[0], $0[1], $0[2], n: 5, epsilon: Double(Float(1e-5))) })
    }

    @Test func rmsNorm() {
        var rng = SplitMix64(seed: 64)
        let x = Operand(rows(6, 7, &rng), [2, 3, 7])
        let gamma = Operand.random([7], &rng, in: 0.5...1.5)
        checkOp("rmsNorm", [x, gamma], seed: 64, seer: { $0[0].rmsNorm(gamma: $0[1]) },
                reference: { referenceRMSNorm($0[0], $0[1], n: 7, epsilon: Double(Float(1e-6))) })
    }

    @Test func rmsNormLargeEpsilon() {
        var rng = SplitMix64(seed: 65)
        let x = Operand.random([3, 4], &rng)
        let gamma = Operand.random([4], &rng, in: 0.5...1.5)
        checkOp("rmsNorm ε=0.3", [x, gamma], seed: 65, seer: { $0[0].rmsNorm(gamma: $0[1], epsilon: 0.3) },
                reference: { referenceRMSNorm($0[0], $0[1], n: 4, epsilon: Double(Float(0.3))) })
    }

    @Test func gatherWithRepeatedIndices() {
        var rng = SplitMix64(seed: 66)
        let table = Operand.random([5, 3], &rng)
        // Row 2 three times, row 0 twice, row 4 never (its gradient must stay 0).
        let indices: [Int32] = [2, 0, 2, 1, 3, 2, 0]
        let check = checkOp("gather", [table], seed: 66, seer: { $0[0].gather(rows: indices) },
                            reference: { referenceGather($0[0], indices, d: 3) })
        #expect(check.gradients.first.map { Array($0[12..<15]) } == [0, 0, 0])
    }

    @Test func gatherWithIndexShape() {
        // [batch, time] indices give [batch, time, d] rows.
        var rng = SplitMix64(seed: 67)
        let table = Operand.random([4, 2], &rng)
        let indices: [Int32] = [3, 3, 1, 0, 3, 2]
        let check = checkOp("gather [2,3]", [table], seed: 67,
                            seer: { $0[0].gather(rows: indices, indexShape: [2, 3]) },
                            reference: { referenceGather($0[0], indices, d: 2) })
        #expect(check.outputs.count == 1)
        let shaped = Tensor.zeros([4, 2]).gather(rows: indices, indexShape: [2, 3])
        #expect(shaped.shape == [2, 3, 2])
    }
}

/// LayerNorm's one-pass moments are shifted by each row's first value: rows far from zero, and
/// rows whose first value is an outlier, must still normalise to Double precision's answer.
struct LayerNormMomentTests {
    @Test(arguments: [(1000.0, false), (-250.0, false), (0.0, true), (500.0, true)])
    func farFromZeroAndOutliers(offset: Double, outlierFirst: Bool) {
        var rng = SplitMix64(seed: 71)
        let n = 37
        var values = (0..<(3 * n)).map { _ in Double(Float(offset + rng.uniform(-1...1))) }
        if outlierFirst { for r in 0..<3 { values[r * n] = Double(Float(offset + 40)) } }
        let gamma = [Double](repeating: 1, count: n), beta = [Double](repeating: 0, count: n)
        let got = Tensor(values.map(Float.init), shape: [3, n])
            .layerNorm(gamma: Tensor(gamma.map(Float.init), shape: [n]), beta: Tensor(beta.map(Float.init), shape: [n])).array
        let expected = referenceLayerNorm(values, gamma, beta, n: n, epsilon: Double(Float(1e-5)))
        for i in got.indices { #expect(abs(Double(got[i]) - expected[i]) <= 2e-3, "\(i): \(got[i]) vs \(expected[i])") }
    }
}
