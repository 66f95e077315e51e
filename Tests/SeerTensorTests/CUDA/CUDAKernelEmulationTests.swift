// Every CUDA kernel against its CPU twin, on the CPU emulator: the .cu files a GPU compiles,
// launched through CUDAKernels exactly as the CUDA backend launches them. The comparisons are
// KernelSelfTest's — the same check `seer selftest --device cuda` runs on a GPU.
import SeerCUDAEmulator
import Testing
@testable import SeerTensor

struct CUDAKernelEmulationTests {
    @Test func theEmulatorKnowsEveryKernelTheSourcesDefine() {
        #expect(Set(EmulatedDevice.kernelNames) == Set(CUDAKernelSources.kernelNames))
        #expect(CUDAKernelSources.kernelNames.count == 58)
    }

    @Test func everyKernelMatchesItsCPUTwin() throws {
        let checks = try KernelSelfTest.run(on: EmulatedDevice())
        print(checks.map { "\($0.name): \($0.error)" }.joined(separator: "; "))
        for check in checks {
            #expect(check.passed, "\(check.name): relative error \(check.error) > \(check.tolerance)")
        }
        // Every kernel is exercised by some check, and so is cuBLAS's product.
        #expect(Set(checks.flatMap(\.kernels)) == Set(CUDAKernelSources.kernelNames + [CUDAKernels.gemmRoutine]))
        #expect(checks.filter { $0.kernels == [CUDAKernels.gemmRoutine] }.count == 20)
    }

    /// The self-test fails when a kernel is wrong: a device whose accumulate adds twice.
    @Test func theSelfTestCatchesAWrongKernel() throws {
        let checks = try KernelSelfTest.run(on: DoublingAccumulate())
        #expect(checks.first { $0.name == "accumulate" }?.passed == false)
        #expect(checks.first { $0.name == "scale in place" }?.passed == true)
    }

    /// A GEMM that scales its product by 2 fails every matmul check and nothing else.
    @Test func theSelfTestCatchesAWrongProduct() throws {
        let checks = try KernelSelfTest.run(on: DoublingGEMM())
        let products = checks.filter { $0.kernels == [CUDAKernels.gemmRoutine] }
        #expect(!products.isEmpty && products.allSatisfy { !$0.passed })
        #expect(checks.filter { $0.kernels != [CUDAKernels.gemmRoutine] }.allSatisfy { $0.passed })
    }

    /// A launch smaller than its data (one block for 1,000 elements) still covers every element:
    /// the kernels loop over the grid, so the backend may cap its grids.
    @Test func kernelsLoopOverGridsSmallerThanTheirData() throws {
        let device = EmulatedDevice()
        let n = 1000, g = (0..<n).map { Float($0) / 100 }, start = (0..<n).map { Float($0 % 7) }
        let into = try device.put(start)
        try device.launch("seer_accumulate", grid: 1, [.pointer(try device.put(g)), .pointer(into), .long(n), .int(0)])
        #expect(try device.get(into, count: n) == zip(start, g).map { $0 + $1 })
        let sum = try device.allocate(bytes: 8)
        try device.fill(sum, pattern: 0, count: 2)
        try device.launch("seer_sum_of_squares", grid: 1, [.pointer(try device.put(g)), .long(n), .pointer(sum)])
        var result = 0.0
        try device.download(sum, to: &result, bytes: 8)
        let expected = g.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(result - expected) <= 1e-9 * expected)
    }
}

/// The emulator with one kernel broken: accumulate's gradient counted twice.
final class DoublingAccumulate: ForwardingDevice, @unchecked Sendable {
    override func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                         parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        try inner.launch(kernel, grid: grid, block: block, parameters: parameters)
        if kernel == "seer_accumulate" { try inner.launch(kernel, grid: grid, block: block, parameters: parameters) }
    }
}

/// The emulator with a wrong product: α doubled.
final class DoublingGEMM: ForwardingDevice, @unchecked Sendable {
    override func gemm(_ product: ColumnMajorGEMM) throws {
        var doubled = product
        doubled.alpha *= 2
        try inner.gemm(doubled)
    }
}
