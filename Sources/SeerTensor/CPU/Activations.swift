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

    /// Gates are processed in blocks of this many elements: σ(gate) of a block is computed by the
    /// vectorised kernel into a stack buffer and used while the block is still in L1.
    static let gateBlock = 512

    // out = f(gate) ⊙ x; f = σ or SiLU (g·σ(g))
    public func gatedForward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, _ out: TensorStorage) {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        let pg = gate.pointer, px = x.pointer, po = out.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 13) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.gateBlock) { s in
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(Self.gateBlock, range.upperBound - start)
                    seer_sigmoid_forward(pg + start, s.baseAddress!, n)
                    if op == .sigmoid {
                        for i in 0..<n { po[start + i] = s[i] * px[start + i] }
                    } else {
                        for i in 0..<n { po[start + i] = pg[start + i] * s[i] * px[start + i] }
                    }
                    start += n
                }
            }
        }
    }

    // gradGate += g ⊙ x ⊙ f'(gate), gradX += g ⊙ f(gate); σ' = σ(1 − σ), SiLU' = σ(1 + g(1 − σ))
    public func gatedBackward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, gradOut: TensorStorage, gradGate: TensorStorage?,
                              gradX: TensorStorage?) {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        guard gradGate != nil || gradX != nil else { return }
        let pg = gate.pointer, px = x.pointer, g = gradOut.pointer
        let dg = gradGate?.pointer, dx = gradX?.pointer
        Parallelism.forEachChunk(x.count, grain: 1 << 13) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * Self.gateBlock) { buffer in
                let s = UnsafeMutableBufferPointer(rebasing: buffer[0..<Self.gateBlock])
                let t = UnsafeMutableBufferPointer(rebasing: buffer[Self.gateBlock...])
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(Self.gateBlock, range.upperBound - start)
                    seer_sigmoid_forward(pg + start, s.baseAddress!, n)
                    // f(gate) into s and x ⊙ f'(gate) into t, then the two accumulations: plain
                    // loops over unit strides that the compiler vectorises.
                    let gb = g + start, xb = px + start, ab = pg + start, sb = s.baseAddress!, tb = t.baseAddress!
                    if op == .sigmoid {
                        for i in 0..<n { tb[i] = xb[i] * sb[i] * (1 - sb[i]) }
                    } else {
                        for i in 0..<n {
                            let sigma = sb[i], a = ab[i]
                            tb[i] = xb[i] * sigma * (1 + a * (1 - sigma))
                            sb[i] = a * sigma
                        }
                    }
                    if let dx { let d = dx + start; for i in 0..<n { d[i] += gb[i] * sb[i] } }
                    if let dg { let d = dg + start; for i in 0..<n { d[i] += gb[i] * tb[i] } }
                    start += n
                }
            }
        }
    }

    // out = f(gate) ⊙ x·r per row, r = 1/sqrt(mean(x²) + ε); rows are taken a block at a time so
    // that σ(gate) of the block comes from the vectorised kernel into a stack buffer.
    public func normalizedGatedForward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, _ out: TensorStorage, rstd: TensorStorage,
                                       rows: Int, n: Int, epsilon: Float) {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        let pg = gate.pointer, px = x.pointer, po = out.pointer, pr = rstd.pointer
        let blockRows = max(1, Self.gateBlock / max(1, n))
        Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, n))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: blockRows * n) { s in
                var first = range.lowerBound
                while first < range.upperBound {
                    let count = min(blockRows, range.upperBound - first)
                    seer_sigmoid_forward(pg + first * n, s.baseAddress!, count * n)
                    for r in 0..<count {
                        let row = px + (first + r) * n, g = pg + (first + r) * n, o = po + (first + r) * n, sr = s.baseAddress! + r * n
                        let inv = 1 / (VectorMath.sumOfSquares(row, n) / Float(n) + epsilon).squareRoot()
                        pr[first + r] = inv
                        if op == .sigmoid {
                            for j in 0..<n { o[j] = sr[j] * row[j] * inv }
                        } else {
                            for j in 0..<n { o[j] = g[j] * sr[j] * row[j] * inv }
                        }
                    }
                    first += count
                }
            }
        }
    }

    // With n̂ = x·r and f = f(gate): dgate += dy ⊙ n̂ ⊙ f'(gate); dn̂ = dy ⊙ f;
    // dx += r·(dn̂ − n̂·mean(dn̂ ⊙ n̂)).
    public func normalizedGatedBackward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, rstd: TensorStorage,
                                        gradOut: TensorStorage, gradGate: TensorStorage?, gradX: TensorStorage?, rows: Int, n: Int) {
        precondition(op == .sigmoid || op == .silu, "gates are sigmoid or SiLU, not \(op)")
        guard gradGate != nil || gradX != nil else { return }
        let pg = gate.pointer, px = x.pointer, pr = rstd.pointer, gy = gradOut.pointer
        let dg = gradGate?.pointer, dx = gradX?.pointer
        let blockRows = max(1, Self.gateBlock / max(1, n))
        Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, n))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: blockRows * n + 3 * n) { buffer in
                let s = buffer.baseAddress!, dn = s + blockRows * n, normed = dn + n, dgate = normed + n
                var first = range.lowerBound
                while first < range.upperBound {
                    let count = min(blockRows, range.upperBound - first)
                    seer_sigmoid_forward(pg + first * n, s, count * n)
                    for r in 0..<count {
                        let offset = (first + r) * n, inv = pr[first + r]
                        let row = px + offset, g = pg + offset, y = gy + offset, sr = s + r * n
                        // Unit-stride loops without reductions (vectorised); the one sum is dot's.
                        for j in 0..<n { normed[j] = row[j] * inv }
                        if op == .sigmoid {
                            for j in 0..<n {
                                let sigma = sr[j]
                                dn[j] = y[j] * sigma
                                dgate[j] = y[j] * normed[j] * sigma * (1 - sigma)
                            }
                        } else {
                            for j in 0..<n {
                                let sigma = sr[j], a = g[j]
                                dn[j] = y[j] * a * sigma
                                dgate[j] = y[j] * normed[j] * sigma * (1 + a * (1 - sigma))
                            }
                        }
                        if let dg { let d = dg + offset; for j in 0..<n { d[j] += dgate[j] } }
                        if let dx {
                            let mean = VectorMath.dot(dn, normed, n) / Float(n), d = dx + offset
                            for j in 0..<n { d[j] += inv * (dn[j] - normed[j] * mean) }
                        }
                    }
                    first += count
                }
            }
        }
    }
}
