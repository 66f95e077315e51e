// Softmax and log-softmax over the last axis.

extension Tensor {
    public func softmax() -> Tensor { softmax(log: false) }
    public func logSoftmax() -> Tensor { softmax(log: true) }

    func softmax(log: Bool) -> Tensor {
        let n = shape.last, rows = count / max(1, n)
        let out = Tensor(shape: shape, storage: kernels.allocate(count))
        let kernels = self.kernels
        kernels.softmaxForward(storage, out.storage, rows: rows, n: n, log: log)
        let y = out.storage, id = trackedId, total = count
        return Tensor.record(out, inputs: self) { store, g in
            if let gx = store.buffer(id, count: total) {
                kernels.softmaxBackward(y, gradOut: g, gradX: gx, rows: rows, n: n, log: log)
            }
        }
    }
}
