// Continued-fraction ladders (MODELS.md §4) as a differentiable op.

/// How a ladder's partial denominators come from its inputs.
public enum PartialDenominators: Equatable, Sendable {
    /// a_k = ε + softplus(x_k): every continuant positive, no poles (the default).
    case positive(epsilon: Float = 0.01)
    /// a_k = x_k, the last continuant clipped to sign(Q_K)·max(|Q_K|, ε).
    case signed(epsilon: Float = 0.01)

    var isPositive: Bool { if case .positive = self { return true } else { return false } }
    var epsilon: Float {
        switch self {
        case .positive(let e), .signed(let e): return e
        }
    }
}

extension Tensor {
    /// Ladders of depth K over the last axis: self [..., L·K] (ladder j's a_1..a_K, outermost first,
    /// at j·K ..< (j+1)·K) → [..., L], each f = 1/(a_1 + 1/(a_2 + … + 1/a_K)).
    public func continuedFraction(depth: Int, _ form: PartialDenominators = .positive()) -> Tensor {
        precondition(depth >= 1 && shape.last % depth == 0, "a ladder input's last axis (\(shape.last)) must be a multiple of the depth \(depth)")
        let ladders = shape.last / depth, rows = count / max(1, shape.last)
        let kernels = self.kernels, positive = form.isPositive, epsilon = form.epsilon
        let out = Tensor(shape: Shape(Array(shape.dims.dropLast()) + [ladders]), storage: kernels.allocate(rows * ladders))
        kernels.continuedFractionForward(storage, out.storage, rows: rows, ladders: ladders, depth: depth, positive: positive, epsilon: epsilon)
        let x = storage, ix = trackedId
        return Tensor.record(out, inputs: self) { store, g in
            guard let gx = store.buffer(ix, count: x.count) else { return }
            kernels.continuedFractionBackward(x, gradZ: g, gradX: gx, rows: rows, ladders: ladders, depth: depth, positive: positive,
                                              epsilon: epsilon)
        }
    }
}
