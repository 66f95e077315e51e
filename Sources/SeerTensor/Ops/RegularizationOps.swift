// Dropout: identity at inference, an inverted seeded mask in training.

extension Tensor {
    /// Zeroes each element with probability `probability` and scales the rest by 1/(1−p); the
    /// mask depends only on `seed` and the element index. Returns `self` when `probability` is 0.
    public func dropout(probability: Float, seed: UInt64) -> Tensor {
        precondition(probability >= 0 && probability < 1, "dropout probability must lie in [0, 1)")
        guard probability > 0 else { return self }
        let kernels = self.kernels
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let mask = kernels.allocate(count)
        kernels.dropoutForward(storage, out.storage, mask: mask, probability: probability, seed: seed)
        let id = trackedId, n = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: n) { kernels.dropoutBackward(mask: mask, gradOut: g, gradX: gx) }
        }
    }
}
