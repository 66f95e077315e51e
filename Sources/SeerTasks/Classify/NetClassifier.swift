// The zoo's nets as classifiers: a `SequenceClassifier` (the forecasters' embedding and backbone,
// the mean over tokens, a linear map to class logits) trained with class-weighted cross-entropy,
// early-stopped on a stratified fifth of the training cases held out, the best epoch's weights
// kept. Each case is z-normalised on its own (per channel) unless asked not to — UCR/UEA series
// differ in offset and scale more than in shape — and cases shorter than the longest are padded
// at the end with their last value (the mean over tokens then sees a held level, not a jump to 0).
import Foundation
import SeerBase
import SeerModels
import SeerNN
import SeerTensor

/// How a net classifier trains.
public struct NetClassifierSettings: Equatable, Sendable {
    public var epochs = 60
    public var width = 32
    public var layers = 2
    public var batchSize = 16
    public var learningRate: Float = 2e-3
    /// Epochs without a better held-out loss before training stops.
    public var patience = 12
    /// z-normalise each case's channels on their own.
    public var normalizeCases = true
    public var seed: UInt64 = 0

    public init(epochs: Int = 60, seed: UInt64 = 0) {
        self.epochs = epochs
        self.seed = seed
    }
}

/// A trained zoo-net classifier.
public struct NetClassifier: @unchecked Sendable {
    public let family: ModelFamily
    public let settings: NetClassifierSettings
    public let length: Int
    public let channels: Int
    let model: SequenceClassifier
    /// What training did (epochs run, the best held-out loss); nil for a net loaded from a model directory.
    public let report: TrainingReport?

    /// Trains `family` (nt, dijiang, cofrgenet or gpt) on `cases` (channels × steps) with `labels`.
    public init(family: ModelFamily, cases: [[[Float]]], labels: [Int], classes: Int, settings: NetClassifierSettings = NetClassifierSettings()) throws {
        let length = cases.map { $0[0].count }.max() ?? 1
        let channels = cases[0].count
        guard let backbone = family.descriptor.backbone(NetShape(width: settings.width, layers: settings.layers, heads: 4), tokens: length) else {
            throw DataError(.usage, "\(family.rawValue) is not a net; the net classifiers are nt, dijiang, cofrgenet and gpt", file: "model")
        }
        self.family = family
        self.settings = settings
        self.length = length
        self.channels = channels
        // Class weights: inverse frequency, averaging 1 over the cases.
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        let weights = counts.map { $0 > 0 ? Float(labels.count) / Float(classes * $0) : 0 }
        model = SequenceClassifier(SequenceClassifierConfig(backbone: backbone, classes: classes, length: length, channels: channels,
                                                            classWeights: weights, seed: settings.seed))
        // A stratified fifth held out for early stopping (every class keeps at least one case to train on).
        var rng = SeededGenerator(seed: settings.seed &+ 17)
        var held: [Int] = [], kept: [Int] = []
        for c in 0..<classes {
            var members = labels.indices.filter { labels[$0] == c }
            members.shuffle(using: &rng)
            let out = members.count >= 2 ? max(1, members.count / 5) : 0
            held += members.prefix(out)
            kept += members.dropFirst(out)
        }
        let inputs = cases.map { Self.prepare($0, length: length, normalize: settings.normalizeCases) }
        func set(_ indices: [Int]) -> SampleSet {
            SampleSet(inputs: indices.flatMap { inputs[$0] }, inputShape: [length, channels], targets: indices.map { Float(labels[$0]) }, targetShape: [1])
        }
        var trainer = TrainerConfig(epochs: settings.epochs, batchSize: settings.batchSize, learningRate: settings.learningRate,
                                    patience: held.isEmpty ? nil : settings.patience, seed: settings.seed)
        trainer.clipNorm = 1
        report = try Trainer(trainer).fit(model, train: set(kept.sorted()), validation: held.isEmpty ? nil : set(held.sorted()))
    }

    /// A trained net from a model directory's parts: the same architecture, the saved weights.
    init(family: ModelFamily, settings: NetClassifierSettings, length: Int, channels: Int, classes: Int,
         tensors: SafeTensorsFile, source: String) throws {
        guard length >= 1, channels >= 1, classes >= 2,
              let backbone = family.descriptor.backbone(NetShape(width: settings.width, layers: settings.layers, heads: 4), tokens: length) else {
            throw DataError.bad("the saved net (\(family.rawValue), \(length) steps, \(channels) channels, \(classes) classes) cannot be rebuilt", file: source)
        }
        self.family = family
        self.settings = settings
        self.length = length
        self.channels = channels
        model = SequenceClassifier(SequenceClassifierConfig(backbone: backbone, classes: classes, length: length, channels: channels, seed: settings.seed))
        try Checkpoint.load(tensors, into: model.parameters, source: source)
        report = nil
    }

    /// The weights, named as the model names them.
    var tensors: SafeTensorsFile { Checkpoint.tensors(from: model.parameters) }

    /// The predicted class of each case.
    public func predict(_ cases: [[[Float]]]) -> [Int] {
        probabilities(cases).map { row in row.indices.max { row[$0] < row[$1] }! }
    }

    /// Class probabilities of each case: the softmax of the net's logits.
    public func probabilities(_ cases: [[[Float]]]) -> [[Float]] {
        var out: [[Float]] = []
        for start in stride(from: 0, to: cases.count, by: 64) {
            let batch = cases[start..<min(cases.count, start + 64)]
            let x = batch.flatMap { Self.prepare($0, length: length, normalize: settings.normalizeCases) }
            let logits = model.logits(Tensor(x, shape: [batch.count, length, channels]), .inference()).array
            let k = logits.count / batch.count
            for b in 0..<batch.count { out.append(RidgeClassifier.softmax(Array(logits[(b * k)..<((b + 1) * k)]))) }
        }
        return out
    }

    /// A case as step-major [length, channels]: each channel z-normalised (when asked; a constant
    /// channel becomes zeros), then padded to `length` with its last value (cut when longer).
    static func prepare(_ case_: [[Float]], length: Int, normalize: Bool) -> [Float] {
        let channels = case_.map { values -> [Float] in
            var v = values
            if normalize, !v.isEmpty {
                let mean = v.reduce(0, +) / Float(v.count)
                let deviation = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)).squareRoot()
                v = v.map { deviation > 1e-8 ? ($0 - mean) / deviation : 0 }
            }
            if v.count < length { v += repeatElement(v.last ?? 0, count: length - v.count) }
            return Array(v.prefix(length))
        }
        var out = [Float](repeating: 0, count: length * channels.count)
        for (c, channel) in channels.enumerated() { for t in 0..<length { out[t * channels.count + c] = channel[t] } }
        return out
    }
}
