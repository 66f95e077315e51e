// The training loop: seeded shuffling, mini-batches, AdamW with warmup + cosine (or a constant
// rate), global-norm clipping, the dyadic release of continued-fraction ladders (depth k held at
// its starting values until step N(1 − 2^{−(k−1)}) of the N planned steps), a validation pass
// each epoch (of the weights' moving average when `averaging` is set), early stopping, and the best
// weights kept in memory (and handed to `onImprovement`, e.g. to save a checkpoint). A loss or
// gradient that is not finite stops training: the best weights so far are restored and
// `TrainingError.nonFinite` says where it happened.
import SeerBase
import SeerNN
import SeerTensor

public struct TrainerConfig: Equatable, Sendable {
    public enum Schedule: String, Sendable, Codable {
        case constant, cosine
        /// The rate halved after every epoch (DLinear's authors' schedule).
        case halving
    }
    public var epochs = 10
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var weightDecay: Float = 0.01
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var schedule = Schedule.cosine
    /// Linear warmup steps of the cosine schedule; nil = 5 % of the planned steps.
    public var warmupSteps: Int?
    /// Global gradient-norm clip; nil = none.
    public var clipNorm: Float? = 1
    /// Epochs without validation improvement before stopping; nil = never stop early.
    public var patience: Int? = 3
    /// Improvement smaller than this does not count.
    public var minDelta: Float = 0
    public var seed: UInt64 = 0
    /// Cap on steps per epoch (a random subset of batches each epoch); nil = all.
    public var maxStepsPerEpoch: Int?
    /// Exponential moving average of the weights (Polyak averaging) with this decay per step:
    /// validation, the best checkpoint and the weights left in the model are the average's;
    /// nil = the raw weights.
    public var averaging: Float?
    /// Validate the starting weights too (epoch 0), so training keeps them unless an epoch beats
    /// them — for a model that starts from a fitted solution (`initializeSkipByLeastSquares`).
    public var validateInitialWeights = false
    /// Where the weights live while training (batches are moved there step by step). Off the
    /// CPU, the kept weights come back to the host at the end, so saving and forecasting are
    /// unchanged.
    public var device = Device.cpu

    public init(epochs: Int = 10, batchSize: Int = 32, learningRate: Float = 1e-3, weightDecay: Float = 0.01,
                schedule: Schedule = .cosine, clipNorm: Float? = 1, patience: Int? = 3, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.clipNorm = clipNorm
        self.patience = patience
        self.seed = seed
    }
}

/// One epoch's figures.
public struct EpochRecord: Equatable, Sendable {
    public let epoch: Int
    public let trainLoss: Float
    public let validationLoss: Float?
    public let learningRate: Float
    public let steps: Int
    public let seconds: Double
}

public struct TrainingReport: Sendable {
    public enum StopReason: Equatable, Sendable { case completed, earlyStopped, nonFinite }
    public var epochs: [EpochRecord] = []
    /// 1-based epoch whose weights were kept (0 = none improved on the start).
    public var bestEpoch = 0
    /// Validation loss (training loss without validation data) of the kept weights.
    public var bestLoss = Float.infinity
    public var stopReason = StopReason.completed
    public var steps = 0
    public var seconds = 0.0
}

public enum TrainingError: Error, CustomStringConvertible {
    /// NaN or ±Inf in the loss or the gradients; the best weights so far were restored.
    case nonFinite(what: String, epoch: Int, step: Int, report: TrainingReport)

    public var description: String {
        switch self {
        case .nonFinite(let what, let epoch, let step, let report):
            let kept = report.bestEpoch > 0 ? "the weights of epoch \(report.bestEpoch) were restored" : "the initial weights were restored"
            return "training diverged: \(what) is not finite at epoch \(epoch), step \(step); \(kept) (try a lower learning rate or gradient clipping)"
        }
    }
}

/// Receives progress; `ConsoleProgress` draws it.
public protocol TrainingObserver: AnyObject {
    func trainingBegan(epochs: Int, stepsPerEpoch: Int)
    func stepFinished(epoch: Int, step: Int, loss: Float)
    func epochFinished(_ record: EpochRecord, improved: Bool)
    func trainingFinished(_ report: TrainingReport)
}

public final class Trainer {
    public let config: TrainerConfig
    public var observer: TrainingObserver?
    /// Called after each epoch that improved the kept weights (the model holds them then).
    public var onImprovement: ((TrainingReport) throws -> Void)?

    public init(_ config: TrainerConfig, observer: TrainingObserver? = nil) {
        self.config = config
        self.observer = observer
    }

    /// Fits `model` and leaves it holding the best weights seen. Throws `DeviceUnavailable` for a
    /// device this machine cannot use, and a device's own failure as soon as a step reports it.
    @discardableResult
    public func fit(_ model: some Trainable, train: some BatchSource, validation: (any BatchSource)? = nil) throws -> TrainingReport {
        precondition(train.count > 0, "no training samples")
        let kernels = try backend(for: config.device)
        // Off the CPU, the starting weights are kept on the host: a device that fails mid-run
        // cannot be read back, and the model then keeps these rather than NaN.
        let starting = config.device == .cpu ? [] : model.parameters.map(\.values)
        let group = ParameterGroup(model.parameters, on: kernels)
        // Whatever happens, the weights end on the host where they started (restored to the best
        // first, on every path below): a model left on a GPU would surprise every caller after.
        defer {
            if config.device != .cpu {
                let healthy = (try? kernels.checkHealth()) != nil
                _ = ParameterGroup(model.parameters, on: hostBackend)
                if !healthy { for (p, values) in zip(model.parameters, starting) { p.load(values) } }
            }
        }
        let optimizer = Adam.adamW(group, beta1: config.beta1, beta2: config.beta2, weightDecay: config.weightDecay)
        let batchesPerEpoch = (train.count + config.batchSize - 1) / config.batchSize
        let stepsPerEpoch = min(batchesPerEpoch, config.maxStepsPerEpoch ?? .max)
        let planned = stepsPerEpoch * config.epochs
        let schedule: LearningRateSchedule
        switch config.schedule {
        case .constant: schedule = .constant(config.learningRate)
        case .cosine:
            schedule = .warmupCosine(peak: config.learningRate, warmup: config.warmupSteps ?? max(1, planned / 20), total: planned,
                                     floor: config.learningRate * 0.01)
        case .halving: schedule = .halvingPerEpoch(initial: config.learningRate, stepsPerEpoch: stepsPerEpoch)
        }
        let dyadic = DyadicHold(model, plannedSteps: planned)
        var rng = SeededGenerator(seed: config.seed)
        // Weight snapshots (the best so far, the moving average) live on the group's device.
        var best = group.snapshot()
        let average = config.averaging.map { _ in group.snapshot() }
        var report = TrainingReport()
        var sinceImprovement = 0
        let began = monotonicSeconds()
        observer?.trainingBegan(epochs: config.epochs, stepsPerEpoch: stepsPerEpoch)

        func restoreBest() { group.restore(best) }

        if config.validateInitialWeights, let validation {
            let initial = evaluate(model, on: validation)
            if initial.isFinite { report.bestLoss = initial }
        }

        for epoch in 1...max(1, config.epochs) {
            let epochBegan = monotonicSeconds()
            let order = Self.permutation(train.count, &rng)
            var lossSum = 0.0, seen = 0
            for step in 0..<stepsPerEpoch {
                let indices = Array(order[(step * config.batchSize)..<min(train.count, (step + 1) * config.batchSize)])
                let (inputs, targets) = train.batch(indices)
                let tape = Tape()
                let loss = model.loss(inputs: inputs, targets: targets, ForwardContext(tape: tape, training: true, seed: rng.next()))
                let value = loss.item
                func diverged(_ what: String) -> TrainingError {
                    restoreBest()
                    report.stopReason = .nonFinite
                    report.seconds = monotonicSeconds() - began
                    return .nonFinite(what: what, epoch: epoch, step: step + 1, report: report)
                }
                try kernels.checkHealth()  // a failed launch reads as NaN: say what failed instead
                guard value.isFinite else { throw diverged("the training loss") }
                optimizer.zeroGradients()
                tape.backward(loss)
                dyadic.holdGradients(step: report.steps)
                guard group.gradientsAreFinite else { try kernels.checkHealth(); throw diverged("a gradient") }
                if let clip = config.clipNorm { group.clipGradientNorm(clip) }
                optimizer.step(learningRate: schedule.rate(at: report.steps))
                dyadic.restoreValues(step: report.steps)
                if let decay = config.averaging, let average { group.kernels.movingAverage(average, toward: group.values, decay: decay) }
                try kernels.checkHealth()
                report.steps += 1
                lossSum += Double(value) * Double(indices.count)
                seen += indices.count
                observer?.stepFinished(epoch: epoch, step: step + 1, loss: value)
            }
            let trainLoss = Float(lossSum / Double(max(1, seen)))
            // With averaging, validate (and keep) the average: swap it in, and back after.
            var raw: TensorStorage?
            if let average {
                raw = group.snapshot()
                group.restore(average)
            }
            let validationLoss = validation.map { evaluate(model, on: $0) }
            let monitored = validationLoss ?? trainLoss
            guard monitored.isFinite else {
                restoreBest()
                report.stopReason = .nonFinite
                throw TrainingError.nonFinite(what: validationLoss == nil ? "the training loss" : "the validation loss",
                                              epoch: epoch, step: stepsPerEpoch, report: report)
            }
            let improved = monitored < report.bestLoss - config.minDelta
            let record = EpochRecord(epoch: epoch, trainLoss: trainLoss, validationLoss: validationLoss,
                                     learningRate: schedule.rate(at: max(0, report.steps - 1)), steps: stepsPerEpoch,
                                     seconds: monotonicSeconds() - epochBegan)
            report.epochs.append(record)
            if improved {
                report.bestLoss = monitored
                report.bestEpoch = epoch
                sinceImprovement = 0
                best = group.snapshot()
            } else {
                sinceImprovement += 1
            }
            observer?.epochFinished(record, improved: improved)
            if improved { try onImprovement?(report) }
            if let raw { group.restore(raw) }
            if let patience = config.patience, sinceImprovement >= patience, epoch < config.epochs {
                report.stopReason = .earlyStopped
                break
            }
        }
        restoreBest()
        report.seconds = monotonicSeconds() - began
        observer?.trainingFinished(report)
        return report
    }

    /// Mean loss over `data` in inference mode (no dropout, no tape).
    public func evaluate(_ model: some Trainable, on data: any BatchSource) -> Float {
        var sum = 0.0
        var start = 0
        while start < data.count {
            let indices = Array(start..<min(data.count, start + config.batchSize))
            let (inputs, targets) = data.batch(indices)
            sum += Double(model.loss(inputs: inputs, targets: targets, .inference()).item) * Double(indices.count)
            start += indices.count
        }
        return Float(sum / Double(max(1, data.count)))
    }

    /// A seeded Fisher–Yates shuffle of 0..<n (our own, so the order never depends on the
    /// standard library's algorithm).
    static func permutation(_ n: Int, _ rng: inout SeededGenerator) -> [Int] {
        var order = Array(0..<n)
        if n < 2 { return order }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return order
    }
}
