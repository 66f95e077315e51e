// LayerNorm and RMSNorm over the last axis. Row statistics are saved by the forward for the
// backward; the γ/β gradients are summed over rows in a fixed order.

extension CPUBackend {
    // x, out: [rows, n]; γ, β: [n]; mean, rstd: [rows]
    public func layerNormForward(_ x: TensorStorage, gamma: TensorStorage, beta: TensorStorage, _ out: TensorStorage,
                                 mean: TensorStorage, rstd: TensorStorage, rows: Int, n: Int, epsilon: Float) {
        let px = x.pointer, pg = gamma.pointer, pb = beta.pointer, po = out.pointer, pm = mean.pointer, pr = rstd.pointer
        Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, n))) { range in
            for r in range {
                let row = px + r * n, dst = po + r * n
                // One pass for both moments, shifted by the row's first value so the variance
                // does not cancel when the mean is large against the spread.
                let shift = row[0]
                let (sum, squares) = VectorMath.shiftedMoments(row, n, shift: shift)
                let meanOffset = sum / Float(n)
                let mu = shift + meanOffset
                let variance = max(0, squares / Float(n) - meanOffset * meanOffset)
                let inv = 1 / (variance + epsilon).squareRoot()
                pm[r] = mu
                pr[r] = inv
                for j in 0..<n { dst[j] = (row[j] - mu) * inv * pg[j] + pb[j] }
            }
        }
    }

    // x̂ = (x − μ)·r; dx̂ = g·γ; dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)); dγ = Σ g·x̂; dβ = Σ g
    public func layerNormBackward(_ x: TensorStorage, gamma: TensorStorage, mean: TensorStorage, rstd: TensorStorage,
                                  gradOut: TensorStorage, gradX: TensorStorage?, gradGamma: TensorStorage?, gradBeta: TensorStorage?,
                                  rows: Int, n: Int) {
        let px = x.pointer, pg = gamma.pointer, pm = mean.pointer, pr = rstd.pointer, g = gradOut.pointer
        if let gradX {
            let gx = gradX.pointer
            Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, n))) { range in
                for r in range {
                    let row = px + r * n, gr = g + r * n, dx = gx + r * n
                    let mu = pm[r], inv = pr[r]
                    // Σ g·γ and Σ g·γ·(x − μ) on 16 lanes (a scalar float sum stays serial).
                    var sumD = Float16x(), sumDX = Float16x()
                    var j = 0
                    while j + 16 <= n {
                        let d = VectorMath.load(gr + j) * VectorMath.load(pg + j)
                        sumD += d
                        sumDX += d * (VectorMath.load(row + j) - mu)
                        j += 16
                    }
                    if j < n {
                        let d = VectorMath.loadPartial(gr + j, n - j) * VectorMath.loadPartial(pg + j, n - j)
                        sumD += d
                        sumDX += d * (VectorMath.loadPartial(row + j, n - j) - mu)
                    }
                    let meanD = sumD.sum() / Float(n)
                    let meanDX = sumDX.sum() * inv / Float(n)
                    for j in 0..<n {
                        let xhat = (row[j] - mu) * inv
                        dx[j] += inv * (gr[j] * pg[j] - meanD - xhat * meanDX)
                    }
                }
            }
        }
        if gradGamma != nil || gradBeta != nil {
            // Column blocks run in parallel; each walks every row, so no two threads share a sum.
            let gg = gradGamma?.pointer, gb = gradBeta?.pointer
            let blocks = (n + 15) / 16
            Parallelism.forEachChunk(blocks, grain: max(1, 16_384 / max(1, rows * 16))) { blockRange in
                let lo = blockRange.lowerBound * 16, hi = min(n, blockRange.upperBound * 16)
                for r in 0..<rows {
                    let row = px + r * n, gr = g + r * n
                    let mu = pm[r], inv = pr[r]
                    if let gg { for j in lo..<hi { gg[j] += gr[j] * (row[j] - mu) * inv } }
                    if let gb { for j in lo..<hi { gb[j] += gr[j] } }
                }
            }
        }
    }

    // x, out: [rows, n]; γ: [n]; rstd: [rows]
    public func rmsNormForward(_ x: TensorStorage, gamma: TensorStorage, _ out: TensorStorage, rstd: TensorStorage,
                               rows: Int, n: Int, epsilon: Float) {
        let px = x.pointer, pg = gamma.pointer, po = out.pointer, pr = rstd.pointer
        Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, n))) { range in
            for r in range {
                let row = px + r * n, dst = po + r * n
                let inv = 1 / (VectorMath.sumOfSquares(row, n) / Float(n) + epsilon).squareRoot()
                pr[r] = inv
                for j in 0..<n { dst[j] = row[j] * inv * pg[j] }
            }
        }
    }

    // x̂ = x·r; dx̂ = g·γ; dx = r·(dx̂ − x̂·mean(dx̂·x̂)); dγ = Σ g·x̂
    public func rmsNormBackward(_ x: TensorStorage, gamma: TensorStorage, rstd: TensorStorage, gradOut: TensorStorage,
                                gradX: TensorStorage?, gradGamma: TensorStorage?, rows: Int, n: Int) {
        let px = x.pointer, pg = gamma.pointer, pr = rstd.pointer, g = gradOut.pointer
        if let gradX {
            let gx = gradX.pointer
            Parallelism.forEachChunk(rows, grain: max(1, 4096 / max(1, n))) { range in
                for r in range {
                    let row = px + r * n, gr = g + r * n, dx = gx + r * n
                    let inv = pr[r]
                    let meanDX = VectorMath.dot3(gr, pg, row, n) * inv / Float(n)
                    for j in 0..<n { dx[j] += inv * (gr[j] * pg[j] - row[j] * inv * meanDX) }
                }
            }
        }
        if let gradGamma {
            let gg = gradGamma.pointer
            let blocks = (n + 15) / 16
            Parallelism.forEachChunk(blocks, grain: max(1, 16_384 / max(1, rows * 16))) { blockRange in
                let lo = blockRange.lowerBound * 16, hi = min(n, blockRange.upperBound * 16)
                for r in 0..<rows {
                    let row = px + r * n, gr = g + r * n, inv = pr[r]
                    for j in lo..<hi { gg[j] += gr[j] * row[j] * inv }
                }
            }
        }
    }
}
