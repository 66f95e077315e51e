// The basic layers: Linear, LayerNorm, RMSNorm, Embedding and Dropout. Each lists its
// parameters explicitly; forward takes the tape to record on (nil for inference).
import SeerBase
import SeerTensor

/// Anything with trainable parameters.
public protocol ParameterContainer {
    var parameters: [Parameter] { get }
}

extension ParameterContainer {
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// y = x · Wᵀ + b, W: [out, in] (PyTorch's layout, so checkpoints map one to one).
public struct Linear: ParameterContainer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ name: String, inputs: Int, outputs: Int, bias: Bool = true, initializer: Initializer = .kaimingUniform,
                rng: inout SeededGenerator) {
        weight = Parameter(name: "\(name).weight", shape: [outputs, inputs], decays: true,
                           values: initializer.values(count: inputs * outputs, fanIn: inputs, fanOut: outputs, using: &rng))
        self.bias = bias ? Parameter(name: "\(name).bias", shape: [outputs], decays: false,
                                     values: Initializer.uniform(bound: 1 / Float(max(1, inputs)).squareRoot())
                                        .values(count: outputs, fanIn: inputs, fanOut: outputs, using: &rng)) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// x: [..., in] → [..., out] (the bias written first and the product accumulated onto it:
    /// no separate bias pass).
    public func callAsFunction(_ x: Tensor, on tape: Tape?) -> Tensor {
        Tensor.linear([Tensor.ColumnBlock(x)], weight: weight.tensor(on: tape), bias: bias?.tensor(on: tape))
    }

    /// [x₁[…, c₁] | x₂[…, c₂] | …] → […, out], plus `residual` when given: the layer applied to a
    /// concatenation of column blocks without forming it (see `Tensor.linear`).
    public func callAsFunction(_ blocks: [Tensor.ColumnBlock], adding residual: Tensor.ColumnBlock? = nil, on tape: Tape?) -> Tensor {
        Tensor.linear(blocks, weight: weight.tensor(on: tape), bias: bias?.tensor(on: tape), adding: residual)
    }
}

/// Layer normalisation over the last axis with learned gain and shift.
public struct LayerNorm: ParameterContainer {
    public let gamma: Parameter
    public let beta: Parameter
    public let epsilon: Float

    public init(_ name: String, features: Int, epsilon: Float = 1e-5) {
        gamma = Parameter(name: "\(name).weight", shape: [features], decays: false, values: [Float](repeating: 1, count: features))
        beta = Parameter(name: "\(name).bias", shape: [features], decays: false, values: [Float](repeating: 0, count: features))
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func callAsFunction(_ x: Tensor, on tape: Tape?) -> Tensor {
        x.layerNorm(gamma: gamma.tensor(on: tape), beta: beta.tensor(on: tape), epsilon: epsilon)
    }
}

/// RMS normalisation over the last axis with a learned gain.
public struct RMSNorm: ParameterContainer {
    public let gamma: Parameter
    public let epsilon: Float

    public init(_ name: String, features: Int, epsilon: Float = 1e-6) {
        gamma = Parameter(name: "\(name).weight", shape: [features], decays: false, values: [Float](repeating: 1, count: features))
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [gamma] }

    public func callAsFunction(_ x: Tensor, on tape: Tape?) -> Tensor {
        x.rmsNorm(gamma: gamma.tensor(on: tape), epsilon: epsilon)
    }
}

/// A table of learned vectors looked up by index.
public struct Embedding: ParameterContainer {
    public let table: Parameter

    public init(_ name: String, count: Int, dimension: Int, std: Float = 1, rng: inout SeededGenerator) {
        table = Parameter(name: "\(name).weight", shape: [count, dimension], decays: true,
                          values: Initializer.normal(std: std).values(count: count * dimension, fanIn: dimension, fanOut: dimension, using: &rng))
    }

    public var parameters: [Parameter] { [table] }

    /// indices → [indexShape..., dimension]
    public func callAsFunction(_ indices: [Int32], shape: Shape? = nil, on tape: Tape?) -> Tensor {
        table.tensor(on: tape).gather(rows: indices, indexShape: shape)
    }
}

/// Inverted dropout; the identity when not training.
public struct Dropout {
    public let probability: Float

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability must lie in [0, 1)")
        self.probability = probability
    }

    public func callAsFunction(_ x: Tensor, training: Bool, seed: UInt64) -> Tensor {
        training ? x.dropout(probability: probability, seed: seed) : x
    }
}
