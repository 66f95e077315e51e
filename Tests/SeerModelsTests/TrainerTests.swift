// The Trainer: reproducible curves, early stopping, the NaN guard restoring good weights,
// progress output, and save → load giving identical predictions.
import SeerBase
import Foundation
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

/// Next-value samples from sines of several phases: inputs [T, 1], targets the same shifted by one.
func sineSamples(count: Int, steps: Int, seed: UInt64, period: Float = 16) -> SampleSet {
    var rng = SeededGenerator(seed: seed)
    var inputs: [Float] = [], targets: [Float] = []
    for _ in 0..<count {
        let phase = rng.uniform(0, 2 * Float.pi)
        let series = (0...steps).map { sinf(2 * Float.pi * Float($0) / period + phase) }
        inputs += series.prefix(steps)
        targets += series.dropFirst()
    }
    return SampleSet(inputs: inputs, inputShape: [steps, 1], targets: targets, targetShape: [steps, 1])
}

final class RecordingProgress: TrainingObserver {
    var steps = 0, epochs: [EpochRecord] = [], finished = false
    func trainingBegan(epochs: Int, stepsPerEpoch: Int) {}
    func stepFinished(epoch: Int, step: Int, loss: Float) { steps += 1 }
    func epochFinished(_ record: EpochRecord, improved: Bool) { epochs.append(record) }
    func trainingFinished(_ report: TrainingReport) { finished = true }
}

struct TrainerTests {
    func run(seed: UInt64, trainSeed: UInt64) throws -> (TrainingReport, [[Float]]) {
        let model = tinyGPT(seed: seed, lookback: 12)
        var config = TrainerConfig(epochs: 3, batchSize: 8, learningRate: 3e-3, seed: trainSeed)
        config.patience = nil
        let report = try Trainer(config).fit(model, train: sineSamples(count: 24, steps: 12, seed: 1),
                                             validation: sineSamples(count: 8, steps: 12, seed: 2))
        return (report, model.parameters.map(\.values))
    }

    @Test func sameSeedGivesIdenticalCurves() throws {
        let (a, wa) = try run(seed: 3, trainSeed: 9), (b, wb) = try run(seed: 3, trainSeed: 9), (c, wc) = try run(seed: 3, trainSeed: 10)
        #expect(a.epochs.map(\.trainLoss) == b.epochs.map(\.trainLoss))
        #expect(a.epochs.map(\.validationLoss) == b.epochs.map(\.validationLoss))
        #expect(wa == wb)
        #expect(a.epochs.map(\.trainLoss) != c.epochs.map(\.trainLoss), "another shuffling seed, another curve")
        #expect(wa != wc)
        #expect(a.epochs.count == 3 && a.steps == 9)
        #expect(a.epochs.last!.trainLoss < a.epochs.first!.trainLoss)
    }

    @Test func keepsTheBestWeightsAndStopsEarly() throws {
        // A zero learning rate never improves on epoch 1: patience 1 stops after epoch 2.
        let model = tinyGPT(seed: 4, lookback: 12)
        var config = TrainerConfig(epochs: 6, batchSize: 8, learningRate: 0, schedule: .constant, patience: 1)
        config.weightDecay = 0
        let progress = RecordingProgress()
        let trainer = Trainer(config, observer: progress)
        var improvements = 0
        trainer.onImprovement = { _ in improvements += 1 }
        let report = try trainer.fit(model, train: sineSamples(count: 16, steps: 12, seed: 1), validation: sineSamples(count: 8, steps: 12, seed: 2))
        #expect(report.stopReason == .earlyStopped)
        #expect(report.epochs.count == 2 && report.bestEpoch == 1 && improvements == 1)
        #expect(progress.steps == 4 && progress.epochs.count == 2 && progress.finished)
    }

    @Test func weightAveragingKeepsTheMovingAverage() throws {
        // Record the raw weights after every step; the model ends holding their moving average
        // (decay 0.5 over 4 steps, starting from the initial weights), and the validation loss
        // reported is the average's.
        final class Snapshots: TrainingObserver {
            let model: SequenceModel
            var raw: [[Float]] = []
            init(_ model: SequenceModel) { self.model = model }
            func trainingBegan(epochs: Int, stepsPerEpoch: Int) { raw.append(model.parameters.flatMap(\.values)) }
            func stepFinished(epoch: Int, step: Int, loss: Float) { raw.append(model.parameters.flatMap(\.values)) }
            func epochFinished(_ record: EpochRecord, improved: Bool) {}
            func trainingFinished(_ report: TrainingReport) {}
        }
        let model = tinyGPT(seed: 6, lookback: 12)
        var config = TrainerConfig(epochs: 1, batchSize: 4, learningRate: 1e-2, schedule: .constant, patience: nil)
        config.averaging = 0.5
        let snapshots = Snapshots(model)
        let validation = sineSamples(count: 8, steps: 12, seed: 2)
        let trainer = Trainer(config, observer: snapshots)
        let report = try trainer.fit(model, train: sineSamples(count: 16, steps: 12, seed: 1), validation: validation)
        #expect(snapshots.raw.count == 5)
        var expected = snapshots.raw[0]
        for step in snapshots.raw.dropFirst() { for i in expected.indices { expected[i] = 0.5 * expected[i] + 0.5 * step[i] } }
        let kept = model.parameters.flatMap(\.values)
        #expect(zip(kept, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        #expect(kept != snapshots.raw.last!, "the average, not the last step's weights")
        #expect(report.epochs[0].validationLoss == trainer.evaluate(model, on: validation))
    }

    @Test func divergenceRestoresTheLastGoodWeights() throws {
        let model = tinyGPT(seed: 5, lookback: 12)
        let initial = model.parameters.map(\.values)
        var config = TrainerConfig(epochs: 3, batchSize: 4, learningRate: 1e30, schedule: .constant, clipNorm: nil)
        config.patience = nil
        do {
            try Trainer(config).fit(model, train: sineSamples(count: 16, steps: 12, seed: 1))
            Issue.record("a learning rate of 1e30 should diverge")
        } catch let error as TrainingError {
            #expect(error.description.contains("not finite"), "\(error)")
            #expect(error.description.contains("initial weights were restored"), "\(error)")
            #expect(model.parameters.map(\.values) == initial, "the weights before training are back")
        }
    }

    @Test(arguments: ["nt", "dijiang", "dijiang-cffn", "cofrgenet", "cofrgenet-u"])
    func saveThenLoadPredictsTheSame(kind: String) throws {
        let model = tinyNet(kind, seed: 7, lookback: 40, head: .direct(horizon: 5))
        try Trainer(TrainerConfig(epochs: 1, batchSize: 8)).fit(model, train: SampleSet(
            inputs: randomValues(16 * 40, seed: 8), inputShape: [40, 1], targets: randomValues(16 * 5, seed: 9), targetShape: [5, 1]))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-models-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Checkpoint.save(directory: directory, tensors: Checkpoint.tensors(from: model.parameters), config: [:], seerVersion: "test")
        let restored = tinyNet(kind, seed: 99, lookback: 40, head: .direct(horizon: 5))
        let x = Tensor(randomValues(3 * 40, seed: 10), shape: [3, 40, 1])
        #expect(restored(x, .inference()).array != model(x, .inference()).array)
        let (tensors, _) = try Checkpoint.load(directory: directory)
        try Checkpoint.load(tensors, into: restored.parameters, source: directory)
        #expect(restored(x, .inference()).array == model(x, .inference()).array)
    }
}
