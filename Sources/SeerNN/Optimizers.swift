// Optimisers over a ParameterGroup's flat buffers: each step is one loop over every value.
// SGD with momentum; Adam (L2 weight decay added to the gradient, as PyTorch's Adam); AdamW
// (decoupled decay applied to the weights, skipping norms and biases via the decay mask).
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// Updates a group of parameters from their gradients.
public protocol Optimizer: AnyObject {
    var group: ParameterGroup { get }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Applies one update with `learningRate`; gradients are left as they are.
    func step(learningRate: Float)
}

extension Optimizer {
    public func zeroGradients() { group.zeroGradients() }
}

/// Stochastic gradient descent with (optional) momentum.
public final class SGD: Optimizer {
    public let group: ParameterGroup
    public let momentum: Float
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let velocity: TensorStorage

    public init(_ group: ParameterGroup, momentum: Float = 0, weightDecay: Float = 0) {
        self.group = group
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = TensorStorage(zeros: group.values.count)
    }

    public func step(learningRate: Float) {
        let w = group.values.pointer, g = group.gradients.pointer, v = velocity.pointer, mask = group.decayMask.pointer
        for i in 0..<group.values.count {
            let grad = g[i] + weightDecay * mask[i] * w[i]
            v[i] = momentum * v[i] + grad
            w[i] -= learningRate * v[i]
        }
        stepCount += 1
    }
}

/// Adam and AdamW (decoupled: true).
public final class Adam: Optimizer {
    public let group: ParameterGroup
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Decoupled weight decay (AdamW) instead of L2 in the gradient (Adam).
    public let decoupled: Bool
    public private(set) var stepCount = 0
    private let firstMoment: TensorStorage
    private let secondMoment: TensorStorage

    public init(_ group: ParameterGroup, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.group = group
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoment = TensorStorage(zeros: group.values.count)
        secondMoment = TensorStorage(zeros: group.values.count)
    }

    /// AdamW with PyTorch's defaults (decay 0.01).
    public static func adamW(_ group: ParameterGroup, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(group, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let t = Float(stepCount)
        let correction1 = 1 - powf(beta1, t), correction2 = 1 - powf(beta2, t)
        let stepSize = learningRate / correction1
        let w = group.values.pointer, g = group.gradients.pointer, mask = group.decayMask.pointer
        let m = firstMoment.pointer, v = secondMoment.pointer
        let b1 = beta1, b2 = beta2, eps = epsilon, decay = weightDecay, decoupled = self.decoupled
        let inverseRoot2 = 1 / correction2.squareRoot()
        for i in 0..<group.values.count {
            var grad = g[i]
            if decoupled {
                w[i] -= learningRate * decay * mask[i] * w[i]
            } else {
                grad += decay * mask[i] * w[i]
            }
            m[i] = b1 * m[i] + (1 - b1) * grad
            v[i] = b2 * v[i] + (1 - b2) * grad * grad
            w[i] -= stepSize * m[i] / (v[i].squareRoot() * inverseRoot2 + eps)
        }
    }
}
