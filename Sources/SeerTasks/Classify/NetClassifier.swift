// The zoo's nets as classifiers: a `SequenceClassifier` per ensemble member (overlapping patches
// of the case as tokens — a learnt convolutional stem — the backbone, the mean over the case's
// real tokens, a linear map to class logits), trained with class-weighted cross-entropy.
//
// The recipe, each part measured on the UCR/UEA sets (DECISIONS.md, "Net classifiers"):
// * inputs standardised per channel with the training cases' mean and deviation, not each case on
//   its own: a case's level is often the signal (JapaneseVowels: 0.79 → 0.99);
// * every channel in one token (channels mixed), half-overlapping patches of 16 steps (8 for
//   cases under 128 steps);
// * a fixed budget of optimiser steps (1,000) on every training case, the weights averaged
//   (EMA 0.99), rather than early stopping on a held-out fifth of 36–67 cases, which stopped on
//   noise; with many cases (500 or more) a stratified tenth is held out for early stopping;
// * each case augmented to 8 (itself and 7 copies scaled by N(1, 0.1), jittered by N(0, 0.05),
//   shifted by up to a tenth of its length);
// * shorter cases padded with their last value and masked out of the pooling;
// * five nets from consecutive seeds, their probabilities averaged.
import Foundation
import SeerBase
import SeerModels
import SeerNN
import SeerTensor

/// How a net classifier trains.
public struct NetClassifierSettings: Equatable, Sendable {
    /// Passes over the (augmented) training cases; nil: as many as `steps` optimiser steps take.
    public var epochs: Int?
    /// Optimiser steps when `epochs` is nil.
    public var steps = 1_000
    public var width = 32
    public var layers = 2
    public var batchSize = 16
    public var learningRate: Float = 2e-3
    /// Copies of each training case per epoch, itself included (1: no augmentation).
    public var augmentCopies = 8
    /// Nets trained from seeds seed, seed + 1, … whose probabilities are averaged: five, as the
    /// field's deep classifiers ensemble (InceptionTime); single nets on a few dozen cases swing
    /// by several points from seed to seed.
    public var members = 5
    /// Training cases from which a stratified tenth is held out for early stopping.
    public var holdOutFrom = 500
    /// Epochs without a better held-out loss before training stops (with a hold-out).
    public var patience = 10
    /// z-normalise each case's channels on their own instead of standardising per channel.
    public var normalizeCases = false
    public var seed: UInt64 = 0

    public init(epochs: Int? = nil, seed: UInt64 = 0, members: Int = 5, normalizeCases: Bool = false) {
        self.epochs = epochs
        self.normalizeCases = normalizeCases
        self.seed = seed
        self.members = members
    }

    /// Tokens: patches half-overlapping, of 16 steps for cases of 128 steps or more, of 8 for
    /// shorter ones (shorter still under 24 steps). Measured: 16 against 8 lifted every net on
    /// ArrowHead (251 steps) and GunPoint (150) and halved the training time; on BasicMotions (100)
    /// it cost one case in three seeds.
    static func tokenization(length: Int) -> Tokenization {
        let patch = length >= 128 ? 16 : min(8, max(1, length / 3))
        return patch == 1 ? .point : .patch(length: patch, stride: max(1, patch / 2))
    }
}

/// A trained zoo-net classifier.
public struct NetClassifier: @unchecked Sendable {
    public let family: ModelFamily
    public let settings: NetClassifierSettings
    public let length: Int
    public let channels: Int
    public let tokenization: Tokenization
    /// Per-channel standardisation from the training cases (empty with `normalizeCases`).
    public let channelMeans: [Float], channelScales: [Float]
    let members: [SequenceClassifier]
    /// What training did per member (nil for a net loaded from a model directory).
    public let reports: [TrainingReport]?

    /// Trains `family` (nt, dijiang, cofrgenet or gpt) on `cases` (channels × steps) with `labels`.
    public init(family: ModelFamily, cases: [[[Float]]], labels: [Int], classes: Int, settings: NetClassifierSettings = NetClassifierSettings()) throws {
        let length = cases.map { $0[0].count }.max() ?? 1
        let channels = cases[0].count
        self.family = family
        self.settings = settings
        self.length = length
        self.channels = channels
        tokenization = NetClassifierSettings.tokenization(length: length)
        let (means, scales) = settings.normalizeCases ? ([], []) : Self.channelStatistics(cases)
        channelMeans = means
        channelScales = scales
        // Class weights: inverse frequency, averaging 1 over the cases.
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        let weights = counts.map { $0 > 0 ? Float(labels.count) / Float(classes * $0) : 0 }
        let inputs = cases.map { Self.prepare($0, length: length, means: means, scales: scales, normalize: settings.normalizeCases) }
        var models: [SequenceClassifier] = [], reports: [TrainingReport] = []
        for member in 0..<max(1, settings.members) {
            let seed = settings.seed &+ UInt64(member)
            let model = try Self.model(family, settings: settings, tokenization: tokenization, length: length, channels: channels,
                                       classes: classes, classWeights: weights, seed: seed)
            reports.append(try Self.train(model, inputs: inputs, labels: labels, classes: classes, length: length, channels: channels,
                                          settings: settings, seed: seed))
            models.append(model)
        }
        members = models
        self.reports = reports
    }

    static func model(_ family: ModelFamily, settings: NetClassifierSettings, tokenization: Tokenization, length: Int, channels: Int,
                      classes: Int, classWeights: [Float]?, seed: UInt64) throws -> SequenceClassifier {
        let tokens = tokenization.tokenCount(steps: length)
        guard tokens >= 1, let backbone = family.descriptor.backbone(NetShape(width: settings.width, layers: settings.layers, heads: 4), tokens: tokens) else {
            throw DataError(.usage, "\(family.rawValue) is not a net; the net classifiers are nt, dijiang, cofrgenet and gpt", file: "model")
        }
        return SequenceClassifier(SequenceClassifierConfig(backbone: backbone, classes: classes, length: length, channels: channels,
                                                           channelMode: .mixed, tokenization: tokenization, classWeights: classWeights,
                                                           masked: true, seed: seed))
    }

    /// Trains one member: augmented copies of the training cases, a fixed step budget (or the
    /// epochs asked for), EMA weights; a stratified held-out tenth with many cases.
    static func train(_ model: SequenceClassifier, inputs: [[Float]], labels: [Int], classes: Int, length: Int, channels: Int,
                      settings: NetClassifierSettings, seed: UInt64) throws -> TrainingReport {
        var rng = SeededGenerator(seed: seed &+ 17)
        var held: [Int] = [], kept: [Int] = []
        for c in 0..<classes {
            var members = labels.indices.filter { labels[$0] == c }
            members.shuffle(using: &rng)
            let out = labels.count >= settings.holdOutFrom && members.count >= 2 ? max(1, members.count / 10) : 0
            held += members.prefix(out)
            kept += members.dropFirst(out)
        }
        kept.sort()
        held.sort()
        let width = channels + 1
        var x: [Float] = [], y: [Float] = []
        for i in kept {
            for copy in 0..<max(1, settings.augmentCopies) {
                x += copy == 0 ? inputs[i] : augment(inputs[i], length: length, channels: channels, rng: &rng)
                y.append(Float(labels[i]))
            }
        }
        let train = SampleSet(inputs: x, inputShape: [length, width], targets: y, targetShape: [1])
        let validation = held.isEmpty ? nil : SampleSet(inputs: held.flatMap { inputs[$0] }, inputShape: [length, width],
                                                       targets: held.map { Float(labels[$0]) }, targetShape: [1])
        let stepsPerEpoch = max(1, (y.count + settings.batchSize - 1) / settings.batchSize)
        var trainer = TrainerConfig(epochs: settings.epochs ?? max(1, settings.steps / stepsPerEpoch), batchSize: settings.batchSize,
                                    learningRate: settings.learningRate, patience: validation == nil ? nil : settings.patience, seed: seed)
        trainer.clipNorm = 1
        trainer.averaging = 0.99
        return try Trainer(trainer).fit(model, train: train, validation: validation)
    }

    /// A copy of a prepared case ([length, channels + 1], mask last) scaled, jittered and shifted
    /// in time (edges held); the mask shifts with the values and is not scaled or jittered.
    static func augment(_ x: [Float], length: Int, channels: Int, rng: inout SeededGenerator) -> [Float] {
        let width = channels + 1
        let scale = 1 + 0.1 * Float(rng.normal())
        let most = length / 10
        let shift = most > 0 ? Int.random(in: -most...most, using: &rng) : 0
        var out = [Float](repeating: 0, count: x.count)
        for t in 0..<length {
            let source = min(length - 1, max(0, t - shift))
            for c in 0..<channels { out[t * width + c] = x[source * width + c] * scale + 0.05 * Float(rng.normal()) }
            out[t * width + channels] = x[source * width + channels]
        }
        return out
    }

    /// A trained net from a model directory's parts: the same architecture, the saved weights.
    init(family: ModelFamily, settings: NetClassifierSettings, length: Int, channels: Int, classes: Int, tokenization: Tokenization,
         channelMeans: [Float], channelScales: [Float], memberTensors: [SafeTensorsFile], source: String) throws {
        guard length >= 1, channels >= 1, classes >= 2, !memberTensors.isEmpty,
              channelMeans.count == channelScales.count, channelMeans.isEmpty || channelMeans.count == channels,
              channelScales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DataError.bad("the saved net (\(family.rawValue), \(length) steps, \(channels) channels, \(classes) classes) cannot be rebuilt", file: source)
        }
        self.family = family
        self.settings = settings
        self.length = length
        self.channels = channels
        self.tokenization = tokenization
        self.channelMeans = channelMeans
        self.channelScales = channelScales
        members = try memberTensors.map { tensors in
            let model = try Self.model(family, settings: settings, tokenization: tokenization, length: length, channels: channels,
                                       classes: classes, classWeights: nil, seed: settings.seed)
            try Checkpoint.load(tensors, into: model.parameters, source: source)
            return model
        }
        reports = nil
    }

    /// Each member's weights, named as the model names them.
    var memberTensors: [SafeTensorsFile] { members.map { Checkpoint.tensors(from: $0.parameters) } }

    /// The predicted class of each case.
    public func predict(_ cases: [[[Float]]]) -> [Int] {
        probabilities(cases).map { row in row.indices.max { row[$0] < row[$1] }! }
    }

    /// Class probabilities of each case: the members' softmax outputs, averaged.
    public func probabilities(_ cases: [[[Float]]]) -> [[Float]] {
        var out: [[Float]] = []
        for start in stride(from: 0, to: cases.count, by: 64) {
            let batch = cases[start..<min(cases.count, start + 64)]
            let x = Tensor(batch.flatMap { Self.prepare($0, length: length, means: channelMeans, scales: channelScales, normalize: settings.normalizeCases) },
                           shape: [batch.count, length, channels + 1])
            var sums = [[Float]](repeating: [], count: batch.count)
            for model in members {
                let logits = model.logits(x, .inference()).array
                let k = logits.count / batch.count
                for b in 0..<batch.count {
                    let p = RidgeClassifier.softmax(Array(logits[(b * k)..<((b + 1) * k)]))
                    sums[b] = sums[b].isEmpty ? p : zip(sums[b], p).map { $0 + $1 }
                }
            }
            out += sums.map { $0.map { $0 / Float(members.count) } }
        }
        return out
    }

    /// Each channel's mean and deviation over every training value (deviation 1 for a constant channel).
    static func channelStatistics(_ cases: [[[Float]]]) -> (means: [Float], scales: [Float]) {
        let channels = cases[0].count
        var means: [Float] = [], scales: [Float] = []
        for c in 0..<channels {
            var sum = 0.0, squares = 0.0, count = 0.0
            for case_ in cases { for v in case_[c] { sum += Double(v); count += 1 } }
            let mean = sum / max(count, 1)
            for case_ in cases { for v in case_[c] { squares += (Double(v) - mean) * (Double(v) - mean) } }
            let deviation = (squares / max(count, 1)).squareRoot()
            means.append(Float(mean))
            scales.append(deviation > 1e-8 ? Float(deviation) : 1)
        }
        return (means, scales)
    }

    /// A case as step-major [length, channels + 1]: each channel standardised with `means` and
    /// `scales` (or z-normalised on its own with `normalize`; a constant channel becomes zeros),
    /// padded to `length` with its last value (cut when longer), then the mask: 1 on real steps,
    /// 0 on padding.
    static func prepare(_ case_: [[Float]], length: Int, means: [Float], scales: [Float], normalize: Bool) -> [Float] {
        let real = min(length, case_.first?.count ?? 0)
        let channels = case_.enumerated().map { c, values -> [Float] in
            var v = values
            if normalize, !v.isEmpty {
                let mean = v.reduce(0, +) / Float(v.count)
                let deviation = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)).squareRoot()
                v = v.map { deviation > 1e-8 ? ($0 - mean) / deviation : 0 }
            } else if !means.isEmpty {
                v = v.map { ($0 - means[c]) / scales[c] }
            }
            if v.count < length { v += repeatElement(v.last ?? 0, count: length - v.count) }
            return Array(v.prefix(length))
        }
        let width = channels.count + 1
        var out = [Float](repeating: 0, count: length * width)
        for (c, channel) in channels.enumerated() { for t in 0..<length { out[t * width + c] = channel[t] } }
        for t in 0..<real { out[t * width + channels.count] = 1 }
        return out
    }
}
