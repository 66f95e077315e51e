// Sum (and, with scale = 1/dim, mean) over one axis: x viewed as [outer, dim, inner].

extension CPUBackend {
    // x: [outer, dim, inner] → out: [outer, inner]
    public func reduceSumForward(_ x: TensorStorage, _ out: TensorStorage, outer: Int, dim: Int, inner: Int, scale: Float) {
        let px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(outer, grain: max(1, (1 << 14) / max(1, dim * inner))) { range in
            for o in range {
                let dst = po + o * inner
                dst.update(repeating: 0, count: inner)
                for d in 0..<dim {
                    let src = px + (o * dim + d) * inner
                    for i in 0..<inner { dst[i] += src[i] }
                }
                for i in 0..<inner { dst[i] *= scale }
            }
        }
    }

    // gradX[o, d, i] += scale · gradOut[o, i]
    public func reduceSumBackward(gradOut: TensorStorage, gradX: TensorStorage, outer: Int, dim: Int, inner: Int, scale: Float) {
        let g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(outer, grain: max(1, (1 << 14) / max(1, dim * inner))) { range in
            for o in range {
                let src = g + o * inner
                for d in 0..<dim {
                    let dst = gx + (o * dim + d) * inner
                    for i in 0..<inner { dst[i] += scale * src[i] }
                }
            }
        }
    }
}
