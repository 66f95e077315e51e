// LayerNorm and RMSNorm over the last axis as differentiable ops.

extension Tensor {
    /// (x − mean)/sqrt(var + ε) · γ + β over the last axis; γ, β: [last].
    public func layerNorm(gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let n = shape.last, rows = count / max(1, n)
        precondition(gamma.count == n && beta.count == n, "layer norm parameters must have \(n) entries")
        let kernels = self.kernels
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let mean = kernels.allocate(rows), rstd = kernels.allocate(rows)
        kernels.layerNormForward(storage, gamma: gamma.storage, beta: beta.storage, out.storage, mean: mean, rstd: rstd,
                                 rows: rows, n: n, epsilon: epsilon)
        let x = storage, sg = gamma.storage, ix = trackedId, ig = gamma.trackedId, ib = beta.trackedId
        return Tensor.record(out, inputs: self, gamma, beta) { store, g in
            kernels.layerNormBackward(x, gamma: sg, mean: mean, rstd: rstd, gradOut: g, gradX: store.buffer(ix, count: x.count),
                                      gradGamma: store.buffer(ig, count: n), gradBeta: store.buffer(ib, count: n), rows: rows, n: n)
        }
    }

    /// x / sqrt(mean(x²) + ε) · γ over the last axis; γ: [last].
    public func rmsNorm(gamma: Tensor, epsilon: Float = 1e-6) -> Tensor {
        let n = shape.last, rows = count / max(1, n)
        precondition(gamma.count == n, "RMS norm gain must have \(n) entries")
        let kernels = self.kernels
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let rstd = kernels.allocate(rows)
        kernels.rmsNormForward(storage, gamma: gamma.storage, out.storage, rstd: rstd, rows: rows, n: n, epsilon: epsilon)
        let x = storage, sg = gamma.storage, ix = trackedId, ig = gamma.trackedId
        return Tensor.record(out, inputs: self, gamma) { store, g in
            kernels.rmsNormBackward(x, gamma: sg, rstd: rstd, gradOut: g, gradX: store.buffer(ix, count: x.count),
                                    gradGamma: store.buffer(ig, count: n), rows: rows, n: n)
        }
    }
}
