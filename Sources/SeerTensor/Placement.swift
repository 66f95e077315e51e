// Data crossing between the host and a device. Ops never copy between devices themselves — every
// operand of an op must live where the op runs (Tracking.swift checks it) — so the only copies
// are the explicit ones here, at the edges: a batch of data or a constant (a mask, positions)
// going to where the weights are, and results coming back.

extension Tensor {
    /// The same values on `device`: `self` when already there, otherwise a copy (uploaded or
    /// downloaded). For data and constants only: a tracked tensor cannot move, because its
    /// gradient would stay behind.
    public func moved(to device: Device) -> Tensor {
        guard device != self.device else { return self }
        precondition(!isTracked, "a tracked tensor cannot move from \(self.device) to \(device); move the data before the ops")
        let target = loadedBackend(device)
        let values = array  // downloaded when this tensor is on a device
        if device == .cpu { return Tensor(values, shape: shape) }
        let storage = target.allocate(count)
        target.upload(values, into: storage)
        return Tensor(shape: shape, storage: storage)
    }

    /// A tensor holding a copy of `values` with `shape`, on `device`.
    public init(_ values: [Float], shape: Shape, on device: Device) {
        self = Tensor(values, shape: shape).moved(to: device)
    }

    /// Zeros of `shape` on `device`.
    public static func zeros(_ shape: Shape, on device: Device) -> Tensor {
        Tensor(shape: shape, storage: loadedBackend(device).zeros(shape.count))
    }

    /// `value` everywhere in `shape`, on `device`.
    public static func filled(_ shape: Shape, with value: Float, on device: Device) -> Tensor {
        let kernels = loadedBackend(device)
        let storage = kernels.allocate(shape.count)
        kernels.fill(storage, with: value)
        return Tensor(shape: shape, storage: storage)
    }
}
