// The kernel files compile to PTX with NVRTC, the compiler a GPU run uses, for the architectures
// of the GPUs people train on — with no GPU needed. NVRTC comes from NVIDIA's pip wheel
// (`make test` fetches it into .cuda/ and points SEER_CUDA_LIBRARY_PATH there); without it these
// tests say so and stop. Also: the PTX cache in the process and on disk, a corrupt cache entry,
// and a kernel that does not compile.
import CCUDA
import Glibc
import SeerBase
import Testing
@testable import SeerTensor

struct NVRTCCompileTests {
    /// NVRTC, or nil with the reason printed (the test then checks nothing further).
    func nvrtcOrSkip() -> CUDALibrary<seer_nvrtc>? {
        do {
            return try CUDALibraries.nvrtc()
        } catch {
            print("SKIPPED (no NVRTC): \(error.reason) — `make test` fetches it; without it the CUDA kernels are not compiled here")
            return nil
        }
    }

    func temporaryFolder() -> String {
        var template = Array("/tmp/seer-ptx-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    @Test(arguments: [70, 80, 90])
    func everyKernelFileCompilesToPTX(architecture: Int) throws {
        guard nvrtcOrSkip() != nil else { return }
        for file in CUDAKernelSources.files {
            let compiled = try PTXCompiler.ptx(for: file.source, file: file.name, architecture: architecture, cacheFolder: nil)
            #expect(compiled.ptx.contains(".target sm_\(architecture)"))
            for kernel in CUDAKernelSources.kernelNames(in: file.source) {
                #expect(compiled.ptx.contains(".entry \(kernel)("), "\(file.name) lacks \(kernel) in its PTX")
            }
        }
    }

    @Test func ptxIsCachedInTheProcessAndOnDisk() throws {
        guard nvrtcOrSkip() != nil else { return }
        let folder = temporaryFolder() + "/nested/ptx"
        // A source no other test compiles, so the process cache starts without it.
        let source = "extern \"C\" __global__ void seer_cache_probe_\(getpid())(float *x) { x[threadIdx.x] += 1.0f; }\n"
        let first = try PTXCompiler.ptx(for: source, file: "probe.cu", architecture: 80, cacheFolder: folder)
        #expect(first.origin == .compiled)
        let second = try PTXCompiler.ptx(for: source, file: "probe.cu", architecture: 80, cacheFolder: folder)
        #expect(second.origin == .processCache && second.ptx == first.ptx)

        PTXCompiler.forgetProcessCache()
        let third = try PTXCompiler.ptx(for: source, file: "probe.cu", architecture: 80, cacheFolder: folder)
        #expect(third.origin == .diskCache && third.ptx == first.ptx)

        // An entry cut short is compiled afresh, not loaded.
        let entries = try DurableFiles.contents(ofDirectory: folder).filter { $0.hasSuffix(".ptx") }
        #expect(entries.count == 1)
        let path = folder + "/" + entries[0]
        let bytes = try DurableFiles.readFile(path)
        try DurableFiles.writeAtomically(Array(bytes.prefix(bytes.count / 2)), to: path)
        PTXCompiler.forgetProcessCache()
        let fourth = try PTXCompiler.ptx(for: source, file: "probe.cu", architecture: 80, cacheFolder: folder)
        #expect(fourth.origin == .compiled && fourth.ptx == first.ptx)
    }

    @Test func aKernelThatDoesNotCompileIsReportedWithNVRTCsLog() throws {
        guard nvrtcOrSkip() != nil else { return }
        let broken = "extern \"C\" __global__ void seer_broken(float *x) {\n  x[0] = undeclared_name;\n}\n"
        do {
            _ = try PTXCompiler.ptx(for: broken, file: "broken.cu", architecture: 80, cacheFolder: nil)
            Issue.record("a broken kernel compiled")
        } catch let error as KernelCompileError {
            #expect(error.description.contains("broken.cu"))
            #expect(error.log.contains("undeclared_name"))
            #expect(error.log.contains("broken.cu(2)"))
        }
    }
}
