// Training-state kernels of the CPU backend: gradient accumulation (split over the pool, as the
// backward's other element-wise loops), the global gradient norm and clipping, the finiteness
// check, the Adam/AdamW and SGD steps and the weights' moving average — each one flat loop over
// a parameter group's buffers.
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    public func accumulate(_ g: TensorStorage, into: TensorStorage, negated: Bool) {
        precondition(g.count == into.count, "accumulating \(g.count) floats into \(into.count)")
        let src = g.pointer, dst = into.pointer
        if negated {
            Parallelism.forEachChunk(g.count) { range in for i in range { dst[i] -= src[i] } }
        } else {
            Parallelism.forEachChunk(g.count) { range in for i in range { dst[i] += src[i] } }
        }
    }

    public func sumOfSquares(_ x: TensorStorage) -> Double {
        var sum = 0.0
        let p = x.pointer
        for i in 0..<x.count { sum += Double(p[i]) * Double(p[i]) }
        return sum
    }

    public func scaleInPlace(_ x: TensorStorage, by factor: Float) {
        let p = x.pointer
        for i in 0..<x.count { p[i] *= factor }
    }

    public func allFinite(_ x: TensorStorage) -> Bool {
        let p = x.pointer
        for i in 0..<x.count where !p[i].isFinite { return false }
        return true
    }

    public func adamStep(_ state: AdamState, learningRate: Float, step t: Int) {
        let correction1 = 1 - powf(state.beta1, Float(t)), correction2 = 1 - powf(state.beta2, Float(t))
        let stepSize = learningRate / correction1
        let w = state.values.pointer, g = state.gradients.pointer, mask = state.decayMask.pointer
        let m = state.firstMoment.pointer, v = state.secondMoment.pointer
        let b1 = state.beta1, b2 = state.beta2, eps = state.epsilon, decay = state.weightDecay, decoupled = state.decoupled
        let inverseRoot2 = 1 / correction2.squareRoot()
        for i in 0..<state.values.count {
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

    public func sgdStep(values: TensorStorage, gradients: TensorStorage, decayMask: TensorStorage, velocity: TensorStorage,
                        learningRate: Float, momentum: Float, weightDecay: Float) {
        let w = values.pointer, g = gradients.pointer, v = velocity.pointer, mask = decayMask.pointer
        for i in 0..<values.count {
            let grad = g[i] + weightDecay * mask[i] * w[i]
            v[i] = momentum * v[i] + grad
            w[i] -= learningRate * v[i]
        }
    }

    public func movingAverage(_ average: TensorStorage, toward values: TensorStorage, decay: Float) {
        precondition(average.count == values.count, "averaging \(values.count) floats into \(average.count)")
        let a = average.pointer, x = values.pointer, keep = 1 - decay
        for i in 0..<average.count { a[i] = decay * a[i] + keep * x[i] }
    }
}
