// Element-wise activations as differentiable ops.

extension Tensor {
    func unary(_ op: UnaryOp) -> Tensor {
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let kernels = self.kernels
        kernels.unaryForward(op, storage, out.storage)
        let x = storage, y = out.storage, id = trackedId
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: x.count) { kernels.unaryBackward(op, x, y, gradOut: g, gradX: gx) }
        }
    }

    /// f(gate) ⊙ self with f = `.sigmoid` (a sigmoid gate, as the Cffn's input gate) or `.silu`
    /// (a SiLU gate, as DiJiang's output gate), fused: one pass forward, one backward, and no
    /// f(gate) tensor kept (the backward recomputes it). `gate` has this tensor's shape.
    public func gated(by gate: Tensor, _ activation: UnaryOp) -> Tensor {
        precondition(activation == .sigmoid || activation == .silu, "a gate is sigmoid or SiLU, not \(activation)")
        precondition(gate.shape == shape, "gate \(gate.shape) and gated \(shape) differ in shape")
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let kernels = self.kernels
        kernels.gatedForward(activation, gate: gate.storage, storage, out.storage)
        let sx = storage, sg = gate.storage, ix = trackedId, ig = gate.trackedId
        return Tensor.record(out, inputs: self, gate) { store, g in
            kernels.gatedBackward(activation, gate: sg, sx, gradOut: g, gradGate: store.buffer(ig, count: sg.count),
                                  gradX: store.buffer(ix, count: sx.count))
        }
    }

    /// f(gate) ⊙ RMSNorm(self) with a unit gain, the norm over rows of `rowLength` values of the
    /// last axis (e.g. per head), fused: one pass forward, one backward; neither f(gate) nor the
    /// normalised rows are kept (only one 1/rms per row). `gate` has this tensor's element count
    /// (its shape is taken as this tensor's). DiJiang's output: SiLU(u·W_g) ⊙ norm(o).
    public func normalizedGated(by gate: Tensor, _ activation: UnaryOp, rowLength n: Int, epsilon: Float = 1e-6) -> Tensor {
        precondition(activation == .sigmoid || activation == .silu, "a gate is sigmoid or SiLU, not \(activation)")
        precondition(gate.count == count && n > 0 && count % n == 0, "gate \(gate.shape) and \(shape) (rows of \(n)) do not line up")
        let rows = count / n
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let rstd = kernels.allocate(rows)
        let kernels = self.kernels
        kernels.normalizedGatedForward(activation, gate: gate.storage, storage, out.storage, rstd: rstd, rows: rows, n: n, epsilon: epsilon)
        let sx = storage, sg = gate.storage, ix = trackedId, ig = gate.trackedId
        return Tensor.record(out, inputs: self, gate) { store, g in
            kernels.normalizedGatedBackward(activation, gate: sg, sx, rstd: rstd, gradOut: g, gradGate: store.buffer(ig, count: sg.count),
                                            gradX: store.buffer(ix, count: sx.count), rows: rows, n: n)
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
