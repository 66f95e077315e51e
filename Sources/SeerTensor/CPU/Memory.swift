// Memory kernels of the CPU backend: storages in host memory (the exact-size buffer cache of
// TensorStorage), copies, fills and the host transfers that are plain copies here.

extension CPUBackend {
    public func allocate(_ count: Int) -> TensorStorage { TensorStorage(count: count) }

    public func zeros(_ count: Int) -> TensorStorage { TensorStorage(zeros: count) }

    public func copy(_ source: TensorStorage, into destination: TensorStorage) {
        precondition(source.count == destination.count, "copy of \(source.count) floats into \(destination.count)")
        destination.pointer.update(from: source.pointer, count: source.count)
    }

    public func fill(_ destination: TensorStorage, with value: Float) {
        destination.pointer.update(repeating: value, count: destination.count)
    }

    public func upload(_ values: [Float], into destination: TensorStorage) {
        precondition(values.count == destination.count, "upload of \(values.count) floats into \(destination.count)")
        values.withUnsafeBufferPointer { destination.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    public func download(_ source: TensorStorage) -> [Float] { source.array }
}
