// Reversible instance normalisation (Kim et al. 2022; MODELS.md §0): each input window is
// z-scored by its own mean and std before the net and the outputs are scaled back, optionally
// with a learned per-feature affine map. The statistics come from data, so they are constants
// to the tape; only the affine parameters train.
import SeerNN
import SeerTensor

/// Per-window mean and standard deviation, one pair per (row, feature).
public struct WindowStatistics {
    public let rows: Int
    public let features: Int
    public let mean: [Float]
    public let std: [Float]
}

public struct RevIN: ParameterContainer {
    public let features: Int
    public let epsilon: Float
    public let gamma: Parameter?
    public let beta: Parameter?

    public init(_ name: String, features: Int, affine: Bool, epsilon: Float = 1e-5) {
        self.features = features
        self.epsilon = epsilon
        gamma = affine ? Parameter(name: "\(name).weight", shape: [features], decays: false, values: [Float](repeating: 1, count: features)) : nil
        beta = affine ? Parameter(name: "\(name).bias", shape: [features], decays: false, values: [Float](repeating: 0, count: features)) : nil
    }

    public var parameters: [Parameter] { [gamma, beta].compactMap { $0 } }

    /// Mean and std over time of each row and feature of x [N, L, F] (std = √(var + ε), biased var),
    /// computed on the host (data on a device is read back first).
    public func statistics(_ x: Tensor) -> WindowStatistics {
        let (n, steps, f) = (x.shape[0], x.shape[1], x.shape[2])
        var mean = [Float](repeating: 0, count: n * f), std = [Float](repeating: 0, count: n * f)
        let host = x.detached.moved(to: .cpu)
        let p = host.storage.pointer
        for row in 0..<n {
            for c in 0..<f {
                var sum = 0.0
                for t in 0..<steps { sum += Double(p[(row * steps + t) * f + c]) }
                let mu = sum / Double(steps)
                var squares = 0.0
                for t in 0..<steps { let d = Double(p[(row * steps + t) * f + c]) - mu; squares += d * d }
                mean[row * f + c] = Float(mu)
                std[row * f + c] = Float((squares / Double(steps) + Double(epsilon)).squareRoot())
            }
        }
        return WindowStatistics(rows: n, features: f, mean: mean, std: std)
    }

    /// (x − μ)/σ [· γ + β] on `device` (the weights' device); x [N, L, F] data, on the host.
    public func normalize(_ x: Tensor, _ stats: WindowStatistics, _ context: ForwardContext, on device: Device) -> Tensor {
        let (n, steps, f) = (x.shape[0], x.shape[1], x.shape[2])
        let out = TensorStorage(count: x.count)
        let host = x.detached.moved(to: .cpu)
        let src = host.storage.pointer, dst = out.pointer
        for row in 0..<n {
            for t in 0..<steps {
                for c in 0..<f {
                    let i = (row * steps + t) * f + c
                    dst[i] = (src[i] - stats.mean[row * f + c]) / stats.std[row * f + c]
                }
            }
        }
        let normalized = Tensor(shape: x.shape, storage: out).moved(to: device)
        guard let gamma, let beta else { return normalized }
        return normalized * gamma.tensor(on: context.tape) + beta.tensor(on: context.tape)
    }

    /// The inverse on outputs y [N, H, F]: [(y − β)/(γ + ε²)] · σ + μ.
    public func denormalize(_ y: Tensor, _ stats: WindowStatistics, _ context: ForwardContext) -> Tensor {
        var z = y
        if let gamma, let beta {
            let safeGamma = gamma.tensor(on: context.tape) + Tensor.filled([features], with: epsilon * epsilon, on: y.device)
            z = (z - beta.tensor(on: context.tape)) / safeGamma
        }
        let (n, steps, f) = (y.shape[0], y.shape[1], y.shape[2])
        var scale = [Float](repeating: 0, count: y.count), shift = [Float](repeating: 0, count: y.count)
        for row in 0..<n {
            for t in 0..<steps {
                for c in 0..<f {
                    scale[(row * steps + t) * f + c] = stats.std[row * f + c]
                    shift[(row * steps + t) * f + c] = stats.mean[row * f + c]
                }
            }
        }
        return z * Tensor(scale, shape: y.shape, on: y.device) + Tensor(shift, shape: y.shape, on: y.device)
    }
}
