// Element-wise binary ops with broadcasting of B over leading axes, and scaling. Forward loops
// are split into contiguous chunks across threads; the reductions for a broadcast B's gradient
// run in one fixed order so results do not depend on scheduling.

extension CPUBackend {
    // a, out: [outer, inner]; b: [outer, inner] or [inner] (broadcastB)
    public func binaryForward(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, _ out: TensorStorage,
                              outer: Int, inner: Int, broadcastB: Bool) {
        let pa = a.pointer, pb = b.pointer, po = out.pointer
        if broadcastB {
            // Chunks of whole rows, so b is indexed without a division per element.
            Parallelism.forEachChunk(outer, grain: max(1, (1 << 14) / max(1, inner))) { rows in
                for o in rows {
                    let x = pa + o * inner, y = po + o * inner
                    switch op {
                    case .add: for i in 0..<inner { y[i] = x[i] + pb[i] }
                    case .sub: for i in 0..<inner { y[i] = x[i] - pb[i] }
                    case .mul: for i in 0..<inner { y[i] = x[i] * pb[i] }
                    case .div: for i in 0..<inner { y[i] = x[i] / pb[i] }
                    }
                }
            }
            return
        }
        Parallelism.forEachChunk(outer * inner) { range in
            switch op {
            case .add: for idx in range { po[idx] = pa[idx] + pb[idx] }
            case .sub: for idx in range { po[idx] = pa[idx] - pb[idx] }
            case .mul: for idx in range { po[idx] = pa[idx] * pb[idx] }
            case .div: for idx in range { po[idx] = pa[idx] / pb[idx] }
            }
        }
    }

    public func binaryBackward(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, gradOut: TensorStorage,
                               gradA: TensorStorage?, gradB: TensorStorage?, outer: Int, inner: Int, broadcastB: Bool) {
        let pa = a.pointer, pb = b.pointer, g = gradOut.pointer
        let count = outer * inner
        if let gradA {
            let ga = gradA.pointer
            switch op {
            case .add, .sub:
                Parallelism.forEachChunk(count) { range in for idx in range { ga[idx] += g[idx] } }
            case .mul, .div:
                Parallelism.forEachChunk(outer, grain: max(1, (1 << 14) / max(1, inner))) { rows in
                    for o in rows {
                        let base = o * inner, y = broadcastB ? pb : pb + base
                        if op == .mul {
                            for i in 0..<inner { ga[base + i] += g[base + i] * y[i] }
                        } else {
                            for i in 0..<inner { ga[base + i] += g[base + i] / y[i] }
                        }
                    }
                }
            }
        }
        guard let gradB else { return }
        let gb = gradB.pointer
        // d(a∘b)/db: 1, −1, a, −a/b²
        @inline(__always) func term(_ idx: Int, _ j: Int) -> Float {
            switch op {
            case .add: return g[idx]
            case .sub: return -g[idx]
            case .mul: return g[idx] * pa[idx]
            case .div: return -g[idx] * pa[idx] / (pb[j] * pb[j])
            }
        }
        if broadcastB {
            for o in 0..<outer {
                let base = o * inner
                for i in 0..<inner { gb[i] += term(base + i, i) }
            }
        } else {
            Parallelism.forEachChunk(count) { range in
                for idx in range { gb[idx] += term(idx, idx) }
            }
        }
    }

    // g: [outer, inner]; into: [inner]. Column blocks in parallel, each summing every row.
    public func reduceLeading(_ g: TensorStorage, into: TensorStorage, outer: Int, inner: Int, negated: Bool) {
        let src = g.pointer, dst = into.pointer, sign: Float = negated ? -1 : 1
        let blocks = (inner + 15) / 16
        Parallelism.forEachChunk(blocks, grain: max(1, 16_384 / max(1, outer * 16))) { range in
            let lo = range.lowerBound * 16, hi = min(inner, range.upperBound * 16)
            for o in 0..<outer {
                let row = src + o * inner
                for i in lo..<hi { dst[i] += sign * row[i] }
            }
        }
    }

    // x, out: [count]
    public func scaleForward(_ x: TensorStorage, _ s: Float, _ out: TensorStorage) {
        let px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(x.count) { range in for i in range { po[i] = px[i] * s } }
    }

    public func scaleBackward(_ s: Float, gradOut: TensorStorage, gradX: TensorStorage) {
        let g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(gradX.count) { range in for i in range { gx[i] += g[i] * s } }
    }
}
