// Element-wise activations and their derivatives; the transcendental ones run in CVectorMath
// (vectorised, AVX2+FMA when available). GELU is the exact (erf) form, as PyTorch's nn.GELU by
// default; tanh and sigmoid differentiate through their outputs.
import CVectorMath

extension CPUBackend {
    // x, out: [count]
    public func unaryForward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage) {
        let px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 13) { range in
            switch op {
            case .gelu: seer_gelu_forward(px + range.lowerBound, po + range.lowerBound, range.count)
            case .silu: seer_silu_forward(px + range.lowerBound, po + range.lowerBound, range.count)
            case .tanh: seer_tanh_forward(px + range.lowerBound, po + range.lowerBound, range.count)
            case .sigmoid: seer_sigmoid_forward(px + range.lowerBound, po + range.lowerBound, range.count)
            case .relu: for i in range { po[i] = max(px[i], 0) }
            }
        }
    }

    // gradX += gradOut · f'(x)
    public func unaryBackward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage) {
        let px = x.pointer, po = out.pointer, g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 13) { range in
            switch op {
            case .gelu: seer_gelu_backward(px + range.lowerBound, g + range.lowerBound, gx + range.lowerBound, range.count)
            case .silu: seer_silu_backward(px + range.lowerBound, g + range.lowerBound, gx + range.lowerBound, range.count)
            case .tanh: for i in range { gx[i] += g[i] * (1 - po[i] * po[i]) }
            case .sigmoid: for i in range { gx[i] += g[i] * po[i] * (1 - po[i]) }
            case .relu: for i in range where px[i] > 0 { gx[i] += g[i] }
            }
        }
    }
}
