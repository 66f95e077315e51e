// Element-wise activations as differentiable ops.

extension Tensor {
    func unary(_ op: UnaryOp) -> Tensor {
        let out = Tensor(shape: shape, storage: TensorStorage(count: count))
        let kernels = self.kernels
        kernels.unaryForward(op, storage, out.storage)
        let x = storage, y = out.storage, id = trackedId
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: x.count) { kernels.unaryBackward(op, x, y, gradOut: g, gradX: gx) }
        }
    }

    /// GELU, exact (erf) form.
    public func gelu() -> Tensor { unary(.gelu) }
    /// SiLU (swish): x·σ(x).
    public func silu() -> Tensor { unary(.silu) }
    public func tanh() -> Tensor { unary(.tanh) }
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    public func relu() -> Tensor { unary(.relu) }
}
