// Whole-net finite-difference gradient checks on tiny configurations (MODELS.md: every net).
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

struct NetGradientTests {
    @Test(arguments: [AttentionMode.streamed, .stored])
    func gpt(attention: AttentionMode) {
        let model = tinyGPT(lookback: 10, attention: attention)
        let x = Tensor(randomValues(2 * 10, seed: 3), shape: [2, 10, 1])
        checkWholeNetGradients("gpt \(attention)", parameters: model.parameters) { model(x, $0) }
    }

    @Test(arguments: [0, 1])
    func nt(natt: Int) {
        // 40 tokens: 2 levels, 10 top nodes, padded to 40; the direct head covers RevIN too.
        let model = tinyNT(lookback: 40, head: .direct(horizon: 3), natt: natt)
        let x = Tensor(randomValues(2 * 40, seed: 4), shape: [2, 40, 1])
        checkWholeNetGradients("nt natt=\(natt)", parameters: model.parameters) { model(x, $0) }
    }

    @Test func ntWithPaddingAndPatches() {
        // 37 steps, patches of 4 stride 2 → 17 tokens: 1 level, 9 top nodes, padded to 18.
        let config = SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 17)),
                                         head: .autoregressive, lookback: 37, tokenization: .patch(length: 4, stride: 2),
                                         position: .sinusoidal, seed: 2)
        let model = SequenceModel(config)
        let x = Tensor(randomValues(2 * 37, seed: 5), shape: [2, 37, 1])
        checkWholeNetGradients("nt patches", parameters: model.parameters) { model(x, $0) }
    }

    @Test func directHeadWithLinearSkip() {
        // Two independent channels, RevIN, patches, and the look-back → horizon skip beside the head.
        let config = SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 7)),
                                         head: .direct(horizon: 3), lookback: 16, channels: 2, tokenization: .patch(length: 4, stride: 2),
                                         linearSkip: true, seed: 6)
        let model = SequenceModel(config)
        #expect(model.skip?.parameters.map(\.count) == [16 * 3, 3])
        let x = Tensor(randomValues(2 * 16 * 2, seed: 11), shape: [2, 16, 2])
        checkWholeNetGradients("direct + skip", parameters: model.parameters) { model(x, $0) }
    }

    @Test(arguments: [false, true])
    func dijiang(featureWeights: Bool) {
        // 70 tokens: two chunks of the linear-attention kernel, the second ragged.
        let model = tinyDiJiang(lookback: 70, head: featureWeights ? .direct(horizon: 3) : .autoregressive, featureWeights: featureWeights)
        let x = Tensor(randomValues(2 * 70, seed: 8), shape: [2, 70, 1])
        checkWholeNetGradients("dijiang weights=\(featureWeights)", parameters: model.parameters) { model(x, $0) }
    }

    @Test(arguments: ["cofrgenet", "cofrgenet-u", "dijiang-cffn"])
    func continuedFraction(kind: String) {
        let model = tinyNet(kind, lookback: 20, head: kind == "cofrgenet" ? .direct(horizon: 3) : .autoregressive)
        let x = Tensor(randomValues(2 * 20, seed: 9), shape: [2, 20, 1])
        checkWholeNetGradients(kind, parameters: model.parameters) { model(x, $0) }
    }

    @Test func signedLaddersAwayFromTheClip() {
        // The signed form's gradient is exact wherever the clip is inactive. At the default init
        // (b = 0.5) signed partial denominators scatter around 0.5 and can cross a pole, so the
        // biases are moved to 3: every a_k stays positive, every continuant ≥ 1.
        let model = tinyCoFrGeNet(lookback: 12, form: .signed())
        for layer in model.ladderLayers { layer.bias.load([Float](repeating: 3, count: layer.bias.count)) }
        let x = Tensor(randomValues(2 * 12, seed: 10), shape: [2, 12, 1])
        checkWholeNetGradients("cofrgenet signed", parameters: model.parameters) { model(x, $0) }
    }

    @Test(arguments: [LinearConfig.Kind.dlinear, .rlinear])
    func linear(kind: LinearConfig.Kind) {
        let model = LinearForecaster(LinearConfig(kind: kind, lookback: 16, horizon: 4, channels: 2, movingAverage: 5, seed: 3))
        let x = Tensor(randomValues(3 * 16 * 2, seed: 6), shape: [3, 16, 2])
        checkWholeNetGradients("\(kind)", parameters: model.parameters) { model(x, $0) }
    }

    @Test func mixedChannelsClassifier() {
        let config = SequenceClassifierConfig(backbone: .gpt(GPTConfig(width: 8, heads: 2, layers: 1, ffnMultiplier: 2)),
                                              classes: 3, length: 9, channels: 2, channelMode: .mixed, seed: 4)
        let model = SequenceClassifier(config)
        let x = Tensor(randomValues(2 * 9 * 2, seed: 7), shape: [2, 9, 2])
        checkWholeNetGradients("classifier", parameters: model.parameters) { model(x, $0) }
    }

    /// Patch tokens and a mask channel: the masked mean pools only the tokens that end inside each
    /// case (gradients checked through it), and what lies in a case's padding cannot change its
    /// logits — the nets are causal, so real tokens never see the padding, and padded tokens are
    /// left out of the mean.
    @Test(arguments: ["nt", "dijiang", "gpt"])
    func maskedPatchClassifier(family: String) {
        let backbone: BackboneConfig
        switch family {
        case "nt": backbone = .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 8))
        case "dijiang": backbone = .dijiang(DiJiangConfig(width: 8, heads: 2, layers: 1, ffnMultiplier: 2))
        default: backbone = .gpt(GPTConfig(width: 8, heads: 2, layers: 1, ffnMultiplier: 2))
        }
        let config = SequenceClassifierConfig(backbone: backbone, classes: 3, length: 12, channels: 2, channelMode: .mixed,
                                              tokenization: .patch(length: 4, stride: 2), masked: true, seed: 4)
        let model = SequenceClassifier(config)
        // Case 0 is 12 steps long, case 1 only 7 (its steps 7… are padding).
        var values = randomValues(2 * 12 * 3, seed: 9)
        for t in 0..<12 {
            values[t * 3 + 2] = 1
            values[(12 + t) * 3 + 2] = t < 7 ? 1 : 0
        }
        let x = Tensor(values, shape: [2, 12, 3])
        checkWholeNetGradients("masked \(family)", parameters: model.parameters) { model(x, $0) }
        var repadded = values
        for t in 7..<12 { for c in 0..<2 { repadded[(12 + t) * 3 + c] = 100 } }
        let before = model(x, .inference()).array, after = model(Tensor(repadded, shape: [2, 12, 3]), .inference()).array
        #expect(zip(before, after).allSatisfy { abs($0 - $1) < 1e-5 }, "\(family): the padding moved the logits \(before) → \(after)")
        // Without the mask the same change does move them: the test can fail.
        let unmasked = SequenceClassifier(SequenceClassifierConfig(backbone: backbone, classes: 3, length: 12, channels: 3, channelMode: .mixed,
                                                                   tokenization: .patch(length: 4, stride: 2), seed: 4))
        let moved = unmasked(Tensor(repadded, shape: [2, 12, 3]), .inference()).array, still = unmasked(x, .inference()).array
        #expect(zip(moved.suffix(3), still.suffix(3)).contains { abs($0 - $1) > 1e-4 })
    }

    /// Independent channels each run through the net; their pooled features meet in the head, and
    /// class weights scale each case's cross-entropy.
    @Test func independentChannelsWeightedClassifier() {
        let config = SequenceClassifierConfig(backbone: .dijiang(DiJiangConfig(width: 8, heads: 2, layers: 1, ffnMultiplier: 2)),
                                              classes: 2, length: 6, channels: 2, classWeights: [1, 3], seed: 5)
        let model = SequenceClassifier(config)
        let x = Tensor(randomValues(3 * 6 * 2, seed: 8), shape: [3, 6, 2])
        #expect(model(x, .inference()).shape == [3, 2])
        checkWholeNetGradients("weighted classifier", parameters: model.parameters) {
            model.loss(inputs: x, targets: Tensor([0, 1, 1], shape: [3]), $0)
        }
    }
}

/// Recomputing NT blocks in the backward pass changes memory, not results: the same outputs and
/// gradients as keeping the activations, and with dropout the recomputed masks match the
/// forward's (finite differences of the same seeded training-mode forward agree).
struct RecomputeTests {
    func model(recompute: Bool, dropout: Float) -> SequenceModel {
        SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 2, topHeads: 2, dropout: dropout, maxTokens: 40,
                                                                 recompute: recompute)),
                                          head: .autoregressive, lookback: 40, seed: 3))
    }

    @Test func recomputedBlocksGiveTheSameGradients() {
        let x = Tensor(randomValues(2 * 40, seed: 4), shape: [2, 40, 1])
        func run(_ recompute: Bool) -> (output: [Float], gradients: [[Float]]) {
            let net = model(recompute: recompute, dropout: 0)
            let tape = Tape()
            let y = net(x, ForwardContext(tape: tape, training: true, seed: 9))
            tape.backward((y * Tensor(randomValues(y.count, seed: 5), shape: y.shape)).sum())
            return (y.array, net.parameters.map { $0.gradient.array })
        }
        let kept = run(false), recomputed = run(true)
        #expect(kept.output == recomputed.output)
        for (a, b) in zip(kept.gradients, recomputed.gradients) {
            for (u, v) in zip(a, b) { #expect(abs(u - v) <= 1e-5 * (1 + abs(u)), "\(u) vs \(v)") }
        }
        #expect(kept.gradients.contains { $0.contains { $0 != 0 } })
    }

    @Test func recomputedDropoutMasksMatchTheForward() {
        let net = model(recompute: true, dropout: 0.3)
        let x = Tensor(randomValues(2 * 40, seed: 6), shape: [2, 40, 1])
        checkWholeNetGradients("nt recompute + dropout", parameters: net.parameters) { context in
            net(x, ForwardContext(tape: context.tape, training: true, seed: 9))
        }
    }
}
