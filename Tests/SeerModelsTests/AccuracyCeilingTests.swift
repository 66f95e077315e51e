// Accuracy ceilings on synthetic data: after a stated budget each net's error must fall below
// a stated bound (bounds set ≈3× above the errors measured when they were written, so they
// catch a net that stopped learning without flaking on rounding).
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// Direct-forecast samples from y(t) = 0.02·t + sin(2πt/12) + 0.5·sin(2πt/5): inputs [L, 1], targets [H, 1].
func trendSeasonSamples(from start: Int, count: Int, lookback: Int, horizon: Int) -> SampleSet {
    func y(_ t: Int) -> Float { 0.02 * Float(t) + sinf(2 * .pi * Float(t) / 12) + 0.5 * sinf(2 * .pi * Float(t) / 5) }
    var inputs: [Float] = [], targets: [Float] = []
    for s in start..<(start + count) {
        inputs += (s..<(s + lookback)).map(y)
        targets += ((s + lookback)..<(s + lookback + horizon)).map(y)
    }
    return SampleSet(inputs: inputs, inputShape: [lookback, 1], targets: targets, targetShape: [horizon, 1])
}

struct AccuracyCeilingTests {
    static func fit(_ model: some Trainable, _ train: SampleSet, _ test: SampleSet, epochs: Int, lr: Float, batch: Int = 16) throws -> Float {
        var config = TrainerConfig(epochs: epochs, batchSize: batch, learningRate: lr, seed: 1)
        config.patience = nil
        let trainer = Trainer(config)
        try trainer.fit(model, train: train)
        return trainer.evaluate(model, on: test)
    }

    @Test func sineNextValue() throws {
        // Clean sine, period 16, 32-step windows; 30 epochs of 4 steps.
        let train = sineSamples(count: 64, steps: 32, seed: 1), test = sineSamples(count: 32, steps: 32, seed: 2)
        let gpt = try Self.fit(SequenceModel(SequenceModelConfig(backbone: .gpt(GPTConfig(width: 16, heads: 2, layers: 1, ffnMultiplier: 2)),
                                                                  head: .autoregressive, lookback: 32, seed: 1)), train, test, epochs: 30, lr: 1e-2)
        let nt = try Self.fit(SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 16, blocks: 1, topHeads: 2, maxTokens: 32)),
                                                                 head: .autoregressive, lookback: 32, seed: 1)), train, test, epochs: 30, lr: 1e-2)
        // measured: GPT 0.020, NT 0.0025 (the first token, with no context, alone costs ≈ 0.002)
        #expect(gpt < 0.06, "GPT next-value MSE \(gpt)")
        #expect(nt < 0.01, "NT next-value MSE \(nt)")
    }

    @Test func trendPlusSeasonality() throws {
        let train = trendSeasonSamples(from: 0, count: 160, lookback: 48, horizon: 12)
        let test = trendSeasonSamples(from: 220, count: 40, lookback: 48, horizon: 12)
        let dlinear = try Self.fit(LinearForecaster(LinearConfig(kind: .dlinear, lookback: 48, horizon: 12, movingAverage: 13)),
                                   train, test, epochs: 20, lr: 5e-3)
        let rlinear = try Self.fit(LinearForecaster(LinearConfig(kind: .rlinear, lookback: 48, horizon: 12)), train, test, epochs: 20, lr: 5e-3)
        let nt = try Self.fit(SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 16, blocks: 1, topHeads: 2, maxTokens: 6)),
                                                                 head: .direct(horizon: 12), lookback: 48,
                                                                 tokenization: .patch(length: 8, stride: 8), seed: 1)),
                              train, test, epochs: 20, lr: 3e-3)
        let naive = Trainer(TrainerConfig()).evaluate(NaiveLoss(RepeatLast(horizon: 12)), on: test)
        // measured: DLinear 0.0010, RLinear 1e-5, NT 0.0004, repeat-last 1.25
        #expect(dlinear < 0.005, "DLinear MSE \(dlinear)")
        #expect(rlinear < 0.001, "RLinear MSE \(rlinear)")
        #expect(nt < 0.003, "NT (patches, direct head, RevIN) MSE \(nt)")
        #expect(naive > 0.5, "the problem is not trivial: repeat-last MSE \(naive)")
    }
}

/// A forecaster's MSE as a Trainable (no parameters), to score baselines with the same code.
struct NaiveLoss<F: Forecasting>: Trainable {
    let forecaster: F
    init(_ forecaster: F) { self.forecaster = forecaster }
    var parameters: [Parameter] { [] }
    func loss(inputs: Tensor, targets: Tensor, _ context: ForwardContext) -> Tensor {
        forecaster.forecast(inputs, context).mseLoss(targets)
    }
}
