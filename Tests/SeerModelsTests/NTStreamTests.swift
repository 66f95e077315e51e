// The NT streaming step reproduces the full-sequence forward over a 200-token frame.
import SeerBase
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

struct NTStreamTests {
    @Test(arguments: [1, 0])
    func streamMatchesFullForward(natt: Int) {
        var rng = SeededGenerator(seed: 21)
        let d = 16, t = 200
        let net = NTNet(config: NTConfig(width: d, blocks: 2, topAttentionLayers: natt, topHeads: 4, maxTokens: t), rng: &rng)
        let x = randomValues(t * d, seed: 22)
        let full = net(Tensor(x, shape: [1, t, d]), .inference()).array
        let stream = NTStream(net: net, tokens: t)
        var worst: Float = 0
        for i in 0..<t {
            let y = stream.step(Tensor(Array(x[(i * d)..<((i + 1) * d)]), shape: [d])).array
            for k in 0..<d { worst = max(worst, abs(y[k] - full[i * d + k])) }
        }
        #expect(worst <= 1e-4, "streamed outputs differ from the full forward by \(worst)")
        #expect(stream.count == t)
    }

    @Test func shortFrameWithoutLevels() {
        var rng = SeededGenerator(seed: 23)
        let net = NTNet(config: NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 16), rng: &rng)
        let x = randomValues(9 * 8, seed: 24)
        let full = net(Tensor(x, shape: [1, 9, 8]), .inference()).array
        let stream = NTStream(net: net, tokens: 9)
        for i in 0..<9 {
            let y = stream.step(Tensor(Array(x[(i * 8)..<((i + 1) * 8)]), shape: [8])).array
            for k in 0..<8 { #expect(abs(y[k] - full[i * 8 + k]) <= 1e-5) }
        }
    }
}
