// A GPU through the CUDA driver API: the device's primary context, memory, copies, and kernels
// from Seer's .cu files compiled by NVRTC for the device's compute capability on first use
// (PTXCompiler caches them) and loaded as modules once per process.
import CCUDA
import SeerBase

/// A CUDA driver call that failed, with the driver's own words (exit 69: the GPU is not usable).
public struct CUDADriverError: SeerError, Sendable {
    public let call: String
    public let message: String
    public var kind: FailureKind { .unavailable }
    public var description: String { "CUDA \(call) failed: \(message)" }
}

/// One CUDA device, used through the driver API.
public final class DriverDevice: KernelDevice, @unchecked Sendable {
    public let ordinal: Int
    /// The device's name, compute capability (major·10 + minor) and memory in bytes.
    public let name: String
    public let architecture: Int
    public let totalMemory: Int
    private let driver: seer_cuda_driver
    private let context: UnsafeMutableRawPointer
    /// Kernel functions by name, filled once all files are loaded.
    private let functions: Locked<[String: UnsafeMutableRawPointer]> = Locked([:])
    /// cuBLAS's handle in this device's context, created by the first product (cuBLAS is opened only then).
    private let blasHandle: Locked<UnsafeMutableRawPointer?> = Locked(nil)

    /// Opens device `ordinal`: DeviceUnavailable when there is no driver or no such device.
    public init(ordinal: Int) throws {
        let library = try CUDALibraries.driver()
        driver = library.api
        try CUDAProbe.check(.cuda(ordinal))
        var device: Int32 = 0
        try Self.check(driver.cuDeviceGet(&device, Int32(ordinal)), "cuDeviceGet", driver)
        var nameBytes = [CChar](repeating: 0, count: 256)
        try Self.check(driver.cuDeviceGetName(&nameBytes, Int32(nameBytes.count), device), "cuDeviceGetName", driver)
        var major: Int32 = 0, minor: Int32 = 0
        // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75, _MINOR = 76.
        try Self.check(driver.cuDeviceGetAttribute(&major, 75, device), "cuDeviceGetAttribute", driver)
        try Self.check(driver.cuDeviceGetAttribute(&minor, 76, device), "cuDeviceGetAttribute", driver)
        var memory = 0
        try Self.check(driver.cuDeviceTotalMem(&memory, device), "cuDeviceTotalMem", driver)
        var primary: UnsafeMutableRawPointer?
        try Self.check(driver.cuDevicePrimaryCtxRetain(&primary, device), "cuDevicePrimaryCtxRetain", driver)
        guard let primary else { throw CUDADriverError(call: "cuDevicePrimaryCtxRetain", message: "no context") }
        self.ordinal = ordinal
        name = nameBytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        architecture = Int(major) * 10 + Int(minor)
        totalMemory = memory
        context = primary
    }

    public func allocate(bytes: Int) throws -> DevicePointer {
        try makeCurrent()
        var pointer: DevicePointer = 0
        try check(driver.cuMemAlloc(&pointer, max(bytes, 4)), "cuMemAlloc(\(bytes) bytes)")
        return pointer
    }

    public func free(_ pointer: DevicePointer) {
        guard pointer != 0, (try? makeCurrent()) != nil else { return }
        _ = driver.cuMemFree(pointer)
    }

    public func upload(_ source: UnsafeRawPointer, to destination: DevicePointer, bytes: Int) throws {
        try makeCurrent()
        try check(driver.cuMemcpyHtoD(destination, source, bytes), "cuMemcpyHtoD")
    }

    public func download(_ source: DevicePointer, to destination: UnsafeMutableRawPointer, bytes: Int) throws {
        try makeCurrent()
        try check(driver.cuMemcpyDtoH(destination, source, bytes), "cuMemcpyDtoH")
    }

    public func fill(_ destination: DevicePointer, pattern: UInt32, count: Int) throws {
        try makeCurrent()
        try check(driver.cuMemsetD32(destination, pattern, count), "cuMemsetD32")
    }

    public func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                       parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        try makeCurrent()
        let function = try function(named: kernel)
        try check(driver.cuLaunchKernel(function, UInt32(grid.0), UInt32(grid.1), UInt32(grid.2), UInt32(block.0), UInt32(block.1),
                                        UInt32(block.2), 0, nil, parameters, nil), "cuLaunchKernel(\(kernel))")
    }

    /// One strided-batched SGEMM through cuBLAS, on the default stream like the launches, so it
    /// runs in order with them. cuBLAS's default math mode is kept: full FP32, no TF32 tensor-core
    /// rounding, so products match the CPU's to float precision.
    public func gemm(_ g: ColumnMajorGEMM) throws {
        try makeCurrent()
        let blas = try CUDALibraries.cublas().api
        let handle = try blasHandle.withLock { (handle: inout UnsafeMutableRawPointer?) throws(CUDADriverError) -> UnsafeMutableRawPointer in
            if let handle { return handle }
            var created: UnsafeMutableRawPointer?
            try Self.checkBLAS(blas.cublasCreate(&created), "cublasCreate")
            guard let created else { throw CUDADriverError(call: "cublasCreate", message: "no handle") }
            handle = created
            return created
        }
        let sizes = [g.m, g.n, g.k, g.lda, g.ldb, g.ldc, g.batch]
        guard sizes.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }) else {
            throw CUDADriverError(call: "cublasSgemmStridedBatched", message: "a dimension \(sizes) exceeds cuBLAS's 32-bit sizes")
        }
        var alpha = g.alpha, beta = g.beta
        func address(_ pointer: DevicePointer) -> UnsafeMutablePointer<Float>? { UnsafeMutablePointer(bitPattern: UInt(pointer)) }
        // cublasOperation_t: CUBLAS_OP_N = 0, CUBLAS_OP_T = 1.
        try Self.checkBLAS(blas.cublasSgemmStridedBatched(
            handle, g.transA ? 1 : 0, g.transB ? 1 : 0, Int32(g.m), Int32(g.n), Int32(g.k), &alpha,
            address(g.a), Int32(g.lda), Int64(g.strideA), address(g.b), Int32(g.ldb), Int64(g.strideB), &beta,
            address(g.c), Int32(g.ldc), Int64(g.strideC), Int32(g.batch)), "cublasSgemmStridedBatched")
    }

    /// cublasStatus_t's values worth a word; the rest by number.
    private static func checkBLAS(_ status: Int32, _ call: String) throws(CUDADriverError) {
        guard status != 0 else { return }
        let names: [Int32: String] = [1: "not initialized", 3: "allocation failed", 7: "invalid value", 8: "architecture mismatch",
                                      13: "execution failed", 14: "internal error", 15: "not supported"]
        throw CUDADriverError(call: call, message: names[status].map { "\($0) (cuBLAS status \(status))" } ?? "cuBLAS status \(status)")
    }

    /// Waits for every launch so far; kernel faults surface here.
    public func synchronize() throws {
        try makeCurrent()
        try check(driver.cuCtxSynchronize(), "cuCtxSynchronize")
    }

    private func makeCurrent() throws {
        try check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
    }

    /// The kernel function `name`, compiling and loading every kernel file on first use.
    private func function(named name: String) throws -> UnsafeMutableRawPointer {
        if let found = functions.withLock({ $0[name] }) { return found }
        try functions.withLock { table in
            guard table.isEmpty else { return }
            for file in CUDAKernelSources.files {
                let ptx = try PTXCompiler.ptx(for: file.source, file: file.name, architecture: architecture)
                var module: UnsafeMutableRawPointer?
                try check(ptx.ptx.withCString { driver.cuModuleLoadData(&module, $0) }, "cuModuleLoadData(\(file.name))")
                for kernel in CUDAKernelSources.kernelNames(in: file.source) {
                    var function: UnsafeMutableRawPointer?
                    try check(driver.cuModuleGetFunction(&function, module, kernel), "cuModuleGetFunction(\(kernel))")
                    table[kernel] = function
                }
            }
        }
        guard let found = functions.withLock({ $0[name] }) else {
            throw CUDADriverError(call: "launch", message: "no kernel named \(name) in Seer's kernel files")
        }
        return found
    }

    private func check(_ result: Int32, _ call: String) throws(CUDADriverError) { try Self.check(result, call, driver) }

    private static func check(_ result: Int32, _ call: String, _ driver: seer_cuda_driver) throws(CUDADriverError) {
        guard result != 0 else { return }
        var text: UnsafePointer<CChar>?
        _ = driver.cuGetErrorString(result, &text)
        throw CUDADriverError(call: call, message: text.map { String(cString: $0) } ?? "CUDA error \(result)")
    }
}
