// A zoo net wrapped with MODELS.md §0's shared pieces for forecasting: channel layout
// (independent series sharing weights, or all channels in one token), RevIN, token embedding and
// a forecasting head — direct multi-horizon, or autoregressive next point/patch. Classifiers are
// their own type (SequenceClassifier): a model that predicts classes is not a forecaster.
import SeerBase
import SeerNN
import SeerTensor

/// Which sequence net sits between embedding and head.
public enum BackboneConfig: Equatable, Sendable {
    case gpt(GPTConfig)
    case nt(NTConfig)
    case dijiang(DiJiangConfig)
    case cofrgenet(CoFrGeNetConfig)

    public var width: Int {
        switch self {
        case .gpt(let c): return c.width
        case .nt(let c): return c.width
        case .dijiang(let c): return c.width
        case .cofrgenet(let c): return c.width
        }
    }

    /// The net, sized for sequences of `tokens` tokens (its position tables and NT's pyramid).
    public func make(tokens: Int, rng: inout SeededGenerator) -> any SequenceBackbone {
        switch self {
        case .gpt(let c): return GPT(config: c, rng: &rng)
        case .nt(var c):
            c.maxTokens = max(c.maxTokens, tokens)
            return NTNet(config: c, rng: &rng)
        case .dijiang(var c):
            c.maxTokens = c.maxTokens ?? tokens
            return DiJiangNet(config: c, rng: &rng)
        case .cofrgenet(var c):
            c.maxTokens = c.maxTokens ?? tokens
            return CoFrGeNet(config: c, rng: &rng)
        }
    }
}

/// How the channels of a multivariate series become sequences.
public enum ChannelMode: String, Sendable, CaseIterable {
    /// Each channel is its own univariate sequence; weights are shared (PatchTST, DLinear).
    case independent
    /// All channels of a step form one token.
    case mixed
}

/// What a forecasting net predicts.
public enum HeadKind: Equatable, Sendable {
    /// Flatten all tokens → Linear → `horizon` future steps.
    case direct(horizon: Int)
    /// From every token, the next point (or the next S points after a patch); rolled out at inference.
    case autoregressive
}

public struct SequenceModelConfig: Equatable, Sendable {
    public var backbone: BackboneConfig
    public var head: HeadKind
    /// Input steps L (for autoregressive nets: the training window, the longest context used).
    public var lookback: Int
    public var channels = 1
    public var channelMode = ChannelMode.independent
    public var tokenization = Tokenization.point
    public var position = PositionEncoding.learned
    /// Instance normalisation (on by default for direct forecasting, off otherwise: whole-window
    /// statistics would let an autoregressive token see its future).
    public var revin: Bool
    public var revinAffine = false
    public var loss = RegressionLoss.mse
    /// Dropout on the flattened tokens entering the direct head (PatchTST's head dropout).
    public var headDropout: Float = 0
    /// Direct head only: add a linear map of the (normalised) look-back to the horizon — TiDE's
    /// global residual — so the net learns a correction to a linear forecast. Start it with
    /// `initializeSkipByLeastSquares` (a random start trained jointly measured worse on ETTh1).
    public var linearSkip = false
    public var seed: UInt64 = 0

    public init(backbone: BackboneConfig, head: HeadKind, lookback: Int, channels: Int = 1, channelMode: ChannelMode = .independent,
                tokenization: Tokenization = .point, position: PositionEncoding = .learned, revin: Bool? = nil,
                revinAffine: Bool = false, loss: RegressionLoss = .mse, headDropout: Float = 0, linearSkip: Bool = false,
                seed: UInt64 = 0) {
        self.backbone = backbone
        self.head = head
        self.lookback = lookback
        self.channels = channels
        self.channelMode = channelMode
        self.tokenization = tokenization
        self.position = position
        if case .direct = head { self.revin = revin ?? true } else { self.revin = revin ?? false }
        self.revinAffine = revinAffine
        self.loss = loss
        self.headDropout = headDropout
        self.linearSkip = linearSkip
        self.seed = seed
    }

    /// Features per token row: 1 for independent channels, C for mixed.
    public var rowFeatures: Int { channelMode == .independent ? 1 : channels }
    public var tokens: Int { tokenization.tokenCount(steps: lookback) }
}

public struct SequenceModel: Trainable, Forecasting, DyadicScheduled {
    public let config: SequenceModelConfig
    public let embedding: TokenEmbedding
    public let backbone: any SequenceBackbone
    public let revin: RevIN?
    public let head: Linear
    /// The linear look-back → horizon map of `linearSkip` (nil without it).
    public let skip: Linear?

    public init(_ config: SequenceModelConfig) {
        precondition(config.tokens > 0, "look-back \(config.lookback) is shorter than one token")
        self.config = config
        var rng = SeededGenerator(seed: config.seed)
        let f = config.rowFeatures, d = config.backbone.width, (_, stride) = config.tokenization.lengthAndStride
        embedding = TokenEmbedding("embed", tokenization: config.tokenization, features: f, width: d, position: config.position,
                                   maxTokens: config.tokens, rng: &rng)
        backbone = config.backbone.make(tokens: config.tokens, rng: &rng)
        revin = config.revin ? RevIN("revin", features: f, affine: config.revinAffine) : nil
        switch config.head {
        case .direct(let horizon):
            head = Linear("head", inputs: config.tokens * d, outputs: horizon * f, rng: &rng)
        case .autoregressive:
            head = Linear("head", inputs: d, outputs: stride * f, rng: &rng)
        }
        if case .direct(let horizon) = config.head, config.linearSkip {
            skip = Linear("skip", inputs: config.lookback * f, outputs: horizon * f, rng: &rng)
        } else {
            skip = nil
        }
    }

    public var parameters: [Parameter] {
        embedding.parameters + backbone.parameters + (revin?.parameters ?? []) + head.parameters + (skip?.parameters ?? [])
    }

    public var ladderLayers: [LadderLayer] { (backbone as? DyadicScheduled)?.ladderLayers ?? [] }

    public var lookback: Int { config.lookback }
    public var horizon: Int {
        switch config.head {
        case .direct(let h): return h
        case .autoregressive: return config.tokenization.lengthAndStride.stride
        }
    }

    /// [B, L, C] data → [N, L, F] rows (independent: N = B·C, F = 1).
    func rows(_ windows: Tensor) -> Tensor {
        precondition(windows.rank == 3 && windows.shape[2] == config.channels,
                     "windows must be [batch, steps, \(config.channels)], not \(windows.shape)")
        guard config.channelMode == .independent && config.channels > 1 else { return windows }
        let (b, l, c) = (windows.shape[0], windows.shape[1], windows.shape[2])
        return windows.detached.permuted([0, 2, 1]).reshaped([b * c, l, 1])
    }

    /// [N, S, F] rows → [B, S, C].
    func unrows(_ y: Tensor, batch: Int) -> Tensor {
        guard config.channelMode == .independent && config.channels > 1 else { return y }
        let steps = y.shape[1]
        return y.reshaped([batch, config.channels, steps]).permuted([0, 2, 1])
    }

    /// Direct: [B, H, C]; autoregressive: [B, n·S, C], the predictions of steps P ..< P + n·S.
    public func callAsFunction(_ windows: Tensor, _ context: ForwardContext) -> Tensor {
        let batch = windows.shape[0], device = head.weight.device
        // Data enters on the host; RevIN's statistics are taken there, and everything from the
        // normalised input on runs on the weights' device.
        var x = rows(windows)
        let stats = revin.map { $0.statistics(x) }
        if let revin, let stats { x = revin.normalize(x, stats, context, on: device) } else { x = x.moved(to: device) }
        let h = backbone(embedding(x, context), context)
        let (n, tokens, d, f) = (h.shape[0], h.shape[1], h.shape[2], config.rowFeatures)
        switch config.head {
        case .direct(let horizon):
            precondition(tokens == config.tokens, "direct head expects \(config.lookback) steps")
            var flat = h.reshaped([n, tokens * d])
            if config.headDropout > 0 { flat = context.dropout(flat, config.headDropout) }
            var y = head(flat, on: context.tape).reshaped([n, horizon, f])
            if let skip { y = y + skip(x.reshaped([n, config.lookback * f]), on: context.tape).reshaped([n, horizon, f]) }
            if let revin, let stats { y = revin.denormalize(y, stats, context) }
            return unrows(y, batch: batch)
        case .autoregressive:
            let stride = config.tokenization.lengthAndStride.stride
            var y = head(h, on: context.tape).reshaped([n, tokens * stride, f])
            if let revin, let stats { y = revin.denormalize(y, stats, context) }
            return unrows(y, batch: batch)
        }
    }

    /// The configured regression loss against targets shaped like the output.
    public func loss(inputs: Tensor, targets: Tensor, _ context: ForwardContext) -> Tensor {
        let prediction = self(inputs, context)
        return prediction.regressionLoss(config.loss, target: targets.moved(to: prediction.device))
    }

    public func forecast(_ windows: Tensor, _ context: ForwardContext) -> Tensor {
        if case .autoregressive = config.head {
            return rollout(windows, steps: horizon)
        }
        return self(windows, context)
    }

    /// Autoregressive rollout: from context [B, L0, C], `steps` future steps [B, steps, C], each
    /// prediction fed back as input. Every forward sees a frame of exactly `lookback` steps — the
    /// shape the net was trained on: the last `lookback` steps once the series is that long,
    /// before that the known steps at the front and zeros after them. A causal net's outputs up
    /// to the last known step do not depend on those zeros, and for the NT pyramid (whose levels
    /// and padding depend on the frame length) the frame stays the one it learned.
    public func rollout(_ context: Tensor, steps: Int) -> Tensor {
        guard case .autoregressive = config.head else { preconditionFailure("rollout needs the autoregressive head") }
        let (batch, c, frame) = (context.shape[0], config.channels, config.lookback)
        let (patch, stride) = config.tokenization.lengthAndStride
        precondition(context.shape[1] >= patch, "a context of \(context.shape[1]) steps is shorter than one patch of \(patch)")
        // series[b] as step-major [steps, C]
        var series = (0..<batch).map { b in Array(context.array[(b * context.shape[1] * c)..<((b + 1) * context.shape[1] * c)]) }
        var produced = 0
        while produced < steps {
            let available = series[0].count / c
            let known = min(available, frame)
            var window: [Float] = []
            window.reserveCapacity(batch * frame * c)
            for b in 0..<batch {
                window += series[b].suffix(known * c)
                window += repeatElement(0, count: (frame - known) * c)
            }
            let y = self(Tensor(window, shape: [batch, frame, c]), .inference())
            // Output k predicts step P + k of the window; the last token that ends inside the known
            // steps predicts through step P + (j+1)·S − 1. Take its predictions from step `known` on.
            let j = (known - patch) / stride
            let first = known - patch, last = j * stride + stride  // output indices first..<last
            let take = min(last - first, steps - produced)
            let outSteps = y.shape[1], values = y.array
            for b in 0..<batch {
                let start = (b * outSteps + first) * c
                series[b] += values[start..<(start + take * c)]
            }
            produced += take
        }
        var out: [Float] = []
        for b in 0..<batch { out += series[b].suffix(steps * c) }
        return Tensor(out, shape: [batch, steps, c])
    }
}
