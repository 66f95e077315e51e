// Smoke test: OpenBLAS's cblas_sgemm links and computes a known product; the Device parser and
// the CUDA probe answer without a GPU.
import CBLAS
import Testing
@testable import SeerTensor

struct BLASTests {
    @Test func sgemmMultipliesRowMajorMatrices() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]          // 2×3
        let b: [Float] = [7, 8, 9, 10, 11, 12]       // 3×2
        var c = [Float](repeating: 1, count: 4)     // 2×2
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        #expect(c == [58, 64, 139, 154])
        var d = [Float](repeating: 1, count: 4)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                d.withUnsafeMutableBufferPointer { pd in
                    // Aᵀ-free check of the wrapper: C = 2·A·B + 1·C
                    sgemm(transA: false, transB: false, m: 2, n: 2, k: 3, alpha: 2, a: pa.baseAddress!, lda: 3,
                          b: pb.baseAddress!, ldb: 2, beta: 1, c: pd.baseAddress!, ldc: 2)
                }
            }
        }
        #expect(d == [117, 129, 279, 309])
    }

    @Test func deviceParsingAndCUDAProbe() {
        #expect(Device(parsing: "cpu") == .cpu && Device(parsing: "cuda:1") == .cuda(1) && Device(parsing: "tpu") == nil)
        #expect(CUDAProbe.deviceCount() >= 0)
        #expect(throws: Never.self) { try CUDAProbe.check(.cpu) }
        if CUDAProbe.deviceCount() == 0 {
            #expect(throws: DeviceUnavailable.self) { try CUDAProbe.check(.cuda(0)) }
        }
    }
}
