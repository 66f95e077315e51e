// A zoo net as a classifier: the same token embedding and backbone as the forecasters, then the
// mean over tokens and a linear map to class logits, trained with (optionally class-weighted)
// cross-entropy. Cases shorter than the longest are padded; with `masked`, the input carries one
// more channel saying which steps are real (1) or padding (0), and the mean runs over the tokens
// that end inside the case only — the padding then cannot move the prediction. The mask travels
// as a channel so batches, shuffles and augmentation keep it beside its case. Its own type, not a forecaster with horizon 0: `seer classify` and the
// MiniRocket-style classifier meet it through `Trainable` and `logits`, never `forecast`.
import SeerBase
import SeerNN
import SeerTensor

public struct SequenceClassifierConfig: Equatable, Sendable {
    public var backbone: BackboneConfig
    public var classes: Int
    /// Steps per case L.
    public var length: Int
    public var channels = 1
    /// Independent channels each become a sequence (their pooled features are concatenated);
    /// mixed channels form one token per step.
    public var channelMode = ChannelMode.independent
    public var tokenization = Tokenization.point
    public var position = PositionEncoding.learned
    /// Weight of each class in the loss (nil: equal), for imbalanced training sets.
    public var classWeights: [Float]?
    /// The input's last channel marks real steps (1) and padding (0); pooling skips padded tokens.
    public var masked = false
    public var seed: UInt64 = 0

    public init(backbone: BackboneConfig, classes: Int, length: Int, channels: Int = 1, channelMode: ChannelMode = .independent,
                tokenization: Tokenization = .point, position: PositionEncoding = .learned, classWeights: [Float]? = nil, masked: Bool = false,
                seed: UInt64 = 0) {
        self.masked = masked
        self.backbone = backbone
        self.classes = classes
        self.length = length
        self.channels = channels
        self.channelMode = channelMode
        self.tokenization = tokenization
        self.position = position
        self.classWeights = classWeights
        self.seed = seed
    }

    public var rowFeatures: Int { channelMode == .independent ? 1 : channels }
    public var tokens: Int { tokenization.tokenCount(steps: length) }
}

public struct SequenceClassifier: Trainable {
    public let config: SequenceClassifierConfig
    public let embedding: TokenEmbedding
    public let backbone: any SequenceBackbone
    public let head: Linear

    public init(_ config: SequenceClassifierConfig) {
        precondition(config.classes >= 2, "a classifier needs at least two classes")
        precondition(config.tokens > 0, "cases of \(config.length) steps are shorter than one token")
        precondition(config.classWeights.map { $0.count == config.classes } ?? true, "one class weight per class")
        self.config = config
        var rng = SeededGenerator(seed: config.seed)
        let d = config.backbone.width
        embedding = TokenEmbedding("embed", tokenization: config.tokenization, features: config.rowFeatures, width: d,
                                   position: config.position, maxTokens: config.tokens, rng: &rng)
        backbone = config.backbone.make(tokens: config.tokens, rng: &rng)
        let pooled = config.channelMode == .independent ? config.channels * d : d
        head = Linear("head", inputs: pooled, outputs: config.classes, rng: &rng)
    }

    public var parameters: [Parameter] { embedding.parameters + backbone.parameters + head.parameters }

    /// Class logits [B, classes] of cases [B, L, C] (C + 1 with the mask channel last when `masked`).
    public func logits(_ cases: Tensor, _ context: ForwardContext) -> Tensor {
        let inputChannels = config.channels + (config.masked ? 1 : 0)
        precondition(cases.rank == 3 && cases.shape[2] == inputChannels, "cases must be [batch, steps, \(inputChannels)], not \(cases.shape)")
        let (batch, length, channels) = (cases.shape[0], cases.shape[1], config.channels)
        var data = cases
        var validTokens: [Int]?
        if config.masked {
            // Split the mask channel off (inputs carry no gradient, so plain arrays will do).
            let values = cases.detached.array
            var x = [Float](repeating: 0, count: batch * length * channels)
            var steps = [Int](repeating: 0, count: batch)
            for b in 0..<batch {
                for t in 0..<length {
                    let base = (b * length + t) * inputChannels
                    for c in 0..<channels { x[(b * length + t) * channels + c] = values[base + c] }
                    if values[base + channels] > 0.5 { steps[b] = t + 1 }
                }
            }
            data = Tensor(x, shape: [batch, length, channels])
            // A token counts when its last step is real; every case keeps its first token.
            validTokens = steps.map { min(config.tokens, max(1, config.tokenization.tokenCount(steps: $0))) }
        }
        var rows = data
        var rowTokens = validTokens
        if config.channelMode == .independent && channels > 1 {
            rows = data.detached.permuted([0, 2, 1]).reshaped([batch * channels, length, 1])
            rowTokens = validTokens.map { counts in counts.flatMap { Array(repeating: $0, count: channels) } }
        }
        let hidden = backbone(embedding(rows, context), context)
        let pooled = Self.pool(hidden, validTokens: rowTokens, tokens: config.tokens)
        let features = config.channelMode == .independent ? pooled.reshaped([batch, pooled.count / batch]) : pooled
        return head(features, on: context.tape)
    }

    /// The mean over each row's valid tokens: Σ_t h·m / count, the mask and 1/count as constants.
    static func pool(_ hidden: Tensor, validTokens: [Int]?, tokens: Int) -> Tensor {
        guard let validTokens, validTokens.contains(where: { $0 < tokens }) else { return hidden.mean(axis: 1) }
        let (r, t, d) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        var mask = [Float](repeating: 0, count: r * t * d), inverse = [Float](repeating: 0, count: r * d)
        for i in 0..<r {
            for k in 0..<validTokens[i] { for j in 0..<d { mask[(i * t + k) * d + j] = 1 } }
            for j in 0..<d { inverse[i * d + j] = 1 / Float(validTokens[i]) }
        }
        return (hidden * Tensor(mask, shape: [r, t, d], on: hidden.device)).sum(axis: 1) * Tensor(inverse, shape: [r, d], on: hidden.device)
    }

    public func callAsFunction(_ cases: Tensor, _ context: ForwardContext) -> Tensor { logits(cases, context) }

    /// Cross-entropy of the logits against class indices stored as floats [B].
    public func loss(inputs: Tensor, targets: Tensor, _ context: ForwardContext) -> Tensor {
        let logits = self.logits(inputs, context)
        return logits.crossEntropy(targets: targets.array.map { Int32($0) },
                                   classWeights: config.classWeights.map { Tensor($0, shape: [$0.count], on: logits.device) })
    }
}
