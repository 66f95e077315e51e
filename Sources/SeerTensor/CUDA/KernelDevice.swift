// What the CUDA kernels need from a device: memory, copies across the edge, and launches by
// kernel name with cuLaunchKernel's parameter array. A GPU provides it through the driver
// (DriverDevice); the tests provide it with the CPU emulator, so every launch the backend makes
// — argument marshalling, grid sizes, scratch buffers — runs and is checked on machines with no GPU.

/// A device address (CUdeviceptr). 0 is the null pointer, for optional arguments.
public typealias DevicePointer = UInt64

/// One argument of a kernel launch, in the C type the kernel declares.
public enum KernelArgument: Sendable {
    /// A pointer (`float *`, `double *`, `int *`); 0 passes NULL.
    case pointer(DevicePointer)
    case float(Float)
    /// A C `int`.
    case int(Int32)
    /// A C `long` (64-bit on every platform CUDA supports): element counts and sizes.
    case long(Int)
}

/// Memory and kernel launches on one device.
public protocol KernelDevice: Sendable {
    /// `bytes` of device memory (contents undefined).
    func allocate(bytes: Int) throws -> DevicePointer
    func free(_ pointer: DevicePointer)
    func upload(_ source: UnsafeRawPointer, to destination: DevicePointer, bytes: Int) throws
    func download(_ source: DevicePointer, to destination: UnsafeMutableRawPointer, bytes: Int) throws
    /// Sets `count` 32-bit words at `destination` to `pattern`.
    func fill(_ destination: DevicePointer, pattern: UInt32, count: Int) throws
    /// Runs `kernel` on `grid` blocks of `block` threads; `parameters[i]` points at argument i.
    func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws
    /// A column-major strided-batched single-precision GEMM (cuBLAS's `cublasSgemmStridedBatched`
    /// on a GPU), in order with the launches.
    func gemm(_ product: ColumnMajorGEMM) throws
}

extension KernelDevice {
    /// A new device array holding `values` (at least 4 bytes; the caller frees it).
    public func copyToDevice<T: BitwiseCopyable>(_ values: [T]) throws -> DevicePointer {
        let pointer = try allocate(bytes: max(1, values.count) * MemoryLayout<T>.stride)
        do {
            try values.withUnsafeBytes { if $0.count > 0 { try upload($0.baseAddress!, to: pointer, bytes: $0.count) } }
        } catch {
            free(pointer)
            throw error
        }
        return pointer
    }

    /// `count` elements of type `T` read back from `pointer`.
    public func copyFromDevice<T: BitwiseCopyable>(_ pointer: DevicePointer, count: Int, as type: T.Type = T.self) throws -> [T] {
        // Never at capacity 0: that writes the stdlib's shared empty array (see SafeTensors.values).
        guard count > 0 else { return [] }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try download(pointer, to: UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count * MemoryLayout<T>.stride)
            initialized = count
        }
    }

    /// Launches `kernel` with `arguments`, one 8-byte slot each (every argument type fits one).
    func launch(_ kernel: String, grid: Int, block: Int = KernelGrid.blockSize, _ arguments: [KernelArgument]) throws {
        let slots = UnsafeMutableRawPointer.allocate(byteCount: max(1, arguments.count) * 8, alignment: 8)
        let parameters = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: max(1, arguments.count))
        defer {
            slots.deallocate()
            parameters.deallocate()
        }
        for (i, argument) in arguments.enumerated() {
            let slot = slots + 8 * i
            switch argument {
            case .pointer(let value): slot.storeBytes(of: value, as: UInt64.self)
            case .float(let value): slot.storeBytes(of: value, as: Float.self)
            case .int(let value): slot.storeBytes(of: value, as: Int32.self)
            case .long(let value): slot.storeBytes(of: value, as: Int.self)
            }
            parameters[i] = slot
        }
        try launch(kernel, grid: (grid, 1, 1), block: (block, 1, 1), parameters: parameters)
    }
}

/// Launch sizes: 256-thread blocks (the kernels' shared-memory reductions assume it), and enough
/// blocks to cover the elements once, capped — the kernels loop over the rest (grid-stride).
public enum KernelGrid {
    public static let blockSize = 256
    /// Most blocks a launch uses: several per multiprocessor on the largest GPUs.
    public static let maximumBlocks = 4096

    /// Blocks for `count` elements, one per thread, at least 1.
    public static func blocks(for count: Int) -> Int {
        min(maximumBlocks, max(1, (count + blockSize - 1) / blockSize))
    }
}
