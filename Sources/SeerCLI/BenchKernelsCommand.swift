// `seer bench kernels`: tensor kernels against raw cblas_sgemm (products) and memcpy (memory-bound ops).
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct KernelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Tensor kernels: matmul GFLOP/s against raw cblas_sgemm, element-wise and norm GB/s against memcpy.")

    @Option(help: "Threads for Seer's kernels and OpenBLAS (default: all cores).")
    var threads: Int?

    @Option(help: "Token rows (batch × time) of the matrix products.")
    var rows = 4096

    @Option(help: "Token rows of the memory-bound kernels, comma-separated.")
    var memoryRows = "4096,16384"

    @Option(help: "Timed repeats per kernel (the median is reported).")
    var repeats = 7

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            Parallelism.setThreads(threads ?? Parallelism.processorCount)
            let sizes: [Int] = try numberList(memoryRows, option: "--memory-rows", minimum: 1)
            let result = KernelBenchmark(repeats: max(1, repeats), rows: max(16, rows), memoryRows: sizes).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
