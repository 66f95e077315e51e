// `seer selftest`: without a GPU it says why and exits 69 (never a crash); `--compile-only`
// compiles every CUDA kernel file to PTX with NVRTC, no GPU needed (skipped, with a message,
// where NVRTC is absent: `make test` fetches it); the CPU is refused as a device to check.
import Foundation
import Testing

struct SelfTestCLITests {
    @Test func withoutAGPUItExits69AndSaysWhy() throws {
        let run = try CLITests.seer(["selftest"])
        if run.status == 0 { return }  // a GPU machine: the kernels were checked and agreed
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("cuda:0 cannot be checked"), "\(run.stderr)")
        #expect(run.stderr.contains("libcuda") || run.stderr.contains("cuInit") || run.stderr.contains("CUDA device"), "\(run.stderr)")
        #expect(!run.stderr.contains("--device cpu"))
    }

    @Test func compileOnlyTurnsEveryKernelFileIntoPTX() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("seer-ptx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let run = try CLITests.run(CLITests.binary, ["selftest", "--compile-only", "--arch", "80"], environment: ["SEER_CACHE_DIR": cache])
        if run.status == 69 && run.stderr.contains("cannot compile the CUDA kernels: NVRTC") {
            print("SKIPPED (no NVRTC): \(run.stderr)")
            return
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("training.cu: 7 kernels"), "\(run.stdout)")
        #expect(run.stdout.contains("elementwise.cu: 14 kernels"), "\(run.stdout)")
        #expect(run.stdout.contains("rows.cu: 12 kernels"), "\(run.stdout)")
        #expect(run.stdout.contains("sequence.cu: 6 kernels"), "\(run.stdout)")
        #expect(run.stdout.contains("layout.cu: 7 kernels"), "\(run.stdout)")
        #expect(run.stdout.contains("for sm_80 (compiled)"), "\(run.stdout)")
        // A second run finds the PTX in the disk cache.
        let again = try CLITests.run(CLITests.binary, ["selftest", "--compile-only", "--arch", "80"], environment: ["SEER_CACHE_DIR": cache])
        #expect(again.status == 0 && again.stdout.contains("(diskCache)"), "\(again.stdout)")
    }

    @Test func theCPUIsNotADeviceToCheck() throws {
        let run = try CLITests.seer(["selftest", "--device", "cpu"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--device must be cuda"))
    }
}
