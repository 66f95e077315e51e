// The zoo's nets as a forecasting member of the ensemble detector: a small NT or DiJiang net,
// trained once on a series' warm-up to predict the next value from the values before it, then run
// in streaming mode (NT's open nodes, DiJiang's recurrent state) so each new value costs a few
// token steps, not a forward pass over a window. Its raw score has the linear member's form — the
// one-step error in units of its running mean absolute error, as 1 − exp(−ratio/4) — so the same
// averaged likelihood calibrates either.
//
// Values enter the net normalised as the linear member normalises them (against a running centre
// and spread, clipped to ±10 so a spike cannot saturate the state). The net was trained on frames
// of `lookback` tokens with learned positions, so the stream runs in frames of that length: when a
// frame is full, a fresh stream replays its newer half and goes on — every prediction has at least
// half a frame of context, at about twice the cost of one token step per value. The stream's state
// is a function of the current frame's values, so a saved detector keeps those values and the
// weights, and rebuilds the stream on its next update.
import Foundation
import SeerBase
import SeerNN
import SeerTensor

/// The net behind `NetResidual`.
public enum ResidualNet: String, Sendable, Codable, CaseIterable {
    case nt, dijiang
}

/// The one-step error of a streaming zoo net, trained on the first `trainAfter` values.
public struct NetResidual: Sendable {
    public let net: ResidualNet
    /// Values learnt before the net is trained (the warm-up); until then there is no score.
    public let trainAfter: Int
    /// Tokens per frame: the training window and the longest context of a prediction.
    public let lookback: Int
    public let seed: UInt64
    private var centre: Double?
    private var scale = 0.0
    private var seen = 0
    /// The normalised warm-up values, until the net is trained on them.
    private var learnt: [Float] = []
    /// The normalised values fed into the current frame.
    private var frame: [Float] = []
    /// The trained weights in the model's parameter order (nil before training, or when it failed).
    private var weights: [Float]?
    private var failed = false
    /// The net's prediction of the next normalised value.
    private var prediction: Float = 0
    private var errorScale = 0.0
    /// The trained net's mean absolute error on the held-out newest values of the warm-up, and
    /// how many of the newest warm-up values that error covers.
    public private(set) var heldOutError: Double?
    public private(set) var heldOutSpan = 0
    /// The model and its stream, rebuilt from `weights` and `frame` when missing or shared.
    private var runtime: NetRuntime?

    /// Inputs beyond this many spreads from the centre are clipped.
    static let clip = 10.0

    /// `trainAfter`: values learnt before the net is trained (at least 4 frames' worth are
    /// needed; fewer and the net never trains). `lookback`: tokens per frame.
    public init(net: ResidualNet, trainAfter: Int, lookback: Int = 64, seed: UInt64 = 0) {
        precondition(lookback >= 8 && lookback % 2 == 0, "a frame needs an even number of tokens, at least 8")
        self.net = net
        self.trainAfter = trainAfter
        self.lookback = lookback
        self.seed = seed
    }

    /// Whether the net is trained and scoring.
    public var isReady: Bool { weights != nil }
    /// Whether training was impossible (too few values) or diverged: the member stays silent.
    public var trainingFailed: Bool { failed }

    /// The raw score of `value` (nil until the net is trained), then `value` learnt.
    public mutating func update(_ value: Double) -> Double? {
        seen += 1
        guard let old = centre else {
            centre = value
            learn(0)
            return nil
        }
        centre = old + 0.01 * (value - old)
        scale = seen == 2 ? abs(value - old) : scale + 0.01 * (abs(value - old) - scale)
        let unit = max(scale, 1e-9 * max(1, abs(old)), 1e-12)
        let x = (value - old) / unit
        guard weights != nil else {
            learn(x)
            return nil
        }
        let error = abs(x - Double(prediction))
        let typical = errorScale == 0 ? max(error, 1e-6) : errorScale
        errorScale = errorScale == 0 ? max(error, 1e-6) : errorScale + 0.01 * (error - errorScale)
        feed(Self.clipped(x))
        return 1 - exp(-(error / typical) / 4)
    }

    static func clipped(_ x: Double) -> Float { Float(min(max(x, -clip), clip)) }

    /// A warm-up value; the last one trains the net.
    private mutating func learn(_ x: Double) {
        guard !failed else { return }
        learnt.append(Self.clipped(x))
        guard learnt.count >= trainAfter else { return }
        let model = Self.model(net: net, lookback: lookback, seed: seed)
        guard let typical = Self.train(model, on: learnt, lookback: lookback, seed: seed) else {
            failed = true
            learnt = []
            return
        }
        weights = model.parameters.flatMap(\.values)
        errorScale = typical
        heldOutError = typical
        heldOutSpan = Self.heldOut(frames: learnt.count - lookback) + lookback / 2 - 1
        // The newest half frame primes the stream.
        frame = Array(learnt.suffix(lookback / 2))
        learnt = []
        runtime = NetRuntime(model: model, lookback: lookback)
        prediction = runtime!.replay(frame)
    }

    /// Feeds one normalised value, starting a fresh frame from the newer half when this one is full.
    private mutating func feed(_ x: Float) {
        if runtime == nil || !isKnownUniquelyReferenced(&runtime) { rebuild() }
        if frame.count == lookback {
            frame = Array(frame.suffix(lookback / 2))
            _ = runtime!.replay(frame)
        }
        prediction = runtime!.step(x, at: frame.count)
        frame.append(x)
    }

    /// The model from the saved weights and the stream over the current frame.
    private mutating func rebuild() {
        let model = Self.model(net: net, lookback: lookback, seed: seed)
        var offset = 0
        for parameter in model.parameters {
            parameter.load(Array(weights![offset..<(offset + parameter.count)]))
            offset += parameter.count
        }
        runtime = NetRuntime(model: model, lookback: lookback)
        prediction = runtime!.replay(frame)
    }

    /// Frames held out of training: the newest fifth.
    static func heldOut(frames: Int) -> Int { frames / 5 }

    /// The member's net: small (width 16, one block), since it learns from one series' warm-up.
    static func model(net: ResidualNet, lookback: Int, seed: UInt64) -> SequenceModel {
        let backbone: BackboneConfig
        switch net {
        case .nt: backbone = .nt(NTConfig(width: 16, blocks: 1, topHeads: 2, maxTokens: lookback))
        case .dijiang: backbone = .dijiang(DiJiangConfig(width: 16, heads: 2, layers: 1, ffnMultiplier: 2, maxTokens: lookback))
        }
        return SequenceModel(SequenceModelConfig(backbone: backbone, head: .autoregressive, lookback: lookback, seed: seed))
    }

    /// Trains `model` to predict each next value of `values` in frames of `lookback`, the last
    /// fifth of the frames held out for early stopping; returns the held-out mean absolute error
    /// of the predictions made with at least half a frame of context (the error scale the
    /// scores start from), or nil when there are too few values or training diverged.
    static func train(_ model: SequenceModel, on values: [Float], lookback: Int, seed: UInt64) -> Double? {
        let frames = values.count - lookback
        guard frames >= 40 else { return nil }
        let held = heldOut(frames: frames)
        func samples(_ starts: Range<Int>) -> SampleSet {
            var inputs: [Float] = [], targets: [Float] = []
            for s in starts {
                inputs += values[s..<(s + lookback)]
                targets += values[(s + 1)...(s + lookback)]
            }
            return SampleSet(inputs: inputs, inputShape: [lookback, 1], targets: targets, targetShape: [lookback, 1])
        }
        let training = samples(0..<(frames - held)), validation = samples((frames - held)..<frames)
        var config = TrainerConfig(epochs: 20, batchSize: 32, learningRate: 3e-3, patience: 4, seed: seed)
        config.maxStepsPerEpoch = 20
        do {
            _ = try Trainer(config).fit(model, train: training, validation: validation)
        } catch {
            return nil
        }
        let (x, y) = validation.batch(Array(0..<validation.count))
        let predicted = model(x, .inference()).array, actual = y.array
        var total = 0.0, count = 0
        for s in 0..<validation.count {
            for t in (lookback / 2)..<lookback {
                total += Double(abs(predicted[s * lookback + t] - actual[s * lookback + t]))
                count += 1
            }
        }
        let typical = total / Double(max(count, 1))
        return typical.isFinite ? max(typical, 1e-6) : nil
    }
}

/// A trained model and its stream over the current frame (a class: the stream's state is).
final class NetRuntime: @unchecked Sendable {
    let model: SequenceModel
    let lookback: Int
    private var stream: any SequenceStream
    private let positions: Tensor?

    init(model: SequenceModel, lookback: Int) {
        self.model = model
        self.lookback = lookback
        stream = Self.freshStream(model, lookback)
        positions = model.embedding.positions?.tensor
    }

    static func freshStream(_ model: SequenceModel, _ lookback: Int) -> any SequenceStream {
        guard let backbone = model.backbone as? StreamableBackbone, let stream = backbone.stream(batch: 1, tokens: lookback) else {
            preconditionFailure("the residual member's nets stream one sequence")
        }
        return stream
    }

    /// A fresh stream fed `values` from the frame's start; the prediction after the last (0 for none).
    func replay(_ values: [Float]) -> Float {
        stream = Self.freshStream(model, lookback)
        var prediction: Float = 0
        for (position, value) in values.enumerated() { prediction = step(value, at: position) }
        return prediction
    }

    /// Feeds the value at frame `position`; the prediction of the next value.
    func step(_ value: Float, at position: Int) -> Float {
        var token = model.embedding.projection(Tensor([value], shape: [1, 1]), on: nil)
        if let positions { token = token + positions.slice(axis: 0, position..<(position + 1)) }
        return model.head(stream.next(token), on: nil).array[0]
    }
}

extension NetResidual: Codable {
    enum CodingKeys: String, CodingKey {
        case net, trainAfter, lookback, seed, centre, scale, seen, learnt, frame, weights, failed, prediction, errorScale, heldOutError, heldOutSpan
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        net = try c.decode(ResidualNet.self, forKey: .net)
        trainAfter = try c.decode(Int.self, forKey: .trainAfter)
        lookback = try c.decode(Int.self, forKey: .lookback)
        seed = try c.decode(UInt64.self, forKey: .seed)
        centre = try c.decodeIfPresent(Double.self, forKey: .centre)
        scale = try c.decode(Double.self, forKey: .scale)
        seen = try c.decode(Int.self, forKey: .seen)
        failed = try c.decode(Bool.self, forKey: .failed)
        prediction = try c.decode(Float.self, forKey: .prediction)
        errorScale = try c.decode(Double.self, forKey: .errorScale)
        heldOutError = try c.decodeIfPresent(Double.self, forKey: .heldOutError)
        heldOutSpan = try c.decodeIfPresent(Int.self, forKey: .heldOutSpan) ?? 0
        func floats(_ key: CodingKeys) throws -> [Float]? {
            guard let bytes = try c.decodeIfPresent(Data.self, forKey: key) else { return nil }
            guard let values = Float32Coding.values(bytes) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(bytes.count) bytes are not whole Float32 values")
            }
            return values
        }
        learnt = try floats(.learnt) ?? []
        frame = try floats(.frame) ?? []
        weights = try floats(.weights)
        guard lookback >= 8, lookback % 2 == 0, frame.count <= lookback else {
            throw DecodingError.dataCorruptedError(forKey: .frame, in: c, debugDescription: "a frame of \(frame.count) values in \(lookback) tokens")
        }
        if let weights {
            let expected = Self.model(net: net, lookback: lookback, seed: seed).parameters.reduce(0) { $0 + $1.count }
            guard weights.count == expected else {
                throw DecodingError.dataCorruptedError(forKey: .weights, in: c, debugDescription: "\(weights.count) weights where the net has \(expected)")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(net, forKey: .net)
        try c.encode(trainAfter, forKey: .trainAfter)
        try c.encode(lookback, forKey: .lookback)
        try c.encode(seed, forKey: .seed)
        try c.encodeIfPresent(centre, forKey: .centre)
        try c.encode(scale, forKey: .scale)
        try c.encode(seen, forKey: .seen)
        try c.encode(failed, forKey: .failed)
        try c.encode(prediction, forKey: .prediction)
        try c.encode(errorScale, forKey: .errorScale)
        try c.encodeIfPresent(heldOutError, forKey: .heldOutError)
        try c.encode(heldOutSpan, forKey: .heldOutSpan)
        try c.encode(Float32Coding.bytes(learnt), forKey: .learnt)
        try c.encode(Float32Coding.bytes(frame), forKey: .frame)
        try c.encodeIfPresent(weights.map(Float32Coding.bytes), forKey: .weights)
    }
}
