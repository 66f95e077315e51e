// The streaming protocol: NT and DiJiang, asked for a stream through `StreamableBackbone` without
// the caller knowing which net it holds, reproduce the full causal forward token by token.
import SeerBase
import SeerModels
import SeerNN
import SeerTensor
import Testing

struct StreamingProtocolTests {
    static func backbones() -> [(String, any StreamableBackbone)] {
        var rng = SeededGenerator(seed: 41)
        let nt = NTNet(config: NTConfig(width: 8, blocks: 2, topHeads: 2, maxTokens: 40), rng: &rng)
        let dijiang = DiJiangNet(config: DiJiangConfig(width: 8, heads: 2, layers: 2, maxTokens: 40), rng: &rng)
        return [("nt", nt), ("dijiang", dijiang)]
    }

    @Test func everyStreamableNetMatchesItsForward() throws {
        let t = 37, d = 8
        for (name, net) in Self.backbones() {
            let x = randomValues(t * d, seed: 42)
            let full = net(Tensor(x, shape: [1, t, d]), .inference()).array
            let stream = try #require(net.stream(batch: 1, tokens: t), "\(name) streams one sequence")
            #expect(stream.width == d && stream.batch == 1)
            var worst: Float = 0
            for i in 0..<t {
                let y = stream.next(Tensor(Array(x[(i * d)..<((i + 1) * d)]), shape: [1, d])).array
                for k in 0..<d { worst = max(worst, abs(y[k] - full[i * d + k])) }
            }
            #expect(worst <= 1e-4, "\(name): streamed outputs differ from the forward by \(worst)")
            #expect(stream.count == t)
        }
    }

    @Test func batchesAreWhatEachNetSupports() {
        let nets = Self.backbones()
        #expect(nets[0].1.stream(batch: 3, tokens: 10) == nil, "NT's frame streams one sequence")
        #expect(nets[1].1.stream(batch: 3, tokens: 10)?.batch == 3, "DiJiang's state streams many")
    }
}
