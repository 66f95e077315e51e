// The memory behind a tensor: one 64-byte aligned Float32 buffer (cache-line and AVX-512
// friendly), owned by a final class so tensors can share it by reference. Value semantics come
// from the ops: they never write into an input's storage, except gradient accumulation and the
// optimiser, which own their buffers.

import SeerBase
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Bytes held by tensor storages (views excluded): what is live now and the most live since the
/// last `resetPeak()`. Benchmarks read activation memory from it — the peak during a training
/// step minus what was live before the step (parameters, gradients, optimiser state).
public enum TensorMemory {
    static let liveBytes = Atomic<Int>(0)
    static let peakBytes = Atomic<Int>(0)

    public static var live: Int { liveBytes.load(ordering: .relaxed) }
    public static var peak: Int { peakBytes.load(ordering: .relaxed) }

    /// Returns idle cached buffers to the system.
    public static func releaseCachedBuffers() { BufferCache.trim() }

    /// Starts a new peak measurement from the current live bytes.
    public static func resetPeak() { peakBytes.store(live, ordering: .relaxed) }

    static func allocated(_ bytes: Int) {
        let now = liveBytes.add(bytes, ordering: .relaxed).newValue
        var peak = peakBytes.load(ordering: .relaxed)
        while now > peak {
            let (exchanged, original) = peakBytes.compareExchange(expected: peak, desired: now, ordering: .relaxed)
            if exchanged { break }
            peak = original
        }
    }

    static func released(_ bytes: Int) { liveBytes.subtract(bytes, ordering: .relaxed) }
}

/// Recycles large buffers by exact size. A training step frees and re-allocates the same
/// activation and gradient sizes every step; handing them back to the kernel and faulting fresh
/// zero pages in again cost ~10 % of a GPT step (measured with perf: clear_page, page faults).
/// Buffers of 64 KiB and more are kept, up to `limit` bytes in all; smaller ones go to malloc.
enum BufferCache {
    static let minimumBytes = 1 << 16
    /// Most bytes kept idle in the cache: a quarter of physical memory, capped at 8 GiB. A step's
    /// activations and gradients must fit, or every step faults part of them in afresh (with a
    /// 1 GiB cap, DiJiang at T = 4096 — 2 GiB of activations — spent 20× longer in its GELU and
    /// softmax backwards than at T = 1024 per token).
    static let limit: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        let physical = pages > 0 && pageSize > 0 ? pages * pageSize : 4 << 30
        return min(8 << 30, max(1 << 30, physical / 4))
    }()
    /// Idle buffers by byte size, as addresses (raw pointers are not Sendable).
    private static let state = Locked<(free: [Int: [UInt]], idleBytes: Int)>(([:], 0))

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= minimumBytes {
            let reused: UInt? = state.withLock { cache in
                guard let address = cache.free[bytes]?.popLast() else { return nil }
                cache.idleBytes -= bytes
                return address
            }
            if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) { return pointer }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    }

    static func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= minimumBytes {
            let kept = state.withLock { cache -> Bool in
                guard cache.idleBytes + bytes <= limit else { return false }
                cache.free[bytes, default: []].append(UInt(bitPattern: pointer))
                cache.idleBytes += bytes
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }

    /// Frees every idle buffer (e.g. after training, before a long idle period).
    static func trim() {
        let idle = state.withLock { cache -> [UInt] in
            let all = cache.free.values.flatMap { $0 }
            cache = ([:], 0)
            return all
        }
        for address in idle { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
    }
}

/// A Float32 buffer on a device.
public final class TensorStorage: @unchecked Sendable {
    public let count: Int
    public let device: Device
    /// The CPU buffer (64-byte aligned). Always valid for `count` elements on `.cpu`.
    public let pointer: UnsafeMutablePointer<Float>
    /// The storage this one is a window into (kept alive by it), or nil when it owns its memory.
    public let base: TensorStorage?
    /// How device memory this storage owns goes back to its backend (nil: host memory, or a view).
    private let releaseDeviceMemory: (@Sendable (DevicePointer) -> Void)?

    /// Uninitialised host storage for `count` floats. Storage on another device is made by its
    /// backend (`Backend.allocate`), which owns that device's memory.
    public init(count: Int, device: Device = .cpu) {
        precondition(count >= 0, "negative storage size")
        precondition(device == .cpu, "storage on \(device) comes from its backend, not from host memory")
        self.count = count
        self.device = device
        let raw = BufferCache.allocate(bytes: max(count, 1) * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base = nil
        releaseDeviceMemory = nil
        TensorMemory.allocated(count * MemoryLayout<Float>.stride)
    }

    /// Storage for `count` floats in device memory at `address`, which `release` hands back when
    /// the storage goes. Only a device's backend makes these; on the host, `pointer` then holds
    /// the device address (views and offsets work; the host must not read through it).
    public init(deviceMemory address: DevicePointer, count: Int, device: Device, release: @escaping @Sendable (DevicePointer) -> Void) {
        precondition(device != .cpu && count >= 0, "device memory belongs to a device")
        self.count = count
        self.device = device
        pointer = UnsafeMutablePointer(bitPattern: UInt(address)) ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment)!
        base = nil
        releaseDeviceMemory = release
        TensorMemory.allocated(count * MemoryLayout<Float>.stride)
    }

    /// The device address of the first element (on the CPU, the host address).
    public var address: DevicePointer { DevicePointer(UInt(bitPattern: pointer)) }

    /// A window of `count` floats starting `offset` floats into `base` (which it keeps alive).
    /// Parameter groups use this to lay many parameters out in one flat buffer.
    public init(viewing base: TensorStorage, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= base.count, "view outside its base storage")
        self.count = count
        device = base.device
        pointer = base.pointer + offset
        self.base = base
        releaseDeviceMemory = nil
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
        guard base == nil else { return }
        if let releaseDeviceMemory {
            releaseDeviceMemory(address)
        } else {
            BufferCache.release(UnsafeMutableRawPointer(pointer), bytes: max(count, 1) * MemoryLayout<Float>.stride)
        }
        TensorMemory.released(count * MemoryLayout<Float>.stride)
    }

    /// The host buffer (CPU storage only: a device's is read with `array` or `Backend.download`).
    public var buffer: UnsafeMutableBufferPointer<Float> {
        precondition(device == .cpu, "storage on \(device) is not host memory; read it with Backend.download")
        return UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    /// A copy of the contents, in host memory (downloaded from a device).
    public var array: [Float] { device == .cpu ? Array(buffer) : backend.download(self) }

    /// Element 0 (a loss, a scalar's gradient), downloaded from a device.
    public var firstElement: Float { device == .cpu ? pointer[0] : backend.download(TensorStorage(viewing: self, offset: 0, count: 1))[0] }

    /// Sets every element to zero.
    public func zero() {
        if device == .cpu { pointer.update(repeating: 0, count: count) } else { backend.fill(self, with: 0) }
    }

    /// A new storage with the same contents, on the same device.
    public func copy() -> TensorStorage {
        guard device == .cpu else {
            let out = backend.allocate(count)
            backend.copy(self, into: out)
            return out
        }
        let out = TensorStorage(count: count, device: device)
        out.pointer.update(from: pointer, count: count)
        return out
    }
}
