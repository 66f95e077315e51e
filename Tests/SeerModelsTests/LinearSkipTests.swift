// The direct head's linear skip started at its least-squares solution: it recovers an exact
// linear map in RevIN's normalised space, the model then forecasts as that linear model (head at
// zero), and the Trainer keeps those starting weights unless an epoch validates better.
import SeerBase
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

struct LinearSkipTests {
    static func model(lookback: Int, horizon: Int, channels: Int) -> SequenceModel {
        SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 3)),
                                          head: .direct(horizon: horizon), lookback: lookback, channels: channels,
                                          tokenization: .patch(length: 4, stride: 2), linearSkip: true, seed: 4))
    }

    /// Windows whose targets are an exact linear map (a, c) of the z-scored look-back, scaled back.
    static func linearWindows(count: Int, lookback l: Int, horizon h: Int, channels: Int, a: [Float], c: [Float]) -> SampleSet {
        var rng = SeededGenerator(seed: 12)
        var inputs: [Float] = [], targets: [Float] = []
        for _ in 0..<count {
            // [L, C] and [H, C], step-major.
            var x = [Float](repeating: 0, count: l * channels), y = [Float](repeating: 0, count: h * channels)
            for ch in 0..<channels {
                let level = rng.uniform(-5, 5), scale = rng.uniform(0.5, 3)
                let column = (0..<l).map { _ in level + scale * rng.normal() }
                let mean = column.reduce(0, +) / Float(l)
                let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(l) + 1e-5).squareRoot()
                for t in 0..<l { x[t * channels + ch] = column[t] }
                for k in 0..<h {
                    var z = c[k]
                    for t in 0..<l { z += a[k * l + t] * (column[t] - mean) / std }
                    y[k * channels + ch] = z * std + mean
                }
            }
            inputs += x
            targets += y
        }
        return SampleSet(inputs: inputs, inputShape: [l, channels], targets: targets, targetShape: [h, channels])
    }

    @Test func recoversAnExactLinearMapAndForecastsWithIt() throws {
        let (l, h) = (8, 3)
        var rng = SeededGenerator(seed: 5)
        let a = (0..<(h * l)).map { _ in rng.uniform(-0.5, 0.5) }, c = [0.3, -0.2, 0.1] as [Float]
        let data = Self.linearWindows(count: 200, lookback: l, horizon: h, channels: 2, a: a, c: c)
        let model = Self.model(lookback: l, horizon: h, channels: 2)
        model.initializeSkipByLeastSquares(data, ridge: 1e-9, batch: 64)
        let skip = try #require(model.skip)
        // A z-scored look-back sums to zero, so a row of weights is determined up to a constant:
        // compare the rows with their means removed.
        func centred(_ w: [Float]) -> [Float] {
            (0..<h).flatMap { k in
                let row = w[(k * l)..<((k + 1) * l)], mean = row.reduce(0, +) / Float(l)
                return row.map { $0 - mean }
            }
        }
        #expect(zip(centred(skip.weight.values), centred(a)).allSatisfy { abs($0 - $1) < 1e-3 }, "\(skip.weight.values) vs \(a)")
        #expect(zip(skip.bias!.values, c).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(model.head.weight.values.allSatisfy { $0 == 0 } && model.head.bias!.values.allSatisfy { $0 == 0 })
        // The model now forecasts the targets (the net's head is zero).
        let (x, y) = data.batch(Array(0..<20))
        let forecast = model.forecast(x, .inference()).array, truth = y.array
        let worst = zip(forecast, truth).map { abs($0 - $1) / max(1, abs($1)) }.max()!
        #expect(worst < 1e-3, "worst relative error \(worst)")
    }

    @Test func headDropoutActsOnlyWhileTraining() {
        func model(_ p: Float) -> SequenceModel {
            SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, dropout: 0, maxTokens: 7)),
                                              head: .direct(horizon: 3), lookback: 16, tokenization: .patch(length: 4, stride: 2),
                                              headDropout: p, seed: 4))
        }
        let x = Tensor(randomValues(2 * 16, seed: 3), shape: [2, 16, 1])
        let dropped = model(0.5), plain = model(0)
        let training = { ForwardContext(tape: nil, training: true, seed: 7) }
        #expect(dropped(x, training()).array != dropped(x, .inference()).array)
        #expect(dropped(x, .inference()).array == plain(x, .inference()).array, "same seed, same weights; no dropout at inference")
        #expect(plain(x, training()).array == plain(x, .inference()).array)
    }

    @Test func choleskySolvesASmallSystem() {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], X = [[1, 2], [0, -1], [3, 1]] → B = A X.
        let a: [Double] = [4, 2, 0, 2, 5, 1, 0, 1, 3], x: [Double] = [1, 2, 0, -1, 3, 1]
        var b = [Double](repeating: 0, count: 6)
        for i in 0..<3 { for j in 0..<2 { for k in 0..<3 { b[i * 2 + j] += a[i * 3 + k] * x[k * 2 + j] } } }
        let solved = SequenceModel.choleskySolve(a, b, size: 3, columns: 2)
        #expect(zip(solved, x).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func trainerKeepsStartingWeightsNoEpochBeats() throws {
        // With a zero learning rate no epoch validates better than the start: epoch 0 is kept.
        let (l, h) = (8, 3)
        let data = Self.linearWindows(count: 64, lookback: l, horizon: h, channels: 1, a: [Float](repeating: 0.1, count: h * l),
                                      c: [0, 0, 0])
        let model = Self.model(lookback: l, horizon: h, channels: 1)
        model.initializeSkipByLeastSquares(data)
        let start = model.parameters.map(\.values)
        var config = TrainerConfig(epochs: 2, batchSize: 16, learningRate: 0, schedule: .constant, patience: nil)
        config.weightDecay = 0
        config.validateInitialWeights = true
        let report = try Trainer(config).fit(model, train: data, validation: data)
        #expect(report.bestEpoch == 0 && report.epochs.count == 2)
        #expect(model.parameters.map(\.values) == start)
        // Without validating the start, epoch 1 (the same weights) counts as the first improvement.
        config.validateInitialWeights = false
        #expect(try Trainer(config).fit(model, train: data, validation: data).bestEpoch == 1)
    }
}
