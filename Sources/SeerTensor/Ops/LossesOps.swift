// Loss functions as differentiable ops; each returns a one-element tensor.

extension Tensor {
    /// Mean cross-entropy of `logits` ([..., classes]) against class indices (one per row),
    /// optionally weighted per class (weighted mean, as PyTorch's).
    public func crossEntropy(targets: [Int32], classWeights: Tensor? = nil) -> Tensor {
        let classes = shape.last, rows = count / max(1, classes)
        precondition(targets.count == rows, "\(targets.count) targets for \(rows) rows of logits")
        precondition(targets.allSatisfy { $0 >= 0 && Int($0) < classes }, "a target class lies outside 0..<\(classes)")
        if let classWeights {
            precondition(classWeights.count == classes, "class weights must have \(classes) entries")
            precondition(classWeights.device == device, "class weights on \(classWeights.device) for logits on \(device)")
        }
        let kernels = self.kernels
        let probabilities = kernels.allocate(count)
        let loss = kernels.crossEntropyForward(storage, targets: targets, weights: classWeights?.storage,
                                               probabilities: probabilities, rows: rows, classes: classes)
        let out = Tensor([loss], shape: [1])
        let id = trackedId, weights = classWeights?.storage, n = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: n) {
                kernels.crossEntropyBackward(probabilities: probabilities, targets: targets, weights: weights,
                                             gradLoss: g.firstElement, gradLogits: gx, rows: rows, classes: classes)
            }
        }
    }

    /// Mean of a regression loss between `self` (prediction) and `target` (same shape).
    public func regressionLoss(_ loss: RegressionLoss, target: Tensor) -> Tensor {
        precondition(shape == target.shape, "prediction \(shape) and target \(target.shape) differ")
        let kernels = self.kernels
        let value = kernels.regressionLossForward(loss, storage, target.storage)
        let out = Tensor([value], shape: [1])
        let p = storage, t = target.storage, ip = trackedId, it = target.trackedId
        return Tensor.record(out, inputs: self, target) { store, g in
            kernels.regressionLossBackward(loss, p, t, gradLoss: g.firstElement, gradPrediction: store.buffer(ip, count: p.count),
                                           gradTarget: store.buffer(it, count: t.count))
        }
    }

    public func mseLoss(_ target: Tensor) -> Tensor { regressionLoss(.mse, target: target) }
    public func maeLoss(_ target: Tensor) -> Tensor { regressionLoss(.mae, target: target) }
    public func huberLoss(_ target: Tensor, delta: Float = 1) -> Tensor { regressionLoss(.huber(delta: delta), target: target) }
}
