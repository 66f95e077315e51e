// The DiJiang-style net's pieces (MODELS.md §3): the DCT feature map's test vector and its
// quasi-Monte-Carlo scales, the initial decay spans, and the recurrent stream against the full
// chunked forward. Gradients, causality and save/load are in the shared net suites.
import SeerBase
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

struct DiJiangTests {
    @Test func featureMapTestVector() {
        let q = Tensor([1, 2, 3, 4], shape: [1, 4])
        // τ = 1: the plain orthonormal DCT-II.
        let dct = q.matmul(DCTFeatureMap(tau: [1, 1, 1, 1]).projection).array
        for (a, b) in zip(dct, [5, -2.230442, 0, -0.158513] as [Float]) { #expect(abs(a - b) <= 1e-5, "C·q: \(dct)") }
        let map = DCTFeatureMap(tau: [0.5, -1, 1.5, 2])
        let z = q.matmul(map.projection).array
        for (a, b) in zip(z, [2.5, 2.230442, 0, -0.317025] as [Float]) { #expect(abs(a - b) <= 1e-5, "z: \(z)") }
        let phi = map(q).array
        for (a, b) in zip(phi, [0.524773, 0.400778, 0.043076, 0.031373] as [Float]) { #expect(abs(a - b) <= 1e-5, "φ: \(phi)") }
    }

    @Test func quasiMonteCarloScales() {
        let expected = [-1.534121, -0.887147, -0.488776, -0.157311, 0.157311, 0.488776, 0.887147, 1.534121]
        let scales = DCTFeatureMap.quasiMonteCarloScales(8)
        for (a, b) in zip(scales, expected) { #expect(abs(a - b) <= 1e-6, "τ: \(scales)") }
        #expect(abs(DCTFeatureMap.inverseNormal(0.975) - 1.959963985) <= 1e-8)
        // A seeded permutation of them: the same for the same seed, another for another seed.
        let a = DCTFeatureMap(size: 8, seed: 1).tau, b = DCTFeatureMap(size: 8, seed: 1).tau, c = DCTFeatureMap(size: 8, seed: 2).tau
        #expect(a.sorted() == scales && a == b && a != c)
    }

    @Test func decaySpansAreLogSpacedFromFourToTheTrainingLength() {
        let theta = DiJiangConfig.initialDecayLogits(heads: 4, maxTokens: 1024)
        let spans = theta.map { 1 / (1 - 1 / (1 + exp(-Double($0)))) }
        #expect(abs(spans[0] - 4) <= 1e-3 && abs(spans[3] - 1024) <= 1)
        #expect(abs(spans[1] / spans[0] - spans[2] / spans[1]) <= 1e-2 && abs(spans[2] / spans[1] - spans[3] / spans[2]) <= 1e-2)
        // SequenceModel sizes them to its look-back.
        let model = tinyDiJiang(lookback: 50)
        let net = model.backbone as! DiJiangNet
        #expect(net.config.maxTokens == 50)
        #expect(abs(net.blocks[0].decay.values[1] - Float(log(49.0))) <= 1e-5)
    }

    @Test(arguments: [false, true])
    func streamMatchesFullForward(featureWeights: Bool) {
        var rng = SeededGenerator(seed: 31)
        let d = 16, t = 200, batch = 2
        let net = DiJiangNet(config: DiJiangConfig(width: d, heads: 4, layers: 2, ffnMultiplier: 2, featureWeights: featureWeights,
                                                   maxTokens: t), rng: &rng)
        // Move the decays and feature weights off their initial values, so the test sees them used.
        for block in net.blocks {
            let moved: [Float] = block.decay.values.enumerated().map { (i: Int, theta: Float) -> Float in theta + 0.3 * Float(i) - 0.2 }
            block.decay.load(moved)
            block.featureWeights?.load(randomValues(d / 4, seed: 5).map { 1 + 0.5 * $0 })
        }
        let x = randomValues(batch * t * d, seed: 32)
        let full = net(Tensor(x, shape: [batch, t, d]), .inference()).array
        let stream = DiJiangStream(net: net, batch: batch)
        var worst: Float = 0
        for i in 0..<t {
            var token: [Float] = []
            for b in 0..<batch {
                let start = (b * t + i) * d
                token += x[start..<(start + d)]
            }
            let y = stream.step(Tensor(token, shape: [batch, d])).array
            for b in 0..<batch { for k in 0..<d { worst = max(worst, abs(y[b * d + k] - full[(b * t + i) * d + k])) } }
        }
        #expect(worst <= 1e-4, "streamed outputs differ from the full forward by \(worst)")
        #expect(stream.count == t)
    }
}
