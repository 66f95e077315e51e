// Continued-fraction (CoFrGeNet-style) pieces, MODELS.md §4: ladder layers, the Cffn that
// replaces an FFN, the causal token mixers CAttnM (default) and CAttnU, the dyadic release
// schedule, and the net built from them. These save parameters, not sequence cost: both mixers
// are O(T²) in time and memory, like stored attention.
import SeerBase
import SeerNN
import SeerTensor

/// Ladder settings shared by every continued-fraction piece.
public struct ContinuedFractionConfig: Equatable, Sendable {
    /// Ladders per layer (L).
    public var ladders = 8
    /// Partial denominators per ladder (K).
    public var depth = 4
    public var form = PartialDenominators.positive(epsilon: 0.01)
    /// Release depth k's weights at step N(1 − 2^{−(k−1)}) of the N planned steps.
    public var dyadic = true

    public init(ladders: Int = 8, depth: Int = 4, form: PartialDenominators = .positive(epsilon: 0.01), dyadic: Bool = true) {
        self.ladders = ladders
        self.depth = depth
        self.form = form
        self.dyadic = dyadic
    }
}

/// L ladders of depth K over a p-dim input: A = x·Wᵀ + b (one product), z = ladders(A) ∈ R^L.
/// Rows j·K + k − 1 of W and b hold ladder j's depth-k weights (k = 1 outermost).
public struct LadderLayer: ParameterContainer {
    public let config: ContinuedFractionConfig
    public let weight: Parameter, bias: Parameter

    /// Init of MODELS.md §4: W ~ N(0, (0.5/√p)²), b = 0.5, so every a_k starts near 1.
    public init(_ name: String, inputs: Int, config: ContinuedFractionConfig, rng: inout SeededGenerator) {
        self.config = config
        let rows = config.ladders * config.depth
        weight = Parameter(name: "\(name).weight", shape: [rows, inputs], decays: true,
                           values: Initializer.normal(std: 0.5 / Float(inputs).squareRoot())
                            .values(count: rows * inputs, fanIn: inputs, fanOut: rows, using: &rng))
        bias = Parameter(name: "\(name).bias", shape: [rows], decays: false, values: [Float](repeating: 0.5, count: rows))
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// x [..., p] → [..., L]
    public func callAsFunction(_ x: Tensor, on tape: Tape?) -> Tensor {
        Tensor.linear([Tensor.ColumnBlock(x)], weight: weight.tensor(on: tape), bias: bias.tensor(on: tape))
            .continuedFraction(depth: config.depth, config.form)
    }

    /// The first optimiser step (0-based) at which depth k trains: ⌈N(1 − 2^{−(k−1)})⌉.
    public static func releaseStep(depth k: Int, plannedSteps n: Int) -> Int {
        var fraction = 1.0
        for _ in 1..<max(1, k) { fraction /= 2 }
        let step = Double(n) * (1 - fraction)
        return Int(step.rounded(.up))
    }

    /// Rows of W and b whose depth is not yet released at `step`.
    func heldRows(step: Int, plannedSteps: Int) -> [Int] {
        guard config.dyadic else { return [] }
        let held = (1...config.depth).filter { step < LadderLayer.releaseStep(depth: $0, plannedSteps: plannedSteps) }
        guard !held.isEmpty else { return [] }
        return (0..<config.ladders).flatMap { j in held.map { j * config.depth + $0 - 1 } }
    }
}

/// Models with ladders under the dyadic schedule; the Trainer holds their unreleased depths.
public protocol DyadicScheduled {
    var ladderLayers: [LadderLayer] { get }
}

/// What the Trainer does for the dyadic schedule: zero the gradients of unreleased depths after
/// the backward pass (so clipping and Adam's moments never see them), and after the update put
/// their values back to where training started (decoupled weight decay moves weights even
/// without a gradient).
struct DyadicHold {
    let layers: [LadderLayer]
    /// Each layer's starting weights and biases, kept on the parameters' device.
    let start: [(weight: TensorStorage, bias: TensorStorage)]
    let plannedSteps: Int

    init(_ model: Any, plannedSteps: Int) {
        layers = ((model as? DyadicScheduled)?.ladderLayers ?? []).filter(\.config.dyadic)
        start = layers.map { layer in
            let weight = layer.weight.value.backend.allocate(layer.weight.count), bias = layer.bias.value.backend.allocate(layer.bias.count)
            layer.weight.value.backend.copy(layer.weight.value, into: weight)
            layer.bias.value.backend.copy(layer.bias.value, into: bias)
            return (weight, bias)
        }
        self.plannedSteps = plannedSteps
    }

    /// Row `row` of a [rows, n] storage, as a view.
    static func row(_ storage: TensorStorage, _ row: Int, _ n: Int) -> TensorStorage {
        TensorStorage(viewing: storage, offset: row * n, count: n)
    }

    func holdGradients(step: Int) {
        for layer in layers {
            let inputs = layer.weight.shape[1], kernels = layer.weight.gradient.backend
            for row in layer.heldRows(step: step, plannedSteps: plannedSteps) {
                kernels.fill(Self.row(layer.weight.gradient, row, inputs), with: 0)
                kernels.fill(Self.row(layer.bias.gradient, row, 1), with: 0)
            }
        }
    }

    func restoreValues(step: Int) {
        for (layer, values) in zip(layers, start) {
            let inputs = layer.weight.shape[1], kernels = layer.weight.value.backend
            for row in layer.heldRows(step: step, plannedSteps: plannedSteps) {
                kernels.copy(Self.row(values.weight, row, inputs), into: Self.row(layer.weight.value, row, inputs))
                kernels.copy(Self.row(values.bias, row, 1), into: Self.row(layer.bias.value, row, 1))
            }
        }
    }
}

/// Cffn: x̂ = σ(G x) ⊙ x, y = U x + V z(x̂) — 2p² + L·K·(p + 1) + p·L parameters.
public struct ContinuedFractionFFN: ParameterContainer {
    public let gate: Linear, linear: Linear, ladders: LadderLayer, mix: Linear

    /// Init of MODELS.md §4: U, G ~ N(0, 0.02); V ~ N(0, 0.01/√L), not zero, or the ladders get no
    /// gradient until V moves.
    public init(_ name: String, width p: Int, config: ContinuedFractionConfig, rng: inout SeededGenerator) {
        gate = Linear("\(name).gate", inputs: p, outputs: p, bias: false, initializer: .normal(std: 0.02), rng: &rng)
        linear = Linear("\(name).linear", inputs: p, outputs: p, bias: false, initializer: .normal(std: 0.02), rng: &rng)
        ladders = LadderLayer("\(name).ladders", inputs: p, config: config, rng: &rng)
        mix = Linear("\(name).mix", inputs: config.ladders, outputs: p, bias: false,
                     initializer: .normal(std: 0.01 / Float(config.ladders).squareRoot()), rng: &rng)
    }

    public var parameters: [Parameter] { collectParameters([gate, linear, ladders, mix]) }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        output(x, adding: nil, context)
    }

    public func callAsFunction(_ x: Tensor, residual: Tensor, dropout p: Float, _ context: ForwardContext) -> Tensor {
        guard context.dropsOut(p) else { return output(x, adding: residual, context) }
        return residual + context.dropout(output(x, adding: nil, context), p)
    }

    /// U·x + V·z (+ residual) as one output buffer: the products accumulate onto the residual.
    func output(_ x: Tensor, adding residual: Tensor?, _ context: ForwardContext) -> Tensor {
        let tape = context.tape
        let gated = x.gated(by: gate(x, on: tape), .sigmoid)
        return Tensor.linear([(Tensor.ColumnBlock(x), linear.weight.tensor(on: tape)),
                              (Tensor.ColumnBlock(ladders(gated, on: tape)), mix.weight.tensor(on: tape))],
                             adding: residual.map { Tensor.ColumnBlock($0) })
    }
}

/// Which causal token mixer a continued-fraction block uses.
public enum ContinuedFractionMixerKind: String, Equatable, Sendable, CaseIterable {
    /// CAttnM: ladders of the token give logits over earlier positions (default).
    case cattnM = "cattn-m"
    /// CAttnU: position-indexed univariate ladders mixed by learned upper-triangular matrices (short windows).
    case cattnU = "cattn-u"
}

/// A causal token mixer: [N, T, d] → [N, T, d], output t from inputs ≤ t.
public protocol TokenMixer: ParameterContainer {
    func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor
}

/// CAttnM: g_t = ladders(x_t) ∈ R^L, logits_t = F·g_t (one per position ≤ t, F: L × T_max),
/// A = causal softmax, out = A·X·Wv. O(T²) time and memory.
public struct ContinuedFractionMixer: TokenMixer {
    public let ladders: LadderLayer
    /// F [L, T_max]
    public let positions: Parameter
    public let value: Linear
    public let maxTokens: Int

    public init(_ name: String, width d: Int, maxTokens: Int, config: ContinuedFractionConfig, residualScale: Float,
                rng: inout SeededGenerator) {
        self.maxTokens = maxTokens
        ladders = LadderLayer("\(name).ladders", inputs: d, config: config, rng: &rng)
        positions = Parameter(name: "\(name).positions", shape: [config.ladders, maxTokens], decays: true,
                              values: Initializer.normal(std: 0.02).values(count: config.ladders * maxTokens, fanIn: config.ladders,
                                                                          fanOut: maxTokens, using: &rng))
        value = Linear("\(name).value", inputs: d, outputs: d, bias: false, initializer: .normal(std: 0.02 * residualScale), rng: &rng)
    }

    public var parameters: [Parameter] { collectParameters([ladders]) + [positions] + value.parameters }

    /// x [N, T, d] → [N, T, d], causal.
    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        let tape = context.tape, t = x.shape[1]
        precondition(t <= maxTokens, "CAttnM holds \(maxTokens) positions; \(t) tokens given (raise maxTokens)")
        let logits = ladders(x, on: tape).matmul(positions.tensor(on: tape).slice(axis: 1, 0..<t))  // [N, T, T]
        let weights = (logits + ContinuedFractionMixer.causalMask(t).moved(to: logits.device)).softmax()
        return weights.matmul(value(x, on: tape))
    }

    /// 0 on and below the diagonal, −1e30 above it: exp underflows to exactly 0 there.
    static func causalMask(_ t: Int) -> Tensor {
        var mask = [Float](repeating: 0, count: t * t)
        for i in 0..<t { for j in (i + 1)..<t { mask[i * t + j] = -1e30 } }
        return Tensor(mask, shape: [t, t])
    }
}

/// CAttnU (short windows): per channel, two ensembles of position-indexed univariate ladders
/// y_e[s] = ladder_{e,s}(x[s]) (a_k = ε + softplus(w_{e,s,k}·x + b_{e,s,k})), mixed causally by
/// learned upper-triangular U_e (T_max × T_max): out[t] = (Σ_{s≤t} U_1[s,t] y_1[s]) ⊙ (Σ_{s≤t} U_2[s,t] y_2[s]).
/// **(choice)** One ladder per position and ensemble, shared by the channels; U_e start as the
/// causal running mean. O(T²) time and memory.
public struct ContinuedFractionWindowMixer: TokenMixer {
    public let config: ContinuedFractionConfig
    public let maxTokens: Int
    /// Per position: [2 (w; b), 2·K (ensemble 1's a_1..a_K, then ensemble 2's)] → [T_max, 2, 2K].
    public let ladderWeights: Parameter
    /// U_1, U_2: [2, T_max, T_max], used above and on the diagonal only.
    public let mixing: Parameter

    public init(_ name: String, maxTokens: Int, config: ContinuedFractionConfig, rng: inout SeededGenerator) {
        self.config = config
        self.maxTokens = maxTokens
        let k = config.depth, t = maxTokens
        var weights = [Float](repeating: 0, count: t * 2 * 2 * k)
        for s in 0..<t {
            for j in 0..<(2 * k) {
                weights[(s * 2) * 2 * k + j] = rng.normal() * 0.5  // w ~ N(0, 0.5²) (p = 1)
                weights[(s * 2 + 1) * 2 * k + j] = 0.5             // b = 0.5
            }
        }
        ladderWeights = Parameter(name: "\(name).ladders", shape: [t, 2, 2 * k], decays: true, values: weights)
        var u = [Float](repeating: 0, count: 2 * t * t)
        for e in 0..<2 { for col in 0..<t { for row in 0...col { u[(e * t + row) * t + col] = 1 / Float(col + 1) } } }
        mixing = Parameter(name: "\(name).mixing", shape: [2, t, t], decays: false, values: u)
    }

    public var parameters: [Parameter] { [ladderWeights, mixing] }

    /// x [N, T, d] → [N, T, d], causal.
    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        let tape = context.tape
        let (n, t, d, k) = (x.shape[0], x.shape[1], x.shape[2], config.depth)
        precondition(t <= maxTokens, "CAttnU holds \(maxTokens) positions; \(t) tokens given (raise maxTokens)")
        let columns = x.permuted([1, 0, 2]).reshaped([t, n * d, 1])
        let augmented = Tensor.concatenate([columns, Tensor.filled([t, n * d, 1], with: 1, on: x.device)], axis: 2)  // [T, N·d, 2]
        let a = augmented.matmul(ladderWeights.tensor(on: tape).slice(axis: 0, 0..<t))                  // [T, N·d, 2K]
        let y = a.continuedFraction(depth: k, config.form).split(axis: 2, sizes: [1, 1])                 // 2 × [T, N·d, 1]
        let u = mixing.tensor(on: tape).slice(axis: 1, 0..<t).slice(axis: 2, 0..<t) * ContinuedFractionWindowMixer.upperMask(t).moved(to: x.device)
        let parts = u.split(axis: 0, sizes: [1, 1])
        func mixed(_ e: Int) -> Tensor {
            parts[e].reshaped([t, t]).matmul(y[e].reshaped([t, n * d]), transposeSelf: true)  // Σ_s U[s, t] y[s]
        }
        return (mixed(0) * mixed(1)).reshaped([t, n, d]).permuted([1, 0, 2])
    }

    /// 1 on and above the diagonal (s ≤ t), 0 below.
    static func upperMask(_ t: Int) -> Tensor {
        var mask = [Float](repeating: 0, count: t * t)
        for s in 0..<t { for col in s..<t { mask[s * t + col] = 1 } }
        return Tensor(mask, shape: [t, t])
    }
}

public struct CoFrGeNetConfig: Equatable, Sendable {
    public var width = 128
    public var layers = 2
    public var mixer = ContinuedFractionMixerKind.cattnM
    public var fraction = ContinuedFractionConfig()
    public var dropout: Float = 0
    /// Positions the mixers hold (T_max); nil: the model's look-back in tokens.
    public var maxTokens: Int?

    public init(width: Int = 128, layers: Int = 2, mixer: ContinuedFractionMixerKind = .cattnM,
                fraction: ContinuedFractionConfig = ContinuedFractionConfig(), dropout: Float = 0, maxTokens: Int? = nil) {
        self.width = width
        self.layers = layers
        self.mixer = mixer
        self.fraction = fraction
        self.dropout = dropout
        self.maxTokens = maxTokens
    }
}

/// One pre-LN block: x += Mixer(LN x); x += Cffn(LN x).
public struct CoFrGeNetBlock: ParameterContainer {
    public let norm1: LayerNorm, norm2: LayerNorm
    public let mixer: any TokenMixer
    public let feedForward: ContinuedFractionFFN
    public let dropout: Float

    public init(_ name: String, config: CoFrGeNetConfig, maxTokens: Int, residualScale: Float, rng: inout SeededGenerator) {
        norm1 = LayerNorm("\(name).ln1", features: config.width)
        norm2 = LayerNorm("\(name).ln2", features: config.width)
        dropout = config.dropout
        switch config.mixer {
        case .cattnM:
            mixer = ContinuedFractionMixer("\(name).mixer", width: config.width, maxTokens: maxTokens, config: config.fraction,
                                           residualScale: residualScale, rng: &rng)
        case .cattnU:
            mixer = ContinuedFractionWindowMixer("\(name).mixer", maxTokens: maxTokens, config: config.fraction, rng: &rng)
        }
        feedForward = ContinuedFractionFFN("\(name).cffn", width: config.width, config: config.fraction, rng: &rng)
    }

    public var parameters: [Parameter] { collectParameters([norm1, mixer, norm2, feedForward]) }

    var ladderLayers: [LadderLayer] {
        ((mixer as? ContinuedFractionMixer).map { [$0.ladders] } ?? []) + [feedForward.ladders]
    }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        let h = x + context.dropout(mixer(norm1(x, on: context.tape), context), dropout)
        return feedForward(norm2(h, on: context.tape), residual: h, dropout: dropout, context)
    }
}

/// The continued-fraction net: blocks of a causal ladder mixer and a Cffn, then a final LayerNorm.
public struct CoFrGeNet: SequenceBackbone, DyadicScheduled {
    public let config: CoFrGeNetConfig
    public let blocks: [CoFrGeNetBlock]
    public let finalNorm: LayerNorm

    public init(_ name: String = "cofrgenet", config: CoFrGeNetConfig, rng: inout SeededGenerator) {
        self.config = config
        let scale = 1 / Float(2 * max(1, config.layers)).squareRoot(), tokens = config.maxTokens ?? 1024
        blocks = (0..<config.layers).map {
            CoFrGeNetBlock("\(name).blocks.\($0)", config: config, maxTokens: tokens, residualScale: scale, rng: &rng)
        }
        finalNorm = LayerNorm("\(name).ln_f", features: config.width)
    }

    public var width: Int { config.width }
    public var isCausal: Bool { true }
    public var parameters: [Parameter] { blocks.flatMap(\.parameters) + finalNorm.parameters }
    public var ladderLayers: [LadderLayer] { blocks.flatMap(\.ladderLayers) }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        stack(blocks, x, finalNorm: finalNorm, context) { $0($1, $2) }
    }
}
