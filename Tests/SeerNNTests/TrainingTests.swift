// End-to-end training of tiny nets on fixed problems: the loss falls, the same seed gives
// bit-identical weights after 20 steps, and a different seed gives different ones.
import SeerBase
import Testing
@testable import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// A 2-layer MLP: Linear → GELU → Linear.
struct TinyMLP: ParameterContainer {
    let first: Linear, second: Linear
    init(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        first = Linear("fc1", inputs: 4, outputs: 16, rng: &rng)
        second = Linear("fc2", inputs: 16, outputs: 1, rng: &rng)
    }
    var parameters: [Parameter] { first.parameters + second.parameters }
    func callAsFunction(_ x: Tensor, on tape: Tape?) -> Tensor { second(first(x, on: tape).gelu(), on: tape) }
}

/// A pre-LN causal self-attention block with a linear read-out: [B, T, 1] → [B, T, 1].
struct TinyAttention: ParameterContainer {
    let embed: Linear, norm: LayerNorm, query: Linear, key: Linear, value: Linear, output: Linear, head: Linear
    let heads = 2, width = 8
    init(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        embed = Linear("embed", inputs: 1, outputs: 8, rng: &rng)
        norm = LayerNorm("ln", features: 8)
        query = Linear("q", inputs: 8, outputs: 8, rng: &rng)
        key = Linear("k", inputs: 8, outputs: 8, rng: &rng)
        value = Linear("v", inputs: 8, outputs: 8, rng: &rng)
        output = Linear("o", inputs: 8, outputs: 8, rng: &rng)
        head = Linear("head", inputs: 8, outputs: 1, rng: &rng)
    }
    var parameters: [Parameter] {
        let containers: [any ParameterContainer] = [embed, norm, query, key, value, output, head]
        return containers.flatMap(\.parameters)
    }

    func callAsFunction(_ x: Tensor, on tape: Tape?) -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        let h = embed(x, on: tape)
        let n = norm(h, on: tape)
        func split(_ y: Tensor) -> Tensor { y.reshaped([b, t, heads, width / heads]).permuted([0, 2, 1, 3]) }
        let attended = Tensor.causalAttention(query: split(query(n, on: tape)), key: split(key(n, on: tape)),
                                              value: split(value(n, on: tape)), mode: .streamed)
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([b, t, width])
        return head(h + output(merged, on: tape), on: tape)
    }
}

struct TrainingTests {
    /// y = sin(x₀ + x₁) − x₂·x₃/2 on 32 fixed points.
    static let regression: (x: Tensor, y: Tensor) = {
        var rng = SeededGenerator(seed: 99)
        var xs: [Float] = [], ys: [Float] = []
        for _ in 0..<32 {
            let v = (0..<4).map { _ in rng.uniform(-1, 1) }
            xs += v
            ys.append(sinf(v[0] + v[1]) - v[2] * v[3] / 2)
        }
        return (Tensor(xs, shape: [32, 4]), Tensor(ys, shape: [32, 1]))
    }()

    /// AdamW (lr 1e-2, decay 0.01) on `loss`, returning the loss before each step.
    static func train(_ parameters: [Parameter], steps: Int, clip: Float?, loss: (Tape) -> Tensor) -> [Float] {
        let group = ParameterGroup(parameters)
        let optimizer = Adam.adamW(group, weightDecay: 0.01)
        var losses: [Float] = []
        for _ in 0..<steps {
            let tape = Tape()
            let value = loss(tape)
            losses.append(value.item)
            optimizer.zeroGradients()
            tape.backward(value)
            if let clip { group.clipGradientNorm(clip) }
            optimizer.step(learningRate: 1e-2)
        }
        return losses
    }

    func trainMLP(seed: UInt64, steps: Int) -> (losses: [Float], weights: [[Float]]) {
        let model = TinyMLP(seed: seed)
        let losses = Self.train(model.parameters, steps: steps, clip: 1) { model(Self.regression.x, on: $0).mseLoss(Self.regression.y) }
        return (losses, model.parameters.map(\.values))
    }

    @Test func mlpLearnsTheRegression() {
        let run = trainMLP(seed: 1, steps: 150)
        #expect(run.losses.allSatisfy { $0.isFinite })
        #expect(run.losses.last! < run.losses.first! * 0.3, "loss \(run.losses.first!) → \(run.losses.last!)")
    }

    @Test func sameSeedIsBitIdenticalAndAnotherSeedDiffers() {
        let a = trainMLP(seed: 7, steps: 20), b = trainMLP(seed: 7, steps: 20), c = trainMLP(seed: 8, steps: 20)
        #expect(a.weights == b.weights, "same seed, same weights bit for bit")
        #expect(a.losses == b.losses)
        #expect(a.weights != c.weights, "another seed, other weights")
    }

    func trainAttention(seed: UInt64, steps: Int) -> (losses: [Float], weights: [[Float]]) {
        // Next-value prediction on two phase-shifted sines of 12 steps.
        let t = 12
        var inputs: [Float] = [], targets: [Float] = []
        for b in 0..<2 {
            let series = (0...t).map { sinf(Float($0) * 0.6 + Float(b)) }
            inputs += series.prefix(t)
            targets += series.dropFirst()
        }
        let x = Tensor(inputs, shape: [2, t, 1]), y = Tensor(targets, shape: [2, t, 1])
        let model = TinyAttention(seed: seed)
        let losses = Self.train(model.parameters, steps: steps, clip: nil) { model(x, on: $0).mseLoss(y) }
        return (losses, model.parameters.map(\.values))
    }

    @Test func attentionBlockLearnsNextValue() {
        let run = trainAttention(seed: 3, steps: 120)
        #expect(run.losses.allSatisfy { $0.isFinite })
        #expect(run.losses.last! < run.losses.first! * 0.2, "loss \(run.losses.first!) → \(run.losses.last!)")
        let again = trainAttention(seed: 3, steps: 20), other = trainAttention(seed: 4, steps: 20)
        #expect(again.weights == trainAttention(seed: 3, steps: 20).weights)
        #expect(again.weights != other.weights)
    }
}
