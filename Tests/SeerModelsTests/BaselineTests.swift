// Golden values for the naive forecasters and DLinear's decomposition, the rollout, and
// parameter counts against the PyTorch reference's.
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

struct BaselineTests {
    @Test func repeatLastAndSeasonalNaive() {
        // two windows of 4 steps, 2 channels
        let x = Tensor([1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60, 7, 70, 8, 80], shape: [2, 4, 2])
        #expect(RepeatLast(horizon: 3).forecast(x, .inference()).array == [4, 40, 4, 40, 4, 40, 8, 80, 8, 80, 8, 80])
        #expect(SeasonalNaive(period: 2, horizon: 3).forecast(x, .inference()).array == [3, 30, 4, 40, 3, 30, 7, 70, 8, 80, 7, 70])
    }

    @Test func movingAverageDecomposition() {
        let (trend, remainder) = LinearForecaster.decompose(Tensor([0, 3, 6, 3, 0], shape: [1, 5]), kernel: 3)
        // edges replicate: [0,0,3] → 1, [0,3,6] → 3, [3,6,3] → 4, [6,3,0] → 3, [3,0,0] → 1
        #expect(trend.array == [1, 3, 4, 3, 1])
        #expect(remainder.array == [-1, 0, 2, 0, -1])
    }

    @Test func gptParameterCountMatchesThePyTorchReference() {
        // torch_reference.py's GPT at d = 128, 4 heads, 2 layers, T = 256: Linear(1→d), learned
        // positions, blocks, final LayerNorm, Linear(d→1) = 429,953 parameters.
        let model = SequenceModel(SequenceModelConfig(backbone: .gpt(GPTConfig(width: 128, heads: 4, layers: 2)),
                                                      head: .autoregressive, lookback: 256))
        #expect(model.parameterCount == 429_953)
    }

    @Test func rolloutFeedsPredictionsBack() {
        let model = tinyGPT(seed: 2, lookback: 8)
        let context = Tensor(randomValues(2 * 6, seed: 3), shape: [2, 6, 1])
        let out = model.rollout(context, steps: 5)
        #expect(out.shape == [2, 5, 1])
        // Step by step by hand: the known steps at the front of an 8-step frame, zeros after,
        // the output at the last known step is the next value; then the frame slides.
        var series = Array(context.array[0..<6])
        for _ in 0..<5 {
            let known = min(series.count, 8)
            let frame = Array(series.suffix(known)) + [Float](repeating: 0, count: 8 - known)
            let y = model(Tensor(frame, shape: [1, 8, 1]), .inference()).array
            series.append(y[known - 1])
        }
        for (a, b) in zip(out.array[0..<5], series.suffix(5)) { #expect(abs(a - b) <= 1e-5, "\(a) vs \(b)") }  // batch 2 vs 1: GEMM rounding
    }

    @Test func independentChannelsShareWeightsAndStaySeparate() {
        let model = SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 16)),
                                                      head: .direct(horizon: 3), lookback: 16, channels: 2, seed: 3))
        let a = randomValues(16, seed: 4), b = randomValues(16, seed: 5)
        var both: [Float] = []
        for t in 0..<16 { both += [a[t], b[t]] }
        let y = model(Tensor(both, shape: [1, 16, 2]), .inference()).array
        let single = SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 16)),
                                                       head: .direct(horizon: 3), lookback: 16, channels: 1, seed: 3))
        let ra = single(Tensor(a, shape: [1, 16, 1]), .inference()).array
        let rb = single(Tensor(b, shape: [1, 16, 1]), .inference()).array
        for h in 0..<3 {
            #expect(abs(y[h * 2] - ra[h]) < 1e-5 && abs(y[h * 2 + 1] - rb[h]) < 1e-5)
        }
    }
}
