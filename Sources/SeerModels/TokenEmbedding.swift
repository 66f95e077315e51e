// Series → tokens (MODELS.md §0): per-point tokens (Linear(F → d)) or per-patch tokens (patch
// length P, stride S; Linear(P·F → d)), plus a sinusoidal, learned or no position embedding.
// Cutting patches is a data transform on the (untracked) input; only the projection and the
// learned positions train.
import SeerBase
import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// How a series becomes tokens.
public enum Tokenization: Equatable, Sendable {
    /// One token per time step.
    case point
    /// One token per patch of `length` steps, patches `stride` steps apart.
    case patch(length: Int, stride: Int)

    /// Steps per token (P) and between tokens (S).
    public var lengthAndStride: (length: Int, stride: Int) {
        switch self {
        case .point: return (1, 1)
        case .patch(let length, let stride): return (length, stride)
        }
    }

    /// Tokens cut from `steps` steps (0 when shorter than one patch).
    public func tokenCount(steps: Int) -> Int {
        let (p, s) = lengthAndStride
        return steps < p ? 0 : (steps - p) / s + 1
    }
}

/// Position information added to the tokens.
public enum PositionEncoding: String, Sendable, CaseIterable {
    case sinusoidal, learned, none
}

/// Projects tokens to width d and adds positions.
public struct TokenEmbedding: ParameterContainer {
    public let tokenization: Tokenization
    public let features: Int
    public let width: Int
    public let position: PositionEncoding
    /// Most tokens a learned position table covers.
    public let maxTokens: Int
    public let projection: Linear
    public let positions: Parameter?

    public init(_ name: String, tokenization: Tokenization, features: Int, width: Int, position: PositionEncoding,
                maxTokens: Int, rng: inout SeededGenerator) {
        self.tokenization = tokenization
        self.features = features
        self.width = width
        self.position = position
        self.maxTokens = maxTokens
        projection = Linear("\(name).proj", inputs: tokenization.lengthAndStride.length * features, outputs: width, rng: &rng)
        positions = position == .learned
            ? Parameter(name: "\(name).pos", shape: [maxTokens, width], decays: false,
                        values: Initializer.normal(std: 0.02).values(count: maxTokens * width, fanIn: width, fanOut: width, using: &rng))
            : nil
    }

    public var parameters: [Parameter] { projection.parameters + (positions.map { [$0] } ?? []) }

    /// Tokens [N, n, P·F] from series [N, L, F]: a copy loop for data on the host; slices
    /// stacked by ops for a series on a device or a tracked one (RevIN's affine map).
    public func cut(_ series: Tensor) -> Tensor {
        let (p, s) = tokenization.lengthAndStride
        if p == 1 && s == 1 { return series }
        let (n, steps, f) = (series.shape[0], series.shape[1], series.shape[2])
        let tokens = tokenization.tokenCount(steps: steps)
        precondition(tokens > 0, "a window of \(steps) steps is shorter than one patch of \(p)")
        guard series.device == .cpu && !series.isTracked else {
            let patches = (0..<tokens).map { series.slice(axis: 1, ($0 * s)..<($0 * s + p)) }  // each [N, P, F]
            return Tensor.concatenate(patches, axis: 1).reshaped([n, tokens, p * f])
        }
        let out = TensorStorage(count: n * tokens * p * f)
        let src = series.storage.pointer, dst = out.pointer
        for row in 0..<n {
            for t in 0..<tokens {
                (dst + (row * tokens + t) * p * f).update(from: src + (row * steps + t * s) * f, count: p * f)
            }
        }
        return Tensor(shape: [n, tokens, p * f], storage: out)
    }

    /// series [N, L, F] → tokens [N, n, d], on the projection's device (data is moved there).
    public func callAsFunction(_ series: Tensor, _ context: ForwardContext) -> Tensor {
        let h = projection(cut(series).moved(to: projection.weight.device), on: context.tape)
        let count = h.shape[1]
        switch position {
        case .none:
            return h
        case .learned:
            precondition(count <= maxTokens, "\(count) tokens exceed the learned position table's \(maxTokens)")
            return h + positions!.tensor(on: context.tape).slice(axis: 0, 0..<count)
        case .sinusoidal:
            return h + Self.sinusoid(tokens: count, width: width).moved(to: h.device)
        }
    }

    /// PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(…) (Vaswani et al.).
    public static func sinusoid(tokens: Int, width: Int) -> Tensor {
        var values = [Float](repeating: 0, count: tokens * width)
        for t in 0..<tokens {
            for i in stride(from: 0, to: width, by: 2) {
                let angle = Double(t) / pow(10_000, Double(i) / Double(width))
                values[t * width + i] = Float(sin(angle))
                if i + 1 < width { values[t * width + i + 1] = Float(cos(angle)) }
            }
        }
        return Tensor(values, shape: [tokens, width])
    }
}
