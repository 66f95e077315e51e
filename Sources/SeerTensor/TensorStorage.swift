// The memory behind a tensor: one 64-byte aligned Float32 buffer (cache-line and AVX-512
// friendly), owned by a final class so tensors can share it by reference. Value semantics come
// from the ops: they never write into an input's storage, except gradient accumulation and the
// optimiser, which own their buffers.

/// A Float32 buffer on a device.
public final class TensorStorage: @unchecked Sendable {
    public let count: Int
    public let device: Device
    /// The CPU buffer (64-byte aligned). Always valid for `count` elements on `.cpu`.
    public let pointer: UnsafeMutablePointer<Float>
    /// The storage this one is a window into (kept alive by it), or nil when it owns its memory.
    public let base: TensorStorage?

    /// Uninitialised storage for `count` floats.
    public init(count: Int, device: Device = .cpu) {
        precondition(count >= 0, "negative storage size")
        self.count = count
        self.device = device
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base = nil
    }

    /// A window of `count` floats starting `offset` floats into `base` (which it keeps alive).
    /// Parameter groups use this to lay many parameters out in one flat buffer.
    public init(viewing base: TensorStorage, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= base.count, "view outside its base storage")
        self.count = count
        device = base.device
        pointer = base.pointer + offset
        self.base = base
    }

    /// Zero-filled storage.
    public convenience init(zeros count: Int, device: Device = .cpu) {
        self.init(count: count, device: device)
        pointer.initialize(repeating: 0, count: count)
    }

    /// Storage holding a copy of `values`.
    public convenience init(_ values: [Float], device: Device = .cpu) {
        self.init(count: values.count, device: device)
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        if base == nil { UnsafeMutableRawPointer(pointer).deallocate() }
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A copy of the contents.
    public var array: [Float] { Array(buffer) }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// A new storage with the same contents.
    public func copy() -> TensorStorage {
        let out = TensorStorage(count: count, device: device)
        out.pointer.update(from: pointer, count: count)
        return out
    }
}
