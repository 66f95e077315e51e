// Causality of the sequence ops: changing inputs at times t+1… must leave every output at times
// ≤ t bit-for-bit unchanged (causal conv, attention in both modes), and conversely a loss that
// only reads outputs at times ≤ t must give exactly zero gradient to inputs after t. Exact
// equality is the right bar: the kernels never read a future value into a past output, and the
// masked entries they do touch are multiplied by an exact 0. Attention uses T = 70 so the cut
// points fall in the first 64-row block, on its edge and in the second block.
import Testing
@testable import SeerTensor

struct CausalityTests {
    /// `values` ([batch or heads, time, width]) with every step after `t` replaced by fresh noise.
    func perturbFuture(_ values: [Float], after t: Int, leading: Int, time: Int, width: Int, _ rng: inout SplitMix64) -> [Float] {
        var out = values
        for l in 0..<leading {
            for s in (t + 1)..<time {
                for c in 0..<width { out[(l * time + s) * width + c] = Float(rng.uniform(-5...5)) }
            }
        }
        return out
    }

    /// The entries of a [leading, time, width] array at times ≤ t.
    func past(_ values: [Float], through t: Int, leading: Int, time: Int, width: Int) -> [Float] {
        (0..<leading).flatMap { l in values[(l * time * width)..<((l * time + t + 1) * width)] }
    }

    /// Weights that are random at times ≤ t and 0 after.
    func pastOnlyWeights(through t: Int, leading: Int, time: Int, width: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<(leading * time * width)).map { i in (i / width) % time <= t ? Float(rng.uniform(-1...1)) : 0 }
    }

    /// True when every entry of `values` at times after `t` is exactly zero.
    func futureIsZero(_ values: [Float], after t: Int, leading: Int, time: Int, width: Int) -> Bool {
        values.indices.allSatisfy { i in (i / width) % time <= t || values[i] == 0 }
    }

    @Test(arguments: [1, 3, 4])
    func causalConv(kernel: Int) throws {
        var rng = SplitMix64(seed: 301)
        let (batch, time, channels) = (2, 9, 3)
        let x = rng.values(batch * time * channels).map { Float($0) }
        let weight = Tensor(rng.values(channels * kernel).map { Float($0) }, shape: [channels, kernel])
        let bias = Tensor(rng.values(channels).map { Float($0) }, shape: [channels])
        let shape: Shape = [batch, time, channels]
        let y = Tensor(x, shape: shape).causalDepthwiseConv(weight: weight, bias: bias).array
        for t in [0, 2, 5, 7] {
            let changed = perturbFuture(x, after: t, leading: batch, time: time, width: channels, &rng)
            let y2 = Tensor(changed, shape: shape).causalDepthwiseConv(weight: weight, bias: bias).array
            #expect(past(y2, through: t, leading: batch, time: time, width: channels)
                    == past(y, through: t, leading: batch, time: time, width: channels), "K=\(kernel): output ≤ \(t) changed")

            let tape = Tape()
            let tx = tape.watch(Tensor(x, shape: shape))
            let out = tx.causalDepthwiseConv(weight: weight, bias: bias)
            let w = pastOnlyWeights(through: t, leading: batch, time: time, width: channels, &rng)
            tape.backward(weightedSum([out], weights: w, on: tape))
            let gx = try #require(tape.gradient(of: tx))
            #expect(futureIsZero(gx, after: t, leading: batch, time: time, width: channels),
                    "K=\(kernel): a loss on outputs ≤ \(t) sends gradient to later inputs")
        }
    }

    @Test(arguments: AttentionMode.allCases)
    func attention(mode: AttentionMode) throws {
        var rng = SplitMix64(seed: 302)
        let (heads, time, d) = (2, 70, 3)
        let shape: Shape = [heads, time, d]
        let qkv = (0..<3).map { _ in rng.values(shape.count, in: -1.5...1.5).map { Float($0) } }
        func attend(_ v: [[Float]]) -> [Float] {
            Tensor.causalAttention(query: Tensor(v[0], shape: shape), key: Tensor(v[1], shape: shape),
                                   value: Tensor(v[2], shape: shape), mode: mode).array
        }
        let o = attend(qkv)
        for t in [0, 10, 63, 64, 68] {
            // Future queries, keys and values all change at once, then each alone.
            for which in [[0, 1, 2], [0], [1], [2]] {
                var changed = qkv
                for i in which { changed[i] = perturbFuture(qkv[i], after: t, leading: heads, time: time, width: d, &rng) }
                #expect(past(attend(changed), through: t, leading: heads, time: time, width: d)
                        == past(o, through: t, leading: heads, time: time, width: d),
                        "\(mode): output ≤ \(t) changed when inputs \(which) changed after it")
            }

            let tape = Tape()
            let inputs = qkv.map { tape.watch(Tensor($0, shape: shape)) }
            let out = Tensor.causalAttention(query: inputs[0], key: inputs[1], value: inputs[2], mode: mode)
            let w = pastOnlyWeights(through: t, leading: heads, time: time, width: d, &rng)
            tape.backward(weightedSum([out], weights: w, on: tape))
            for (i, name) in ["dQ", "dK", "dV"].enumerated() {
                let g = try #require(tape.gradient(of: inputs[i]))
                #expect(futureIsZero(g, after: t, leading: heads, time: time, width: d),
                        "\(mode): a loss on outputs ≤ \(t) sends \(name) to later steps")
            }
        }
    }
}
