// Finding and opening the CUDA libraries without a GPU: the search order (a named folder first,
// then pip wheels, then the loader's own search), and clear errors for a file that is not a
// library, a library without the entry points, and — on machines without a driver — the device.
import CCUDA
import Glibc
import Testing
@testable import SeerTensor

struct CUDALibraryTests {
    @Test func aNamedFolderIsSearchedFirstAndBareSonamesLast() throws {
        var template = Array("/tmp/seer-cuda-XXXXXX".utf8CString)
        let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        let fake = folder + "/libnvrtc.so.12"
        #expect(FileManagerless.touch(fake))
        let candidates = CUDALibrarySearch.candidates(for: .nvrtc, environment: ["SEER_CUDA_LIBRARY_PATH": "/nonexistent:" + folder])
        #expect(candidates.first == fake)
        #expect(Array(candidates.suffix(CUDALibraryKind.nvrtc.sonames.count)) == CUDALibraryKind.nvrtc.sonames)
        // The driver has no wheel and no toolkit folder: only a named folder and the loader.
        #expect(CUDALibrarySearch.candidates(for: .driver, environment: [:]) == CUDALibraryKind.driver.sonames)
    }

    @Test func aFileThatIsNotALibraryIsAClearError() throws {
        var template = Array("/tmp/seer-cuda-XXXXXX".utf8CString)
        let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        let fake = folder + "/libnvrtc.so.12"
        #expect(FileManagerless.touch(fake))
        let result = CUDALibraries.load(.nvrtc, candidates: [fake], empty: seer_nvrtc()) { seer_cuda_bind_nvrtc($0, $1) }
        guard case .failure(let error) = result else { Issue.record("an empty file loaded as NVRTC"); return }
        #expect(error.reason.contains("libnvrtc.so"))
        #expect(error.reason.contains("pip install nvidia-cuda-nvrtc-cu12"))
        #expect(error.reason.contains(fake))  // the loader's own words name the file
    }

    @Test func aLibraryWithoutTheEntryPointsIsAClearError() throws {
        let result = CUDALibraries.load(.cublas, candidates: ["libm.so.6"], empty: seer_cublas()) { seer_cuda_bind_cublas($0, $1) }
        guard case .failure(let error) = result else { Issue.record("libm bound as cuBLAS"); return }
        #expect(error.reason.contains("lacks cublasCreate_v2"))
        #expect(error.reason.contains("libm.so.6"))
    }

    @Test func withoutADriverTheDeviceIsUnavailableNotACrash() throws {
        guard CUDAProbe.deviceCount() == 0 else { return }  // a GPU machine: nothing to check here
        #expect(throws: DeviceUnavailable.self) { _ = try DriverDevice(ordinal: 0) }
        #expect(throws: DeviceUnavailable.self) { _ = try backend(for: .cuda(0)) }
    }
}

/// Creating an empty file without Foundation.
enum FileManagerless {
    static func touch(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
