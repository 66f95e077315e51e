// The NT-style net (MODELS.md §2): a causal pyramid that halves the sequence at each level, a
// tiny causal mixer over the 8–15 top nodes, a shift right by one node, and a down pass that
// hands each token a summary of exactly the tokens before it — causal with no mask, time and
// activation memory linear in T.
//
//   up:   h^{l+1}_j = LN(h^l_{2j+1} + M_l(h^l_{2j}, h^l_{2j+1})),  M_l = Linear(d→d)∘GELU∘(A h_even + B h_odd + b)
//   top:  natt causal MHA+FFN layers (or a decayed causal average when natt = 0) over the m nodes
//         with learned positions, then shifted right by one node with a learned start vector
//   down: c^l_{2j} = c^{l+1}_j,  c^l_{2j+1} = LN(c^{l+1}_j + D_l(c^{l+1}_j, h^l_{2j}))
//   out:  y_i = LN(h⁰_i + FFN([c⁰_i; h⁰_i])), FFN hidden 2d
//
// [A B] is one Linear(2d→d) applied to the pairs view [N, n/2, 2d] of h^l — a reshape, not a
// copy; the odd half (the residual), the even half (read by the down pass) and the concatenated
// inputs of D_l and the output FFN are read in place by `Tensor.linear`. The input is padded at
// the front with a learned vector to m·2^L tokens, 8 ≤ m < 16.
import SeerBase
import SeerNN
import SeerTensor

public struct NTConfig: Equatable, Sendable {
    public var width = 32
    /// Stacked pyramid blocks.
    public var blocks = 2
    /// Attention layers over the top nodes; 0 = a decayed causal average instead.
    public var topAttentionLayers = 1
    public var topHeads = 4
    /// Output FFN hidden width = multiplier · d.
    public var ffnMultiplier = 2
    public var dropout: Float = 0
    /// The longest input (in tokens) the net is built for; fixes the number of levels.
    public var maxTokens = 1024
    /// Recompute each block's activations in the backward pass instead of keeping them: about
    /// one block's activation memory instead of all blocks', for one more forward pass.
    public var recompute = false

    public init(width: Int = 32, blocks: Int = 2, topAttentionLayers: Int = 1, topHeads: Int = 4, ffnMultiplier: Int = 2,
                dropout: Float = 0, maxTokens: Int = 1024, recompute: Bool = false) {
        self.width = width
        self.blocks = blocks
        self.topAttentionLayers = topAttentionLayers
        self.topHeads = topHeads
        self.ffnMultiplier = ffnMultiplier
        self.dropout = dropout
        self.maxTokens = maxTokens
        self.recompute = recompute
    }

    /// L = ⌊log2(T/8)⌋ levels (0 below 16 tokens).
    public static func levels(tokens: Int) -> Int {
        var levels = 0
        while tokens >= 16 << levels { levels += 1 }
        return levels
    }

    /// (levels, top nodes m, padded length m·2^L) for T tokens.
    public static func frame(tokens: Int) -> (levels: Int, top: Int, padded: Int) {
        let levels = levels(tokens: tokens)
        let top = (tokens + (1 << levels) - 1) >> levels
        return (levels, top, top << levels)
    }
}

/// Two-layer map of a [.., 2d] input: Linear(2d→d) → GELU → Linear(d→d).
public struct PairMixer: ParameterContainer {
    public let input: Linear, output: Linear

    init(_ name: String, width: Int, rng: inout SeededGenerator) {
        input = Linear("\(name).in", inputs: 2 * width, outputs: width, rng: &rng)
        output = Linear("\(name).out", inputs: width, outputs: width, rng: &rng)
    }

    public var parameters: [Parameter] { input.parameters + output.parameters }

    func callAsFunction(_ pair: Tensor, on tape: Tape?) -> Tensor { output(input(pair, on: tape).gelu(), on: tape) }

    /// residual + dropout(the same map on the concatenation of column blocks, not formed).
    func callAsFunction(_ blocks: [Tensor.ColumnBlock], residual: Tensor.ColumnBlock, dropout p: Float,
                        _ context: ForwardContext) -> Tensor {
        output([Tensor.ColumnBlock(input(blocks, on: context.tape).gelu())], residual: residual, dropout: p, context)
    }
}

/// One pyramid block.
public struct NTBlock: ParameterContainer {
    public let width: Int, dropout: Float
    public let merges: [PairMixer], mergeNorms: [LayerNorm]
    public let splits: [PairMixer], splitNorms: [LayerNorm]
    public let top: [TransformerBlock]
    /// Weights of the decayed causal average (natt = 0).
    public let topRecurrence: Linear?
    public let topPositions: Parameter, start: Parameter
    public let expand: Linear, contract: Linear, outputNorm: LayerNorm

    public init(_ name: String, config: NTConfig, rng: inout SeededGenerator) {
        let d = config.width, levels = NTConfig.levels(tokens: config.maxTokens)
        width = d
        dropout = config.dropout
        merges = (0..<levels).map { PairMixer("\(name).up.\($0)", width: d, rng: &rng) }
        mergeNorms = (0..<levels).map { LayerNorm("\(name).up.\($0).ln", features: d) }
        splits = (0..<levels).map { PairMixer("\(name).down.\($0)", width: d, rng: &rng) }
        splitNorms = (0..<levels).map { LayerNorm("\(name).down.\($0).ln", features: d) }
        top = (0..<config.topAttentionLayers).map {
            TransformerBlock("\(name).top.\($0)", width: d, heads: config.topHeads, ffnMultiplier: 4, dropout: config.dropout,
                             attention: .stored, residualScale: 1, rng: &rng)
        }
        topRecurrence = config.topAttentionLayers == 0 ? Linear("\(name).top.recurrence", inputs: d, outputs: d, rng: &rng) : nil
        topPositions = Parameter(name: "\(name).top.pos", shape: [16, d], decays: false,
                                 values: Initializer.normal(std: 0.02).values(count: 16 * d, fanIn: d, fanOut: d, using: &rng))
        start = Parameter(name: "\(name).start", shape: [d], decays: false,
                          values: Initializer.normal(std: 0.02).values(count: d, fanIn: d, fanOut: d, using: &rng))
        expand = Linear("\(name).ffn.in", inputs: 2 * d, outputs: config.ffnMultiplier * d, rng: &rng)
        contract = Linear("\(name).ffn.out", inputs: config.ffnMultiplier * d, outputs: d, rng: &rng)
        outputNorm = LayerNorm("\(name).ln_out", features: d)
    }

    public var levels: Int { merges.count }

    public var parameters: [Parameter] {
        var list: [any ParameterContainer] = merges + mergeNorms + splits + splitNorms
        list += top as [any ParameterContainer]
        if let topRecurrence { list.append(topRecurrence) }
        return collectParameters(list) + [topPositions, start] + collectParameters([expand, contract, outputNorm])
    }

    /// x [N, m·2^L, d] (already padded) → [N, m·2^L, d].
    public func callAsFunction(_ x: Tensor, levels: Int, _ context: ForwardContext) -> Tensor {
        let (n, length, d) = (x.shape[0], x.shape[1], width)
        let tape = context.tape
        precondition(levels <= self.levels, "\(levels) levels needed, the block has \(self.levels) (raise maxTokens)")
        precondition(length % (1 << levels) == 0, "length \(length) is not a multiple of 2^\(levels)")
        // The halves of a pair and the concatenated inputs are read in place, and without
        // dropout the residuals start the products' outputs: no slice, concatenation or sum is
        // formed (see Linear's residual form).
        var pyramid = [x]
        var h = x
        for l in 0..<levels {
            let pairs = h.reshaped([n, h.shape[1] / 2, 2 * d])
            let merged = merges[l]([Tensor.ColumnBlock(pairs)], residual: Tensor.ColumnBlock(pairs, d..<(2 * d)), dropout: dropout, context)
            h = mergeNorms[l](merged, on: tape)
            pyramid.append(h)
        }
        let m = h.shape[1]
        let mixed = topMix(h + topPositions.tensor(on: tape).slice(axis: 0, 0..<m), context)
        let startTokens = Tensor.zeros([n, 1, d], on: x.device) + start.tensor(on: tape)
        var c = m == 1 ? startTokens : Tensor.concatenate([startTokens, mixed.slice(axis: 1, 0..<(m - 1))], axis: 1)
        for l in (0..<levels).reversed() {
            let below = pyramid[l]
            let blocks = [Tensor.ColumnBlock(c), Tensor.ColumnBlock(below.reshaped([n, below.shape[1] / 2, 2 * d]), 0..<d)]
            let odd = splitNorms[l](splits[l](blocks, residual: Tensor.ColumnBlock(c), dropout: dropout, context), on: tape)
            c = Tensor.concatenate([c, odd], axis: 2).reshaped([n, below.shape[1], d])
        }
        let hidden = expand([Tensor.ColumnBlock(c), Tensor.ColumnBlock(x)], on: tape).gelu()
        return outputNorm(contract([Tensor.ColumnBlock(hidden)], residual: Tensor.ColumnBlock(x), dropout: dropout, context), on: tape)
    }

    /// The causal mixer over the top nodes [N, m, d].
    func topMix(_ nodes: Tensor, _ context: ForwardContext) -> Tensor {
        if let topRecurrence {
            return nodes + topRecurrence(NTBlock.decayedAverage(nodes), on: context.tape)
        }
        var h = nodes
        for block in top { h = block(h, context) }
        return h
    }

    /// Σ_{i≤j} w_{ji} h_i with w_{ji} ∝ 2^{−(j−i)}, each row's weights summing to 1.
    static func decayedAverage(_ nodes: Tensor) -> Tensor {
        let m = nodes.shape[1]
        var weights = [Float](repeating: 0, count: m * m)
        for j in 0..<m {
            var total: Float = 0
            for i in 0...j { total += Float(sign: .plus, exponent: i - j, significand: 1) }
            for i in 0...j { weights[j * m + i] = Float(sign: .plus, exponent: i - j, significand: 1) / total }
        }
        // [N, m, d] → [N, d, m] · Wᵀ → [N, d, m] → [N, m, d]
        let mixed = nodes.permuted([0, 2, 1]).matmul(Tensor(weights, shape: [m, m], on: nodes.device), transposeOther: true)
        return mixed.permuted([0, 2, 1])
    }
}

/// NT backbone: front padding with a learned vector, `blocks` pyramid blocks, padding dropped.
public struct NTNet: SequenceBackbone {
    public let config: NTConfig
    public let blocks: [NTBlock]
    public let pad: Parameter

    public init(_ name: String = "nt", config: NTConfig, rng: inout SeededGenerator) {
        precondition(config.topAttentionLayers == 0 || config.width % config.topHeads == 0,
                     "width \(config.width) is not a multiple of \(config.topHeads) top heads")
        self.config = config
        blocks = (0..<config.blocks).map { NTBlock("\(name).blocks.\($0)", config: config, rng: &rng) }
        pad = Parameter(name: "\(name).pad", shape: [config.width], decays: false,
                        values: Initializer.normal(std: 0.02).values(count: config.width, fanIn: config.width, fanOut: config.width, using: &rng))
    }

    public var width: Int { config.width }
    public var isCausal: Bool { true }
    public var parameters: [Parameter] { blocks.flatMap(\.parameters) + [pad] }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        let (n, t, d) = (x.shape[0], x.shape[1], width)
        let frame = NTConfig.frame(tokens: t)
        let padding = frame.padded - t
        var h = padding == 0 ? x : Tensor.concatenate([Tensor.zeros([n, padding, d], on: x.device) + pad.tensor(on: context.tape), x], axis: 1)
        for block in blocks {
            if config.recompute {
                h = context.recomputing([h]) { inner, inputs in block(inputs[0], levels: frame.levels, inner) }
            } else {
                h = block(h, levels: frame.levels, context)
            }
        }
        return padding == 0 ? h : h.slice(axis: 1, padding..<frame.padded)
    }
}
