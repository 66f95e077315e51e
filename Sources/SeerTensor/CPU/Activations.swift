// Element-wise activations and their derivatives, 16 lanes at a time (VectorMath). GELU is
// the exact (erf) form, as PyTorch's nn.GELU by default; tanh and sigmoid differentiate
// through their outputs.

extension CPUBackend {
    // x, out: [count]
    public func unaryForward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage) {
        let px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 13) { range in
            switch op {
            case .gelu: VectorMath.geluForward(px, po, range)
            case .silu: VectorMath.siluForward(px, po, range)
            case .tanh: VectorMath.tanhForward(px, po, range)
            case .sigmoid: VectorMath.sigmoidForward(px, po, range)
            case .relu: for i in range { po[i] = max(px[i], 0) }
            }
        }
    }

    // gradX += gradOut · f'(x)
    public func unaryBackward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage) {
        let px = x.pointer, po = out.pointer, g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 13) { range in
            switch op {
            case .gelu: VectorMath.geluBackward(px, g, gx, range)
            case .silu: VectorMath.siluBackward(px, g, gx, range)
            case .tanh: for i in range { gx[i] += g[i] * (1 - po[i] * po[i]) }
            case .sigmoid: for i in range { gx[i] += g[i] * po[i] * (1 - po[i]) }
            case .relu: for i in range where px[i] > 0 { gx[i] += g[i] }
            }
        }
    }
}
