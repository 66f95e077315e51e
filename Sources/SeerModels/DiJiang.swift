// The DiJiang-style net (MODELS.md §3): attention with positive features from a fixed DCT
// projection, run as a decayed causal linear recurrence, so time and memory are linear in T.
//
// Per layer the feature map is fixed and untrained: z = diag(τ)·C·q (C the orthonormal DCT-II,
// τ_n = Φ⁻¹((n + ½)/d_h) under a seeded permutation), φ(q) = softmax(z) over the features. The
// permutation's seed is part of the config (not drawn from the initialisation stream), so a
// loaded model rebuilds exactly the same map. Each head decays its state with λ = σ(θ), θ
// initialised so the memory spans 1/(1 − λ) run log-spaced from 4 tokens to the training length.
// Block: u = LN(x); q, k, v = u·W; o = DecayedLinearAttention(φq, φk, v, θ) through the fused
// chunked kernel; per-head RMSNorm of o; x += Wo·(SiLU(u·Wg) ⊙ norm(o)); x += FFN(LN x).
// Layout stays token-major ([N, T, heads, d_h]) from the projection to the output: no permutes,
// and φq, φk come out of one feature map call as one tensor the kernel reads in place. The
// RMSNorm has no gain of its own: a gain g would be exactly Wo·diag(g), a reparametrisation.
import SeerBase
import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// Which feed-forward sub-layer a block uses.
public enum FeedForwardKind: String, Equatable, Sendable, CaseIterable {
    /// Linear(d→m·d) → GELU → Linear(m·d→d).
    case mlp
    /// The continued-fraction FFN (Cffn) of MODELS.md §4.
    case continuedFraction = "cffn"
}

/// A feed-forward sub-layer: [..., d] → [..., d].
public protocol TokenFeedForward: ParameterContainer {
    func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor
    /// residual + dropout(FFN(x)); implementations add the residual inside their last product
    /// when no dropout acts.
    func callAsFunction(_ x: Tensor, residual: Tensor, dropout p: Float, _ context: ForwardContext) -> Tensor
}

extension TokenFeedForward {
    public func callAsFunction(_ x: Tensor, residual: Tensor, dropout p: Float, _ context: ForwardContext) -> Tensor {
        residual + context.dropout(self(x, context), p)
    }
}

extension ContinuedFractionFFN: TokenFeedForward {}

public struct DiJiangConfig: Equatable, Sendable {
    /// Model width d.
    public var width = 128
    public var heads = 4
    public var layers = 2
    /// FFN hidden width = multiplier · d (the GPT baseline's 4 by default).
    public var ffnMultiplier = 4
    public var feedForward = FeedForwardKind.mlp
    /// Ladders of the continued-fraction FFN (used when `feedForward` is `.continuedFraction`).
    public var fraction = ContinuedFractionConfig()
    public var dropout: Float = 0
    /// Learned per-feature weights D ⊙ φ (the paper's form); off by default.
    public var featureWeights = false
    /// Seed of the τ permutation of every layer's fixed feature map.
    public var featureSeed: UInt64 = 0
    /// Training sequence length in tokens, the longest initial decay span; nil: the model's
    /// look-back in tokens (`SequenceModel` fills it in), 1024 for a bare net.
    public var maxTokens: Int?

    public init(width: Int = 128, heads: Int = 4, layers: Int = 2, ffnMultiplier: Int = 4, feedForward: FeedForwardKind = .mlp,
                fraction: ContinuedFractionConfig = ContinuedFractionConfig(), dropout: Float = 0, featureWeights: Bool = false,
                featureSeed: UInt64 = 0, maxTokens: Int? = nil) {
        self.fraction = fraction
        self.width = width
        self.heads = heads
        self.layers = layers
        self.ffnMultiplier = ffnMultiplier
        self.feedForward = feedForward
        self.dropout = dropout
        self.featureWeights = featureWeights
        self.featureSeed = featureSeed
        self.maxTokens = maxTokens
    }

    /// Initial decay logits θ_h: spans 1/(1 − λ) log-spaced from 4 to `maxTokens` (one head: their
    /// geometric mean), θ = logit(1 − 1/span) = log(span − 1).
    public static func initialDecayLogits(heads: Int, maxTokens: Int) -> [Float] {
        let longest = Double(max(5, maxTokens))
        return (0..<heads).map { h in
            let fraction = heads == 1 ? 0.5 : Double(h) / Double(heads - 1)
            let span = 4 * pow(longest / 4, fraction)
            return Float(log(span - 1))
        }
    }
}

/// The fixed DCT feature map of one layer: φ(x) = softmax(x · (diag(τ)·C)ᵀ) over the last axis.
public struct DCTFeatureMap: Sendable {
    public let size: Int
    public let tau: [Double]
    /// (diag(τ)·C)ᵀ, [size, size]: z = x · projection.
    public let projection: Tensor

    public init(tau: [Double]) {
        let n = tau.count
        size = n
        self.tau = tau
        let c = DCTFeatureMap.dctMatrix(n)
        var transposed = [Float](repeating: 0, count: n * n)
        for k in 0..<n { for j in 0..<n { transposed[j * n + k] = Float(tau[k] * c[k * n + j]) } }
        projection = Tensor(transposed, shape: [n, n])
    }

    /// Quasi-Monte-Carlo scales τ_n = Φ⁻¹((n + ½)/size) under a permutation seeded by `seed`.
    public init(size: Int, seed: UInt64) {
        let scales = DCTFeatureMap.quasiMonteCarloScales(size)
        var rng = SeededGenerator(seed: seed)
        self.init(tau: Trainer.permutation(size, &rng).map { scales[$0] })
    }

    /// The orthonormal DCT-II matrix, row-major: C[k, n] = s_k cos(πk(2n + 1)/(2N)), s_0 = √(1/N), s_k = √(2/N).
    public static func dctMatrix(_ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            let s = (k == 0 ? 1.0 : 2.0) / Double(n)
            for j in 0..<n { c[k * n + j] = s.squareRoot() * cos(Double.pi * Double(k) * Double(2 * j + 1) / Double(2 * n)) }
        }
        return c
    }

    /// Φ⁻¹((n + ½)/size) for n = 0..<size, ascending (before the permutation).
    public static func quasiMonteCarloScales(_ size: Int) -> [Double] {
        (0..<size).map { inverseNormal((Double($0) + 0.5) / Double(size)) }
    }

    /// The standard normal quantile, by bisection on Φ(x) = erfc(−x/√2)/2 to full Double precision.
    public static func inverseNormal(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a normal quantile needs 0 < p < 1, not \(p)")
        var lo = -40.0, hi = 40.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-15 * max(1, abs(mid)) { break }
        }
        return (lo + hi) / 2
    }

    /// φ(x) = softmax(x · (diag(τ)·C)ᵀ) over the last axis (x: [..., size]).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.matmul(projection.moved(to: x.device)).softmax()  // [size, size]: small next to x
    }
}

/// Linear(d→m·d) → GELU → Linear(m·d→d).
public struct FeedForward: TokenFeedForward {
    public let expand: Linear, contract: Linear

    public init(_ name: String, width: Int, multiplier: Int, residualScale: Float, rng: inout SeededGenerator) {
        expand = Linear("\(name).fc1", inputs: width, outputs: multiplier * width, initializer: .normal(std: 0.02), rng: &rng)
        contract = Linear("\(name).fc2", inputs: multiplier * width, outputs: width, initializer: .normal(std: 0.02 * residualScale), rng: &rng)
    }

    public var parameters: [Parameter] { collectParameters([expand, contract]) }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        contract(expand(x, on: context.tape).gelu(), on: context.tape)
    }

    public func callAsFunction(_ x: Tensor, residual: Tensor, dropout p: Float, _ context: ForwardContext) -> Tensor {
        contract([Tensor.ColumnBlock(expand(x, on: context.tape).gelu())], residual: Tensor.ColumnBlock(residual), dropout: p, context)
    }
}

/// One pre-LN DiJiang block.
public struct DiJiangBlock: ParameterContainer {
    public let width: Int, heads: Int, dropout: Float
    public let featureMap: DCTFeatureMap
    /// q and k projections (one product), the value projection, the gate and the output.
    public let norm1: LayerNorm, queryKey: Linear, value: Linear, gate: Linear, projection: Linear, norm2: LayerNorm
    /// θ_h, λ_h = σ(θ_h).
    public let decay: Parameter
    public let featureWeights: Parameter?
    public let feedForward: any TokenFeedForward

    public init(_ name: String, config: DiJiangConfig, layer: Int, residualScale: Float, rng: inout SeededGenerator) {
        let d = config.width, h = config.heads
        precondition(d % h == 0, "width \(d) is not a multiple of \(h) heads")
        width = d
        heads = h
        dropout = config.dropout
        featureMap = DCTFeatureMap(size: d / h, seed: config.featureSeed &+ UInt64(layer) &* 0x9E37_79B9)
        norm1 = LayerNorm("\(name).ln1", features: d)
        queryKey = Linear("\(name).qk", inputs: d, outputs: 2 * d, initializer: .normal(std: 0.02), rng: &rng)
        value = Linear("\(name).v", inputs: d, outputs: d, initializer: .normal(std: 0.02), rng: &rng)
        gate = Linear("\(name).gate", inputs: d, outputs: d, initializer: .normal(std: 0.02), rng: &rng)
        projection = Linear("\(name).proj", inputs: d, outputs: d, initializer: .normal(std: 0.02 * residualScale), rng: &rng)
        norm2 = LayerNorm("\(name).ln2", features: d)
        decay = Parameter(name: "\(name).decay", shape: [h], decays: false,
                          values: DiJiangConfig.initialDecayLogits(heads: h, maxTokens: config.maxTokens ?? 1024))
        featureWeights = config.featureWeights
            ? Parameter(name: "\(name).feature_weights", shape: [d / h], decays: false, values: [Float](repeating: 1, count: d / h))
            : nil
        switch config.feedForward {
        case .mlp:
            feedForward = FeedForward("\(name).ffn", width: d, multiplier: config.ffnMultiplier, residualScale: residualScale, rng: &rng)
        case .continuedFraction:
            feedForward = ContinuedFractionFFN("\(name).cffn", width: d, config: config.fraction, rng: &rng)
        }
    }

    public var parameters: [Parameter] {
        collectParameters([norm1, queryKey, value, gate, projection, norm2]) + [decay] + (featureWeights.map { [$0] } ?? [])
            + feedForward.parameters
    }

    var headWidth: Int { width / heads }

    /// Features [N, T, 2H, d_h] (φq in the first H slots, φk in the rest) and values
    /// [N, T, H, d_h] of the normalised input u [N, T, d].
    ///
    /// z = M·(W_h u + b_h) per head (M = diag(τ)·C fixed) is evaluated as (M W_h) u + M b_h: the
    /// same parameters and gradients (W_h and b_h are what trains; the chain rule runs through
    /// the tiny per-step product M W_h), but one [d → 2d] product per token instead of the
    /// projection followed by a d_h × d_h product on every head of every token.
    func featuresAndValues(_ u: Tensor, _ tape: Tape?) -> (features: Tensor, value: Tensor) {
        let (logits, value) = featureLogitsAndValues(u, tape)
        var features = logits.softmax()
        if let featureWeights { features = features * featureWeights.tensor(on: tape) }
        return (features, value)
    }

    /// The feature logits z [N, T, 2H, d_h] (φ = softmax(z)) and values [N, T, H, d_h].
    func featureLogitsAndValues(_ u: Tensor, _ tape: Tape?) -> (logits: Tensor, value: Tensor) {
        let (n, t, d, h, dh) = (u.shape[0], u.shape[1], width, heads, headWidth)
        let m = featureMap.projection.moved(to: u.device)  // Mᵀ [d_h, d_h], a constant: small next to u
        // (M W_h)ᵀ = W_hᵀ Mᵀ for each of the 2H heads' [d_h, d] blocks of W.
        let weight = queryKey.weight.tensor(on: tape).reshaped([2 * h, dh, d]).transposed().matmul(m).transposed().reshaped([2 * d, d])
        let bias = queryKey.bias.map { $0.tensor(on: tape).reshaped([2 * h, dh]).matmul(m).reshaped([2 * d]) }
        let z = Tensor.linear([Tensor.ColumnBlock(u)], weight: weight, bias: bias)
        return (z.reshaped([n, t, 2 * h, dh]), value(u, on: tape).reshaped([n, t, h, dh]))
    }

    /// x + Wo·(SiLU(u·Wg) ⊙ norm(o)) and the FFN sub-layer, given the attention output o [N, T, H, d_h].
    func finish(_ x: Tensor, _ u: Tensor, attended o: Tensor, _ context: ForwardContext) -> Tensor {
        let tape = context.tape
        let (n, t) = (x.shape[0], x.shape[1])
        // SiLU(u·W_g) ⊙ RMSNorm_head(o) in one fused pass (rows of d_h).
        let gated = o.reshaped([n, t, width]).normalizedGated(by: gate(u, on: tape), .silu, rowLength: headWidth)
        let h = projection([Tensor.ColumnBlock(gated)], residual: Tensor.ColumnBlock(x), dropout: dropout, context)
        return feedForward(norm2(h, on: tape), residual: h, dropout: dropout, context)
    }

    /// x [N, T, d] → [N, T, d], causal.
    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        let u = norm1(x, on: context.tape)
        let o: Tensor
        if featureWeights == nil {
            // The softmax features are made (and differentiated) inside the kernel pair.
            let (logits, v) = featureLogitsAndValues(u, context.tape)
            o = Tensor.decayedLinearAttention(featureLogits: logits, value: v, decayLogit: decay.tensor(on: context.tape))
        } else {
            let (features, v) = featuresAndValues(u, context.tape)
            o = Tensor.decayedLinearAttention(features: features, value: v, decayLogit: decay.tensor(on: context.tape))
        }
        return finish(x, u, attended: o, context)
    }
}

/// A stack of DiJiang blocks and a final LayerNorm.
public struct DiJiangNet: SequenceBackbone, DyadicScheduled {
    public let config: DiJiangConfig
    public let blocks: [DiJiangBlock]
    public let finalNorm: LayerNorm

    public init(_ name: String = "dijiang", config: DiJiangConfig, rng: inout SeededGenerator) {
        self.config = config
        let scale = 1 / Float(2 * max(1, config.layers)).squareRoot()
        blocks = (0..<config.layers).map { DiJiangBlock("\(name).blocks.\($0)", config: config, layer: $0, residualScale: scale, rng: &rng) }
        finalNorm = LayerNorm("\(name).ln_f", features: config.width)
    }

    public var width: Int { config.width }
    public var isCausal: Bool { true }
    public var parameters: [Parameter] { blocks.flatMap(\.parameters) + finalNorm.parameters }
    public var ladderLayers: [LadderLayer] { blocks.compactMap { ($0.feedForward as? ContinuedFractionFFN)?.ladders } }

    public func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor {
        stack(blocks, x, finalNorm: finalNorm, context) { $0($1, $2) }
    }
}

/// Token-by-token inference of a `DiJiangNet`: each head keeps its state S (d_h × d_h) and a
/// token costs O(d² + H·d_h²) whatever the position — constant memory, no frame.
public final class DiJiangStream {
    public let net: DiJiangNet
    public let batch: Int
    /// Per block, per (sequence, head): S, row-major [d_h (features), d_h (values)].
    var states: [[Float]]
    public private(set) var count = 0

    public init(net: DiJiangNet, batch: Int = 1) {
        self.net = net
        self.batch = batch
        let dh = net.config.width / net.config.heads
        states = net.blocks.map { _ in [Float](repeating: 0, count: batch * net.config.heads * dh * dh) }
    }

    /// The net's outputs [batch, d] for the next token of each sequence, given embeddings [batch, d].
    public func step(_ token: Tensor) -> Tensor {
        precondition(token.count == batch * net.width, "a stream step takes [\(batch), \(net.width)] embeddings, not \(token.shape)")
        let context = ForwardContext.inference()
        var x = token.reshaped([batch, 1, net.width])
        for (b, block) in net.blocks.enumerated() {
            let u = block.norm1(x, on: nil)
            let (features, v) = block.featuresAndValues(u, nil)
            let (fs, vs) = (features.array, v.array)
            let dh = block.headWidth, heads = block.heads
            let decays = block.decay.values.map { 1 / (1 + expf(-$0)) }
            var o = [Float](repeating: 0, count: batch * heads * dh)
            states[b].withUnsafeMutableBufferPointer { s in
                for row in 0..<(batch * heads) {
                    // row = (sequence, head); its φq, φk in the sequence's [2H, d_h] feature row.
                    let state = s.baseAddress! + row * dh * dh, lambda = decays[row % heads], base = row * dh
                    let qBase = ((row / heads) * 2 * heads + row % heads) * dh, kBase = qBase + heads * dh
                    for i in 0..<dh {
                        for j in 0..<dh { state[i * dh + j] = lambda * state[i * dh + j] + fs[kBase + i] * vs[base + j] }
                    }
                    for i in 0..<dh {
                        let f = fs[qBase + i]
                        for j in 0..<dh { o[base + j] += state[i * dh + j] * f }
                    }
                }
            }
            x = block.finish(x, u, attended: Tensor(o, shape: [batch, 1, heads, dh]), context)
        }
        count += 1
        return net.finalNorm(x, on: nil).reshaped([batch, net.width])
    }
}
