// A zoo net as a classifier: the same token embedding and backbone as the forecasters, then the
// mean over tokens and a linear map to class logits, trained with (optionally class-weighted)
// cross-entropy. Its own type, not a forecaster with horizon 0: `seer classify` and the
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
    public var seed: UInt64 = 0

    public init(backbone: BackboneConfig, classes: Int, length: Int, channels: Int = 1, channelMode: ChannelMode = .independent,
                tokenization: Tokenization = .point, position: PositionEncoding = .learned, classWeights: [Float]? = nil, seed: UInt64 = 0) {
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

    /// Class logits [B, classes] of cases [B, L, C].
    public func logits(_ cases: Tensor, _ context: ForwardContext) -> Tensor {
        precondition(cases.rank == 3 && cases.shape[2] == config.channels, "cases must be [batch, steps, \(config.channels)], not \(cases.shape)")
        let (batch, length, channels) = (cases.shape[0], cases.shape[1], cases.shape[2])
        var rows = cases
        if config.channelMode == .independent && channels > 1 {
            rows = cases.detached.permuted([0, 2, 1]).reshaped([batch * channels, length, 1])
        }
        let pooled = backbone(embedding(rows, context), context).mean(axis: 1)
        let features = config.channelMode == .independent ? pooled.reshaped([batch, channels * config.backbone.width]) : pooled
        return head(features, on: context.tape)
    }

    public func callAsFunction(_ cases: Tensor, _ context: ForwardContext) -> Tensor { logits(cases, context) }

    /// Cross-entropy of the logits against class indices stored as floats [B].
    public func loss(inputs: Tensor, targets: Tensor, _ context: ForwardContext) -> Tensor {
        logits(inputs, context).crossEntropy(targets: targets.array.map { Int32($0) },
                                               classWeights: config.classWeights.map { Tensor($0, shape: [$0.count]) })
    }
}
