// Element-wise activations and their derivatives. GELU is the exact (erf) form, as PyTorch's
// nn.GELU by default; tanh and sigmoid differentiate through their outputs.
#if canImport(Glibc)
import Glibc
#endif

extension CPUBackend {
    // x, out: [count]
    public func unaryForward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage) {
        let px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 12) { range in
            switch op {
            case .gelu: for i in range { po[i] = 0.5 * px[i] * (1 + erff(px[i] * 0.70710678118654752)) }
            case .silu: for i in range { po[i] = px[i] / (1 + expf(-px[i])) }
            case .tanh: for i in range { po[i] = tanhf(px[i]) }
            case .sigmoid: for i in range { po[i] = 1 / (1 + expf(-px[i])) }
            case .relu: for i in range { po[i] = max(px[i], 0) }
            }
        }
    }

    // gradX += gradOut · f'(x)
    public func unaryBackward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage) {
        let px = x.pointer, po = out.pointer, g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 12) { range in
            switch op {
            case .gelu:
                // d/dx ½x(1 + erf(x/√2)) = ½(1 + erf(x/√2)) + x·φ(x)
                for i in range {
                    let v = px[i]
                    let cdf = 0.5 * (1 + erff(v * 0.70710678118654752))
                    let pdf = 0.39894228040143268 * expf(-0.5 * v * v)
                    gx[i] += g[i] * (cdf + v * pdf)
                }
            case .silu:
                for i in range {
                    let s = 1 / (1 + expf(-px[i]))
                    gx[i] += g[i] * s * (1 + px[i] * (1 - s))
                }
            case .tanh: for i in range { gx[i] += g[i] * (1 - po[i] * po[i]) }
            case .sigmoid: for i in range { gx[i] += g[i] * po[i] * (1 - po[i]) }
            case .relu: for i in range where px[i] > 0 { gx[i] += g[i] }
            }
        }
    }
}
