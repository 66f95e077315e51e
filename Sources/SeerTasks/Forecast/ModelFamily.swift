// Everything Seer knows of a model family, in one descriptor per family: its name, what it is in
// one line, whether it trains (and at which learning rate), the net's shape for small and large
// data, how to build its backbone, how much history it needs, and whether `auto` tries it. The
// forecaster, the report, the CLI's help and the benchmarks all read these descriptors, so a new
// family is one entry here rather than a case in a dozen switches. Benchmark variants of a family
// (DiJiang with the continued-fraction FFN, GPT with stored attention, NT with recompute) are
// `ModelVariant`s of the same catalog.
import SeerModels

/// Names of the model families Seer will accept wherever a model name is asked for.
public enum ModelFamily: String, CaseIterable, Sendable {
    case nt, dijiang, cofrgenet, gpt, dlinear, rlinear, theta, ets, arima, mstl, croston, tsb, naive, seasonalNaive = "seasonal-naive"

    /// This family's descriptor.
    public var descriptor: ModelFamilyDescriptor { ModelFamilyDescriptor.of(self) }
}

/// What kind of model a family is.
public enum ModelKind: Sendable, Equatable {
    /// A sequence net from the zoo (NT, DiJiang, CoFrGeNet, GPT): RevIN, patches, direct head.
    case net
    /// A linear map of the look-back (DLinear, RLinear).
    case linear
    /// A statistical model fitted on each history when it forecasts (Theta): nothing to train.
    case statistical
    /// Nothing to train (repeat-last, seasonal-naive).
    case naive
}

/// Width, depth, heads and dropout of a net.
public struct NetShape: Equatable, Sendable {
    public var width: Int
    public var layers: Int
    public var heads: Int
    public var dropout: Float

    public init(width: Int, layers: Int, heads: Int = 4, dropout: Float = 0) {
        self.width = width
        self.layers = layers
        self.heads = heads
        self.dropout = dropout
    }
}

/// How a family trains at one scale of data: the net's shape (nil for the linear models), the
/// windows per optimizer step and the peak learning rate.
public struct TrainingDefaults: Equatable, Sendable {
    public var shape: NetShape?
    public var batchSize: Int
    public var learningRate: Float

    public init(shape: NetShape?, batchSize: Int, learningRate: Float) {
        self.shape = shape
        self.batchSize = batchSize
        self.learningRate = learningRate
    }
}

/// Switches of a family's net that benchmarks compare (defaults: the forecasting configuration).
public struct NetOptions: Equatable, Sendable {
    /// DiJiang: the continued-fraction FFN (Cffn) in place of the MLP.
    public var continuedFractionFFN = false
    /// GPT: keep the T×T attention probabilities instead of recomputing them in blocks.
    public var storedAttention = false
    /// NT: recompute merges in the backward pass instead of keeping them.
    public var recompute = false

    public init(continuedFractionFFN: Bool = false, storedAttention: Bool = false, recompute: Bool = false) {
        self.continuedFractionFFN = continuedFractionFFN
        self.storedAttention = storedAttention
        self.recompute = recompute
    }
}

/// One model family.
public struct ModelFamilyDescriptor: Sendable {
    public let family: ModelFamily
    public let kind: ModelKind
    /// What it is, in one line (help texts, reports).
    public let summary: String
    /// How it trains on small data (the whole plan fits the step cap) and on large data (the
    /// cap applies: sampled windows); nil for models with nothing to train.
    public let smallData: TrainingDefaults?
    public let largeData: TrainingDefaults?
    /// Whether `auto` fits it and compares its held-out error.
    public let autoCandidate: Bool

    /// The name users type.
    public var name: String { family.rawValue }

    /// The backbone of a net family (nil for the baselines). `tokens` is the longest token
    /// sequence it will see (NT sizes its pyramid by it).
    public func backbone(_ shape: NetShape, tokens: Int, options: NetOptions = NetOptions()) -> BackboneConfig? {
        switch family {
        case .nt:
            return .nt(NTConfig(width: shape.width, blocks: shape.layers, topHeads: shape.heads, dropout: shape.dropout, maxTokens: tokens,
                                recompute: options.recompute))
        case .dijiang:
            return .dijiang(DiJiangConfig(width: shape.width, heads: shape.heads, layers: shape.layers,
                                          feedForward: options.continuedFractionFFN ? .continuedFraction : .mlp, dropout: shape.dropout))
        case .cofrgenet: return .cofrgenet(CoFrGeNetConfig(width: shape.width, layers: shape.layers, dropout: shape.dropout))
        case .gpt:
            return .gpt(GPTConfig(width: shape.width, heads: shape.heads, layers: shape.layers, dropout: shape.dropout,
                                  attention: options.storedAttention ? .stored : .streamed))
        case .dlinear, .rlinear, .theta, .ets, .arima, .mstl, .croston, .tsb, .naive, .seasonalNaive: return nil
        }
    }

    /// Steps of history one fit needs: a training window (look-back + horizon + 1) for models
    /// that train, the look-back for repeat-last, one season for seasonal-naive.
    public func minimumHistory(lookback: Int, horizon: Int, season: Int) -> Int {
        switch family {
        case .naive: return lookback
        case .seasonalNaive: return max(1, season)
        case .theta, .ets, .arima, .mstl, .croston, .tsb: return localMethod(seasons: [season])!.minimumHistory
        default: return lookback + horizon + 1
        }
    }

    /// The report's line on the model's structure under `config`.
    public func network(_ config: ForecasterConfig) -> String {
        switch family {
        case .nt, .dijiang, .cofrgenet, .gpt:
            let tokens: String
            switch config.tokenization {
            case .point: tokens = "point tokens"
            case .patch(let length, let stride): tokens = "patches of \(length) (stride \(stride))"
            }
            return "width \(config.width), \(config.layers) blocks, dropout \(config.dropout), \(tokens), RevIN, direct head"
        case .dlinear: return "trend + remainder linear maps"
        case .rlinear: return "RevIN + one linear map"
        case .naive: return "none: the last value repeated"
        case .seasonalNaive: return "none: the last season (\(config.season) steps) repeated"
        case .theta: return "optimised Theta (SES with θ-weighted trend), on the series adjusted by a season of \(config.season) when it tests significant"
        case .mstl: return "MSTL: STL per season (\(config.seasons.filter { $0 > 1 }.map(String.init).joined(separator: ", "))), seasonal naive of each, AutoETS on the adjusted series"
        case .croston: return "Croston with the Syntetos–Boylan correction: sizes and intervals smoothed apart"
        case .tsb: return "TSB: demand probability and size smoothed apart"
        case .arima: return "seasonal ARIMA (season \(config.season)), differencing by KPSS and seasonal strength, orders by a stepwise AICc search"
        case .ets: return "ETS state space (error, trend, season of \(config.season) when ≤ \(AutoETS.longestSeason)) chosen by AICc, fitted by maximum likelihood"
        }
    }

    /// The statistical model of this family with `seasons` (the first is the season; MSTL uses
    /// them all); nil for the other kinds.
    public func localMethod(seasons: [Int]) -> (any LocalForecastMethod)? {
        let season = max(1, seasons.first ?? 1)
        switch family {
        case .theta: return ThetaMethod(season: season)
        case .ets: return AutoETS(season: season)
        case .arima: return AutoARIMA(season: season)
        case .mstl: return MSTLMethod(seasons: seasons)
        case .croston: return IntermittentDemand(.croston)
        case .tsb: return IntermittentDemand(.tsb)
        default: return nil
        }
    }

    /// Steps of the end of a history a forecast reads.
    public func inputSteps(lookback: Int, season: Int) -> Int {
        family == .seasonalNaive ? max(1, season) : lookback
    }

    /// All descriptors, in the order help texts list them.
    public static let all: [ModelFamilyDescriptor] = ModelFamily.allCases.map(of)

    /// The descriptor of `family`.
    public static func of(_ family: ModelFamily) -> ModelFamilyDescriptor {
        // d = 32, 2 blocks, dropout 0.2 suit ETT-sized data (MODELS.md §2: d = 16–32; at d = 64 the
        // nets overfit ETTh2), and small series too. What changes with size is the budget: on
        // large data 1,000 steps of 64 windows at a peak rate of 3e-3 matched the 15,000-step
        // full-data run on ETTh1 (held-out MSE 8.60 against 8.64; 32 windows at 1e-3 gave 9.25 —
        // DECISIONS.md).
        let shape = NetShape(width: 32, layers: 2, heads: 4, dropout: 0.2)
        let forecastingNet = (small: TrainingDefaults(shape: shape, batchSize: 32, learningRate: 1e-3),
                              large: TrainingDefaults(shape: shape, batchSize: 64, learningRate: 3e-3))
        // DLinear and RLinear keep their authors' recipe at every size.
        let linear = TrainingDefaults(shape: nil, batchSize: 32, learningRate: 5e-3)
        switch family {
        case .nt:
            return net(family, "NT pyramid: causal binary merge tree, O(T·d²), attention-free", auto: true, forecastingNet)
        case .dijiang:
            return net(family, "DiJiang: DCT-kernelised linear attention with per-head decay", auto: true, forecastingNet)
        case .cofrgenet:
            return net(family, "CoFrGeNet: continued-fraction token mixer and FFN", auto: false, forecastingNet)
        case .gpt:
            return net(family, "GPT: causal softmax attention, the nets' baseline", auto: false, forecastingNet)
        case .dlinear: return baseline(family, .linear, "DLinear: trend + remainder linear maps of the look-back", linear)
        case .rlinear: return baseline(family, .linear, "RLinear: RevIN + one linear map of the look-back", linear)
        case .theta: return baseline(family, .statistical, "optimised Theta: SES with a fitted trend weight", nil)
        case .mstl: return baseline(family, .statistical, "MSTL: several seasons by STL, AutoETS on the rest", nil)
        case .croston: return baseline(family, .statistical, "Croston (SBA): intermittent demand", nil)
        case .tsb: return baseline(family, .statistical, "TSB: intermittent demand that may die out", nil)
        case .arima: return baseline(family, .statistical, "AutoARIMA: seasonal ARIMA by stepwise AICc search", nil)
        case .ets: return baseline(family, .statistical, "ETS: exponential smoothing state space, form chosen by AICc", nil)
        case .naive: return baseline(family, .naive, "repeat the last value", nil)
        case .seasonalNaive: return baseline(family, .naive, "repeat the last season", nil)
        }
    }

    /// A family that is not a net (linear, statistical, naive): the same defaults at every size of data, always an `auto` candidate.
    static func baseline(_ family: ModelFamily, _ kind: ModelKind, _ summary: String, _ defaults: TrainingDefaults?) -> ModelFamilyDescriptor {
        ModelFamilyDescriptor(family: family, kind: kind, summary: summary, smallData: defaults, largeData: defaults, autoCandidate: true)
    }

    static func net(_ family: ModelFamily, _ summary: String, auto: Bool, _ defaults: (small: TrainingDefaults, large: TrainingDefaults))
        -> ModelFamilyDescriptor {
        ModelFamilyDescriptor(family: family, kind: .net, summary: summary, smallData: defaults.small, largeData: defaults.large,
                              autoCandidate: auto)
    }
}

/// A named configuration of a family that benchmarks compare: the family itself, or one with
/// different net options (`dijiang-cffn`, `gpt-stored`, `nt-recompute`).
public struct ModelVariant: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        /// A model in its own right (forecast accuracy is compared).
        case model
        /// The same model computed another way (only speed and memory differ).
        case memoryMode
    }

    public let name: String
    public let family: ModelFamily
    public let options: NetOptions
    public let purpose: Purpose

    /// Every variant: each family by its name, then the benchmark variants.
    public static let all: [ModelVariant] = ModelFamily.allCases.map { ModelVariant(name: $0.rawValue, family: $0, options: NetOptions(), purpose: .model) }
        + [ModelVariant(name: "dijiang-cffn", family: .dijiang, options: NetOptions(continuedFractionFFN: true), purpose: .model),
           ModelVariant(name: "gpt-stored", family: .gpt, options: NetOptions(storedAttention: true), purpose: .memoryMode),
           ModelVariant(name: "nt-recompute", family: .nt, options: NetOptions(recompute: true), purpose: .memoryMode)]

    /// The variant called `name`.
    public static func named(_ name: String) -> ModelVariant? { all.first { $0.name == name } }

    /// The names of the variants that pass `filter`, in catalog order.
    public static func names(where filter: (ModelVariant) -> Bool) -> [String] { all.filter(filter).map(\.name) }

    public var descriptor: ModelFamilyDescriptor { family.descriptor }

    /// The backbone at `shape` (nil for the baselines).
    public func backbone(_ shape: NetShape, tokens: Int) -> BackboneConfig? { descriptor.backbone(shape, tokens: tokens, options: options) }
}
