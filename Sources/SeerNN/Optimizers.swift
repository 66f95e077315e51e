// Optimisers over a ParameterGroup's flat buffers: each step is one loop over every value.
// SGD with momentum; Adam (L2 weight decay added to the gradient, as PyTorch's Adam); AdamW
// (decoupled decay applied to the weights, skipping norms and biases via the decay mask).
import SeerTensor

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
        velocity = group.kernels.zeros(group.values.count)
    }

    public func step(learningRate: Float) {
        group.kernels.sgdStep(values: group.values, gradients: group.gradients, decayMask: group.decayMask, velocity: velocity,
                              learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
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
    /// The buffers and settings the backend's step reads.
    private let state: AdamState

    public init(_ group: ParameterGroup, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.group = group
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        state = AdamState(values: group.values, gradients: group.gradients, decayMask: group.decayMask,
                          firstMoment: group.kernels.zeros(group.values.count), secondMoment: group.kernels.zeros(group.values.count),
                          beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: decoupled)
    }

    /// AdamW with PyTorch's defaults (decay 0.01).
    public static func adamW(_ group: ParameterGroup, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(group, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }

    public func step(learningRate: Float) {
        stepCount += 1
        group.kernels.adamStep(state, learningRate: learningRate, step: stepCount)
    }
}
