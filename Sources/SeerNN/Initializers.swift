// Weight initialisers, all drawing from a SeededGenerator so a seed fixes every weight.
import SeerBase

/// How to fill a new parameter.
public enum Initializer: Sendable, Equatable {
    case zeros
    case ones
    case constant(Float)
    /// Normal(0, std).
    case normal(std: Float)
    /// Uniform(−bound, bound).
    case uniform(bound: Float)
    /// Xavier/Glorot uniform: bound = √(6 / (fanIn + fanOut)).
    case xavierUniform
    /// Xavier/Glorot normal: std = √(2 / (fanIn + fanOut)).
    case xavierNormal
    /// Kaiming/He normal for ReLU-like nets: std = √(2 / fanIn).
    case kaimingNormal
    /// Kaiming uniform as PyTorch's Linear default (a = √5): bound = 1/√fanIn.
    case kaimingUniform

    /// `count` values for a parameter with the given fans.
    public func values(count: Int, fanIn: Int, fanOut: Int, using rng: inout SeededGenerator) -> [Float] {
        switch self {
        case .zeros: return [Float](repeating: 0, count: count)
        case .ones: return [Float](repeating: 1, count: count)
        case .constant(let c): return [Float](repeating: c, count: count)
        case .normal(let std): return (0..<count).map { _ in std * rng.normal() }
        case .uniform(let bound): return (0..<count).map { _ in rng.uniform(-bound, bound) }
        case .xavierUniform:
            let bound = (6 / Float(max(1, fanIn + fanOut))).squareRoot()
            return (0..<count).map { _ in rng.uniform(-bound, bound) }
        case .xavierNormal:
            let std = (2 / Float(max(1, fanIn + fanOut))).squareRoot()
            return (0..<count).map { _ in std * rng.normal() }
        case .kaimingNormal:
            let std = (2 / Float(max(1, fanIn))).squareRoot()
            return (0..<count).map { _ in std * rng.normal() }
        case .kaimingUniform:
            let bound = 1 / Float(max(1, fanIn)).squareRoot()
            return (0..<count).map { _ in rng.uniform(-bound, bound) }
        }
    }
}
