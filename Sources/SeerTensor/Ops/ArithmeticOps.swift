// Element-wise arithmetic with broadcasting of the right operand over leading axes (its shape
// must equal the left one's or be a suffix of it, e.g. [d] against [batch, time, d]), scaling
// by a constant, and bias addition.

extension Tensor {
    static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        let broadcast = a.shape != b.shape
        if broadcast {
            precondition(b.rank <= a.rank && Array(a.shape.dims.suffix(b.rank)) == b.shape.dims,
                         "cannot broadcast \(b.shape) over \(a.shape): the right shape must be a suffix of the left")
        }
        let inner = b.count, outer = a.count / max(1, inner)
        let kernels = a.kernels
        let out = Tensor(shape: a.shape, storage: kernels.allocate(a.count))
        kernels.binaryForward(op, a.storage, b.storage, out.storage, outer: outer, inner: inner, broadcastB: broadcast)
        let ia = a.trackedId, ib = b.trackedId
        if op == .add || op == .sub {
            // Identity gradients: nothing of the inputs is kept, and the output gradient is handed
            // on rather than copied where it can be.
            let countB = b.count
            return record(out, inputs: a, b) { store, g in
                if broadcast {
                    if let gb = store.buffer(ib, count: countB) {
                        kernels.reduceLeading(g, into: gb, outer: outer, inner: inner, negated: op == .sub)
                    }
                    store.add(g, into: ia)
                } else {
                    store.add(g, into: ib, negated: op == .sub)
                    store.add(g, into: ia)
                }
            }
        }
        let sa = a.storage, sb = b.storage
        return record(out, inputs: a, b) { store, g in
            kernels.binaryBackward(op, sa, sb, gradOut: g, gradA: store.buffer(ia, count: sa.count),
                                   gradB: store.buffer(ib, count: sb.count), outer: outer, inner: inner, broadcastB: broadcast)
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(.div, a, b) }

    /// `self + bias`, the bias ([last]) broadcast over every leading axis.
    public func addingBias(_ bias: Tensor) -> Tensor {
        precondition(bias.rank == 1 && bias.count == shape.last, "bias \(bias.shape) does not match the last axis of \(shape)")
        return self + bias
    }

    /// Every element times `factor`.
    public func scaled(by factor: Float) -> Tensor {
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let kernels = self.kernels
        kernels.scaleForward(storage, factor, out.storage)
        let id = trackedId, n = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: n) { kernels.scaleBackward(factor, gradOut: g, gradX: gx) }
        }
    }

    public static func * (a: Tensor, factor: Float) -> Tensor { a.scaled(by: factor) }
    public static prefix func - (a: Tensor) -> Tensor { a.scaled(by: -1) }
}
