// The GPT baseline (MODELS.md §1): pre-LN decoder blocks, x += Wo·MHA(LN x), x += FFN(LN x),
// FFN = Linear(d→4d) → GELU → Linear(4d→d), causal multi-head attention through the tensor
// core's stored or streamed kernel, and a final LayerNorm. GPT-2 initialisation: N(0, 0.02), the
// residual projections scaled by 1/√(2·layers).
import SeerBase
import SeerNN
import SeerTensor

public struct GPTConfig: Equatable, Sendable {
    /// Model width d.
    public var width = 128
    public var heads = 4
    public var layers = 2
    /// FFN hidden width = multiplier · d.
    public var ffnMultiplier = 4
    public var dropout: Float = 0
    /// `.streamed` keeps memory linear in T; `.stored` keeps the T×T weights.
    public var attention: AttentionMode = .streamed

    public init(width: Int = 128, heads: Int = 4, layers: Int = 2, ffnMultiplier: Int = 4, dropout: Float = 0,
                attention: AttentionMode = .streamed) {
        self.width = width
        self.heads = heads
        self.layers = layers
        self.ffnMultiplier = ffnMultiplier
        self.dropout = dropout
        self.attention = attention
    }
}

/// One pre-LN decoder block; also the top mixer of the NT pyramid.
public struct TransformerBlock: ParameterContainer {
    public let width: Int, heads: Int, dropout: Float, attention: AttentionMode
    public let norm1: LayerNorm, qkv: Linear, projection: Linear, norm2: LayerNorm, expand: Linear, contract: Linear

    public init(_ name: String, width: Int, heads: Int, ffnMultiplier: Int, dropout: Float, attention: AttentionMode,
                residualScale: Float, rng: inout SeededGenerator) {
        precondition(width % heads == 0, "width \(width) is not a multiple of \(heads) heads")
        self.width = width
        self.heads = heads
        self.dropout = dropout
        self.attention = attention
        norm1 = LayerNorm("\(name).ln1", features: width)
        qkv = Linear("\(name).qkv", inputs: width, outputs: 3 * width, initializer: .normal(std: 0.02), rng: &rng)
        projection = Linear("\(name).proj", inputs: width, outputs: width, initializer: .normal(std: 0.02 * residualScale), rng: &rng)
        norm2 = LayerNorm("\(name).ln2", features: width)
        expand = Linear("\(name).fc1", inputs: width, outputs: ffnMultiplier * width, initializer: .normal(std: 0.02), rng: &rng)
        contract = Linear("\(name).fc2", inputs: ffnMultiplier * width, outputs: width,
                          initializer: .normal(std: 0.02 * residualScale), rng: &rng)
    }

    public var parameters: [Parameter] { collectParameters([norm1, qkv, projection, norm2, expand, contract]) }

    /// x [N, T, d] → [N, T, d], causal.
    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        let tape = context.tape
        // q, k, v are read in place from the projection and the heads come back side by side.
        let merged = Tensor.causalSelfAttention(qkv: qkv(norm1(x, on: tape), on: tape), heads: heads, mode: attention)
        let h = projection([Tensor.ColumnBlock(merged)], residual: Tensor.ColumnBlock(x), dropout: dropout, context)
        let hidden = expand(norm2(h, on: tape), on: tape).gelu()
        return contract([Tensor.ColumnBlock(hidden)], residual: Tensor.ColumnBlock(h), dropout: dropout, context)
    }
}

/// A stack of decoder blocks and a final LayerNorm.
public struct GPT: SequenceBackbone {
    public let config: GPTConfig
    public let blocks: [TransformerBlock]
    public let finalNorm: LayerNorm

    public init(_ name: String = "gpt", config: GPTConfig, rng: inout SeededGenerator) {
        self.config = config
        let scale = 1 / Float(2 * max(1, config.layers)).squareRoot()
        blocks = (0..<config.layers).map {
            TransformerBlock("\(name).blocks.\($0)", width: config.width, heads: config.heads, ffnMultiplier: config.ffnMultiplier,
                             dropout: config.dropout, attention: config.attention, residualScale: scale, rng: &rng)
        }
        finalNorm = LayerNorm("\(name).ln_f", features: config.width)
    }

    public var width: Int { config.width }
    public var isCausal: Bool { true }
    public var parameters: [Parameter] { blocks.flatMap(\.parameters) + finalNorm.parameters }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        stack(blocks, x, finalNorm: finalNorm, context) { $0($1, $2) }
    }
}
