// The exact fit of DLinear and RLinear: it solves the loss the forward pass computes (the loss's
// gradient vanishes there, through RevIN and the decomposition), recovers a linear recursion it can
// express, scores the held-out windows as the trainer would, and stays finite on degenerate data.
import Foundation
import Testing
import SeerBase
import SeerModels
import SeerNN
import SeerTensor

struct LinearLeastSquaresTests {
    /// Windows [N, L, C] → [N, H, C] of channel-major series (one series per channel, same length).
    static func windows(_ series: [[Float]], lookback l: Int, horizon h: Int, range: Range<Int>) -> SampleSet {
        let c = series.count
        var x: [Float] = [], y: [Float] = []
        for start in range {
            for t in 0..<l { for k in 0..<c { x.append(series[k][start + t]) } }
            for t in 0..<h { for k in 0..<c { y.append(series[k][start + l + t]) } }
        }
        return SampleSet(inputs: x, inputShape: [l, c], targets: y, targetShape: [h, c])
    }

    static func noisySeries(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { t in
            let season: Float = 2 * sinf(2 * Float.pi * Float(t) / 12)
            let trend: Float = 5 + 0.02 * Float(t)
            return trend + season + rng.uniform(-0.5, 0.5)
        }
    }

    /// ‖∂loss/∂θ‖ over every parameter (of a model whose gradients are still zero), the loss taken
    /// over the whole set in one batch.
    static func gradientNorm(_ model: LinearForecaster, _ set: SampleSet) -> Double {
        let tape = Tape()
        let (x, y) = set.batch(Array(0..<set.count))
        let loss = model.loss(inputs: x, targets: y, ForwardContext(tape: tape, training: false, seed: 0))
        tape.backward(loss)
        return model.parameters.flatMap { $0.gradient.array }.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
    }

    /// At the exact solution (no ridge) the training loss's gradient is ~0 — for every parameter,
    /// RevIN's pair included — while at the initial weights it is not.
    @Test(arguments: [LinearConfig.Kind.dlinear, .rlinear])
    func theGradientVanishesAtTheSolution(kind: LinearConfig.Kind) throws {
        let series = [Self.noisySeries(160, seed: 1), Self.noisySeries(160, seed: 2).map { $0 * 3 - 4 }]
        let train = Self.windows(series, lookback: 24, horizon: 4, range: 0..<120)
        let initial = Self.gradientNorm(LinearForecaster(LinearConfig(kind: kind, lookback: 24, horizon: 4, channels: 2, movingAverage: 5, seed: 3)), train)
        let model = LinearForecaster(LinearConfig(kind: kind, lookback: 24, horizon: 4, channels: 2, movingAverage: 5, seed: 3))
        let fit = try model.fitLeastSquares(train: train, validation: nil, ridge: 0)
        #expect(fit.rows == 240 && fit.heldOutRows == 0 && fit.validationLoss == nil)
        let solved = Self.gradientNorm(model, train)
        #expect(initial > 1 && solved < 1e-3 * initial, "\(kind): gradient \(solved) at the solution, \(initial) at the start")
        // Perturbing the solution only raises the loss.
        let trainer = Trainer(TrainerConfig(epochs: 1, batchSize: 64, learningRate: 0, seed: 0))
        let best = trainer.evaluate(model, on: train)
        let w = model.seasonal.weight.values
        model.seasonal.weight.load(w.enumerated().map { $0.offset % 7 == 0 ? $0.element + 0.01 : $0.element })
        #expect(trainer.evaluate(model, on: train) > best)
    }

    /// Series that follow x_t = 1.6 x_{t−1} − 0.8 x_{t−2} + 1 are forecast exactly: every future
    /// step is a linear function of the window and a constant, which the map can express.
    @Test(arguments: [LinearConfig.Kind.dlinear, .rlinear])
    func aLinearRecursionIsRecoveredExactly(kind: LinearConfig.Kind) throws {
        // Six runs of the recursion from different starts (windows never straddle two runs).
        let runs: [[Float]] = (0..<6).map { k in
            var x: [Float] = [Float(k) - 2, Float(k * k % 5)]
            for _ in 2..<40 { x.append(1.6 * x[x.count - 1] - 0.8 * x[x.count - 2] + 1) }
            return x
        }
        let l = 8, h = 5
        var inputs: [Float] = [], targets: [Float] = []
        for x in runs { for start in 0...(x.count - l - h) { inputs += x[start..<(start + l)]; targets += x[(start + l)..<(start + l + h)] } }
        let set = SampleSet(inputs: inputs, inputShape: [l, 1], targets: targets, targetShape: [h, 1])
        let model = LinearForecaster(LinearConfig(kind: kind, lookback: l, horizon: h, movingAverage: 3))
        try model.fitLeastSquares(train: set, validation: nil, ridge: 0)
        let (x, y) = set.batch(Array(0..<set.count))
        let worst = zip(model(x, .inference()).array, y.array).map { abs($0 - $1) }.max() ?? .infinity
        #expect(set.count == 6 * 28 && worst < 1e-2, "\(kind): largest error \(worst) over \(set.count) windows")
    }

    /// The held-out loss the ridge is chosen by is the trainer's validation MSE of the kept model.
    @Test(arguments: [LinearConfig.Kind.dlinear, .rlinear])
    func theHeldOutLossIsTheTrainersLoss(kind: LinearConfig.Kind) throws {
        let series = [Self.noisySeries(90, seed: 5)]
        let train = Self.windows(series, lookback: 36, horizon: 6, range: 0..<40), held = Self.windows(series, lookback: 36, horizon: 6, range: 40..<49)
        let model = LinearForecaster(LinearConfig(kind: kind, lookback: 36, horizon: 6, seed: 1))
        let fit = try model.fitLeastSquares(train: train, validation: held)
        let loss = try #require(fit.validationLoss)
        let evaluated = Double(Trainer(TrainerConfig(epochs: 1, batchSize: 64, learningRate: 0, seed: 0)).evaluate(model, on: held))
        #expect(abs(loss - evaluated) <= 1e-3 * evaluated, "\(kind): solver's held-out MSE \(loss), trainer's \(evaluated)")
        #expect(LinearForecaster.relativeRidges.contains(fit.relativeRidge) && fit.heldOutRows == 9)
    }

    /// One window, or windows that never vary: the forecast is finite (the targets' mean), not NaN.
    @Test(arguments: [LinearConfig.Kind.dlinear, .rlinear])
    func degenerateDataStaysFinite(kind: LinearConfig.Kind) throws {
        let one = SampleSet(inputs: [1, 2, 3, 4], inputShape: [4, 1], targets: [5, 6], targetShape: [2, 1])
        let constant = SampleSet(inputs: [Float](repeating: 7, count: 40), inputShape: [4, 1], targets: [Float](repeating: 7, count: 20), targetShape: [2, 1])
        for set in [one, constant] {
            let model = LinearForecaster(LinearConfig(kind: kind, lookback: 4, horizon: 2, movingAverage: 3))
            try model.fitLeastSquares(train: set, validation: set)
            let forecast = model(Tensor([1, 2, 3, 4], shape: [1, 4, 1]), .inference()).array
            #expect(forecast.allSatisfy { $0.isFinite }, "\(kind): \(forecast)")
        }
        let model = LinearForecaster(LinearConfig(kind: kind, lookback: 4, horizon: 2, movingAverage: 3))
        try model.fitLeastSquares(train: constant, validation: nil)
        let forecast = model(Tensor([Float](repeating: 7, count: 4), shape: [1, 4, 1]), .inference()).array
        #expect(forecast.allSatisfy { abs($0 - 7) < 1e-3 }, "\(kind): a constant forecasts itself, got \(forecast)")
    }
}
