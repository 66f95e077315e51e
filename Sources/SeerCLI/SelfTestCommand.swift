// `seer selftest`: are Seer's CUDA kernels right on this GPU? Each kernel runs on the GPU and on
// the CPU on the same random inputs and the results are compared (KernelSelfTest); then every net
// trains 50 steps on both from the same seed and the loss curves are compared (NetSelfTest).
// Without a GPU it says why and exits 69; `--compile-only` still checks, without one, that NVRTC
// turns every kernel file into PTX for an architecture.
import ArgumentParser
import Foundation
import Seer

struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check the CUDA kernels against the CPU on this machine's GPU (exit 69 without one).",
        discussion: """
            Runs each CUDA kernel on the GPU and its CPU twin on the same random inputs and prints \
            the largest relative difference of each (forward ≤ 1e-4, backward ≤ 1e-3). Then trains \
            every net of the zoo --steps Adam steps on the GPU and on the CPU from the same seed and \
            batches, and compares the loss curves (≤ 1e-2 relative at every step). Exit 0 when \
            everything agrees, 1 when something does not, 69 when there is no usable GPU, driver or NVRTC. \
            The kernels are compiled by NVRTC on first use (pip install nvidia-cuda-nvrtc-cu12, or set \
            SEER_CUDA_LIBRARY_PATH) and cached under ~/.cache/seer/ptx.
            """)

    @Option(help: "The GPU to check: cuda or cuda:N.")
    var device = "cuda"

    @Option(help: "Training steps of each net on both devices (0: only the kernels).")
    var steps = 50

    @Flag(help: "Only compile every kernel file to PTX with NVRTC (no GPU needed).")
    var compileOnly = false

    @Option(help: "Compute capability to compile for with --compile-only (e.g. 80 for A100, 90 for H100).")
    var arch = 90

    func run() throws {
        try reportingErrors {
            guard let chosen = Device(parsing: device), case .cuda(let ordinal) = chosen else {
                throw ValidationError("--device must be cuda or cuda:N (the CPU kernels are the reference), not \(device)")
            }
            guard steps >= 0 && steps <= 10_000 else { throw ValidationError("--steps must be between 0 and 10000, not \(steps)") }
            do {
                if compileOnly { try compileKernels() } else { try check(chosen, ordinal: ordinal) }
            } catch let error as DeviceUnavailable {
                // Said plainly: the usual advice (use --device cpu) does not apply to a GPU check.
                printError((compileOnly ? "cannot compile the CUDA kernels: " : "\(chosen) cannot be checked: ") + error.reason)
                throw ExitCode(error.exitCode)
            }
        }
    }

    private func check(_ chosen: Device, ordinal: Int) throws {
        let gpu = try DriverDevice(ordinal: ordinal)
        print("\(chosen): \(gpu.name), compute capability \(gpu.architecture / 10).\(gpu.architecture % 10), "
              + "\(gpu.totalMemory >> 20) MiB")
        let checks = try KernelSelfTest.run(on: gpu)
        try gpu.synchronize()
        print(Self.table(checks))
        let failed = checks.filter { !$0.passed }
        print("\(checks.count - failed.count) of \(checks.count) checks agree with the CPU "
              + "(\(Set(checks.flatMap(\.kernels)).count) kernels).")
        guard steps > 0 else {
            if !failed.isEmpty { throw ExitCode(1) }
            return
        }
        // The nets on the same GPU: its backend is the one the kernels just ran on.
        let backend = CUDABackend(device: chosen, on: gpu)
        let runs = try NetSelfTest.run(on: chosen, steps: steps) { name in printError("training \(name) on cpu and \(chosen)…") }
        try backend.checkHealth()
        print(Self.table(runs))
        let diverged = runs.filter { !$0.passed }
        print("\(runs.count - diverged.count) of \(runs.count) nets train to the CPU's loss curve over \(steps) steps.")
        if !failed.isEmpty || !diverged.isEmpty { throw ExitCode(1) }
    }

    private func compileKernels() throws {
        let nvrtc = try CUDALibraries.nvrtc()
        print("NVRTC: \(nvrtc.path)")
        for file in CUDAKernelSources.files {
            let compiled = try PTXCompiler.ptx(for: file.source, file: file.name, architecture: arch)
            let kernels = CUDAKernelSources.kernelNames(in: file.source)
            let missing = kernels.filter { !compiled.ptx.contains(".entry \($0)(") }
            print("\(file.name): \(kernels.count) kernels, \(compiled.ptx.utf8.count) bytes of PTX for sm_\(arch) (\(compiled.origin))"
                  + (missing.isEmpty ? "" : "; MISSING: \(missing.joined(separator: ", "))"))
            if !missing.isEmpty { throw ExitCode(1) }
        }
    }

    /// One row per net: the first and last loss on each device and the largest step's difference.
    static func table(_ runs: [NetTrainingCheck]) -> String {
        let width = max(3, runs.map(\.name.count).max() ?? 0)
        var lines = ["net".padding(toLength: width, withPad: " ", startingAt: 0)
                     + "  cpu first   cpu last  gpu first   gpu last  rel. error  tolerance  result"]
        for run in runs {
            let losses = [run.cpuLosses.first, run.cpuLosses.last, run.deviceLosses.first, run.deviceLosses.last]
                .map { String(format: "%9.4f", Double($0 ?? .nan)) }.joined(separator: "  ")
            lines.append(run.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + losses
                         + String(format: "  %10.2e  %9.0e  ", run.error, run.tolerance) + (run.passed ? "ok" : "FAILED"))
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ checks: [KernelCheck]) -> String {
        let width = max(5, checks.map(\.name.count).max() ?? 0)
        var lines = ["check".padding(toLength: width, withPad: " ", startingAt: 0) + "  rel. error  tolerance  result"]
        for check in checks {
            lines.append(check.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + String(format: "  %10.2e  %9.0e  ", check.error, check.tolerance) + (check.passed ? "ok" : "FAILED"))
        }
        return lines.joined(separator: "\n")
    }
}
