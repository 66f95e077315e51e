// A KernelDevice on the CPU for tests: host memory stands in for device memory (a device pointer
// is a host address) and launches go to the CUDA emulator, which runs the same .cu files the GPU
// gets. Everything above the driver — CUDAKernels' marshalling and grid sizes — runs unchanged.
// A library of its own so the tensor and the model tests can both train on it; no product or
// shipped target depends on it.
import CCUDAEmulator
import Glibc
import SeerTensor

/// A failure inside the emulated device.
public struct EmulatorError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// The CUDA emulator as a KernelDevice.
public final class EmulatedDevice: KernelDevice, @unchecked Sendable {
    public init() {}

    public func allocate(bytes: Int) throws -> DevicePointer {
        guard let raw = malloc(max(bytes, 4)) else { throw EmulatorError(description: "out of host memory") }
        return DevicePointer(UInt(bitPattern: raw))
    }

    public func free(_ pointer: DevicePointer) { Glibc.free(Self.address(pointer)) }

    public func upload(_ source: UnsafeRawPointer, to destination: DevicePointer, bytes: Int) throws {
        Self.address(destination)!.copyMemory(from: source, byteCount: bytes)
    }

    public func download(_ source: DevicePointer, to destination: UnsafeMutableRawPointer, bytes: Int) throws {
        destination.copyMemory(from: Self.address(source)!, byteCount: bytes)
    }

    public func fill(_ destination: DevicePointer, pattern: UInt32, count: Int) throws {
        Self.address(destination)!.bindMemory(to: UInt32.self, capacity: count).update(repeating: pattern, count: count)
    }

    public func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        let status = seer_emulator_launch(kernel, UInt32(grid.0), UInt32(grid.1), UInt32(grid.2), UInt32(block.0), UInt32(block.1),
                                          UInt32(block.2), parameters)
        if status != 0 { throw EmulatorError(description: "the emulator has no kernel named \(kernel)") }
    }

    /// cuBLAS's column-major GEMM written out plainly (β = 0 ignores C, as cuBLAS does), so the
    /// row-major-to-column-major operand swap above it is checked against OpenBLAS's row-major one.
    public func gemm(_ g: ColumnMajorGEMM) throws {
        func floats(_ pointer: DevicePointer) -> UnsafeMutablePointer<Float> { UnsafeMutablePointer(bitPattern: UInt(pointer))! }
        for i in 0..<g.batch {
            let a = floats(g.a) + i * g.strideA, b = floats(g.b) + i * g.strideB, c = floats(g.c) + i * g.strideC
            for column in 0..<g.n {
                for row in 0..<g.m {
                    var sum: Float = 0
                    for p in 0..<g.k {
                        sum += (g.transA ? a[p + row * g.lda] : a[row + p * g.lda]) * (g.transB ? b[column + p * g.ldb] : b[p + column * g.ldb])
                    }
                    let out = c + row + column * g.ldc
                    out.pointee = g.alpha * sum + (g.beta == 0 ? 0 : g.beta * out.pointee)
                }
            }
        }
    }

    /// A device copy of `values` (freed by the caller, or left to the test process).
    public func put(_ values: [Float]) throws -> DevicePointer { try copyToDevice(values) }

    /// `count` floats read back from `pointer`.
    public func get(_ pointer: DevicePointer, count: Int) throws -> [Float] { try copyFromDevice(pointer, count: count) }

    /// The names of the kernels the emulator was built with.
    public static var kernelNames: [String] {
        (0..<Int(seer_emulator_kernel_count())).map { String(cString: seer_emulator_kernel_name(Int32($0))) }
    }

    private static func address(_ pointer: DevicePointer) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: UInt(pointer))
    }
}

/// The emulator passed through, for test devices that break one thing (a kernel, a product) to
/// show that a check notices: subclasses override `launch` or `gemm`.
open class ForwardingDevice: KernelDevice, @unchecked Sendable {
    public let inner = EmulatedDevice()
    public init() {}
    open func allocate(bytes: Int) throws -> DevicePointer { try inner.allocate(bytes: bytes) }
    open func free(_ pointer: DevicePointer) { inner.free(pointer) }
    open func upload(_ source: UnsafeRawPointer, to destination: DevicePointer, bytes: Int) throws {
        try inner.upload(source, to: destination, bytes: bytes)
    }
    open func download(_ source: DevicePointer, to destination: UnsafeMutableRawPointer, bytes: Int) throws {
        try inner.download(source, to: destination, bytes: bytes)
    }
    open func fill(_ destination: DevicePointer, pattern: UInt32, count: Int) throws { try inner.fill(destination, pattern: pattern, count: count) }
    open func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                     parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        try inner.launch(kernel, grid: grid, block: block, parameters: parameters)
    }
    open func gemm(_ product: ColumnMajorGEMM) throws { try inner.gemm(product) }
}
