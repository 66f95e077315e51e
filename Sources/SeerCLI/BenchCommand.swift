// `seer bench …`: measured claims, never asserted in tests. Each benchmark prints a readable
// table, or with --json one JSON document carrying the same figures.
import ArgumentParser
import Foundation
import Seer

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run Seer's benchmarks (speed, memory, accuracy) beside their peers.",
        subcommands: [IngestBenchCommand.self, KernelBenchCommand.self, SpeedBenchCommand.self, SineBenchCommand.self, ETTBenchCommand.self, IngestChildCommand.self,
                      SpeedChildCommand.self])
}

struct IngestBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "CSV ingestion: rows/s, MB/s and peak memory on a large numeric CSV, beside pandas.read_csv.")

    @Option(help: "ETT-layout CSV whose rows are repeated to build the test file.")
    var source: String = IngestBenchCommand.defaultSource()

    @Option(help: "Size of the generated CSV in MB.")
    var sizeMb = 200

    @Option(help: "Timed runs per reader (the median is reported).")
    var runs = 3

    @Flag(help: "Skip the pandas comparison.")
    var noPandas = false

    @Option(help: "Use this existing CSV instead of generating one.")
    var file: String?

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    static func defaultSource() -> String {
        for candidate in ["../shared/data/ett/ETTh1.csv", "shared/data/ett/ETTh1.csv", "data/ETTh1-head.csv"]
        where FileManager.default.fileExists(atPath: candidate) { return candidate }
        return "../shared/data/ett/ETTh1.csv"
    }

    func run() throws {
        try reportingErrors {
            let benchmark = IngestBenchmark(source: source, sizeMB: sizeMb, runs: max(1, runs),
                                            pandas: !noPandas, existingFile: file, log: !json)
            let result = try benchmark.run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}

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
            let sizes = memoryRows.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
            guard !sizes.isEmpty else { throw ValidationError("--memory-rows needs positive whole numbers, e.g. 4096,16384") }
            let result = KernelBenchmark(repeats: max(1, repeats), rows: max(16, rows), memoryRows: sizes).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}

/// Internal: loads one CSV in a fresh process and prints timing and peak-memory figures as JSON,
/// so each measurement starts from an empty heap.
struct IngestChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest-child", shouldDisplay: false)

    @Argument var file: String

    @Option var threads: Int?

    func run() throws {
        try reportingErrors {
            let before = peakRSSBytes()
            let clock = ContinuousClock()
            let start = clock.now
            var options = CSVOptions()
            options.threads = threads
            let loaded = try CSVLoader.load(file, options: options)
            let elapsed = clock.now - start
            let after = peakRSSBytes()
            let series = loaded.series[0]
            let measurement = IngestMeasurement(
                seconds: elapsed.seconds, rows: series.rowCount, valueColumns: series.columnCount,
                baselineRSS: before, peakRSS: after, hasTimestamps: series.time.timestamps != nil,
                threads: loaded.threadsUsed)
            try printJSON(measurement)
        }
    }
}

/// Peak resident set size of this process so far, in bytes (getrusage; Linux reports KiB).
func peakRSSBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

struct SpeedBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Training-step speed and memory of the zoo's nets beside PyTorch's GPT (BENCHMARKS.md §5).")

    @Option(help: "Nets, comma-separated: gpt (streamed attention), gpt-stored, nt, nt-recompute, dijiang, dijiang-cffn, cofrgenet.")
    var models = "gpt,gpt-stored,nt,nt-recompute,dijiang,dijiang-cffn,cofrgenet"

    @Option(help: "Sequence lengths T, comma-separated (default 256,1024,4096; with --scaling 256…65536).")
    var seq: String?

    @Option(help: "Batch size (ignored with --scaling, which holds B·T = 65,536).")
    var batch = 16

    @Option(help: "Model width d.")
    var width = 128

    @Option(help: "Attention heads (GPT; NT's top mixer).")
    var heads = 4

    @Option(help: "Layers (GPT) or pyramid blocks (NT).")
    var layers = 2

    @Option(help: "Threads for Seer and PyTorch.")
    var threads = 2

    @Option(help: "Seconds of timed steps per measurement (at least 3 steps).")
    var minTime = 5.0

    @Flag(help: "Hold B·T = 65,536 tokens fixed while T doubles from 256 to 65,536.")
    var scaling = false

    @Option(help: "Skip a measurement whose step is predicted to take longer than this (seconds).")
    var maxStepSeconds = 30.0

    @Flag(help: "Skip the PyTorch comparison.")
    var noTorch = false

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let known = SpeedBenchmark.knownModels
            let list = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !list.isEmpty, list.allSatisfy(known.contains) else {
                throw ValidationError("--models takes a comma-separated subset of \(known.joined(separator: ", ")), not '\(models)'")
            }
            let defaultSeqs = scaling ? "256,512,1024,2048,4096,8192,16384,32768,65536" : "256,1024,4096"
            let seqs = (seq ?? defaultSeqs).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !seqs.isEmpty, seqs.allSatisfy({ $0 >= 2 }) else { throw ValidationError("--seq needs whole numbers ≥ 2, e.g. 256,1024") }
            guard batch >= 1, width >= 1, heads >= 1, width % heads == 0, layers >= 1, threads >= 1 else {
                throw ValidationError("--batch, --width, --heads, --layers and --threads must be positive, width a multiple of heads")
            }
            let result = try SpeedBenchmark(models: list, seqs: seqs, batch: batch, width: width, heads: heads, layers: layers,
                                            threads: threads, minTime: max(0.01, minTime), torch: !noTorch, scaling: scaling,
                                            maxStepSeconds: maxStepSeconds, log: !json).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}

/// Internal: one net at one T in a fresh process; prints its figures as JSON.
struct SpeedChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "speed-child", abstract: "Internal: one speed measurement.",
                                                    shouldDisplay: false)
    @Option var model: String
    @Option var seq: Int
    @Option var batch: Int
    @Option var width: Int
    @Option var heads: Int
    @Option var layers: Int
    @Option var threads: Int
    @Option var minTime: Double

    func run() throws {
        Parallelism.setThreads(threads)
        let figure = SpeedChild(model: model, seq: seq, batch: batch, width: width, heads: heads, layers: layers, minTime: minTime).run()
        try printJSON(figure)
    }
}

struct SineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sine",
        abstract: "Autoregressive sine rollout (BENCHMARKS.md §4): GPT vs the zoo vs DLinear vs repeat-last, with SVG overlays.")

    @Option(help: "Points in the sine series (80 % train, 20 % test).")
    var length = 2000

    @Option(help: "Period of the sine in steps.")
    var period = 40.0

    @Option(help: "Window length; the first half is given, the second rolled out.")
    var window = 64

    @Option(help: "Width of the GPT and of the equal-width zoo nets.")
    var width = 32

    @Option(help: "Zoo nets beside GPT, comma-separated: nt, dijiang, dijiang-cffn, cofrgenet.")
    var models = SineBenchmark.knownModels.joined(separator: ",")

    @Option(help: "Training epochs per net.")
    var epochs = 10

    @Option(help: "Seeds, comma-separated (the median is reported).")
    var seeds = "1,2,3"

    @Option(help: "Directory for the SVG overlays.")
    var output = "bench-results/sine"

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let seedList = seeds.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard !seedList.isEmpty else { throw ValidationError("--seeds needs whole numbers, e.g. 1,2,3") }
            guard window >= 8, window % 2 == 0, width >= 4, width % 4 == 0, epochs >= 1, period > 1 else {
                throw ValidationError("--window must be even and ≥ 8, --width a multiple of 4, --epochs ≥ 1, --period > 1")
            }
            guard length >= 5 * window * 2 else { throw ValidationError("--length must be at least 10 windows (\(10 * window))") }
            let list = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !list.isEmpty, list.allSatisfy(SineBenchmark.knownModels.contains) else {
                throw ValidationError("--models takes a comma-separated subset of \(SineBenchmark.knownModels.joined(separator: ", ")), not '\(models)'")
            }
            let result = try SineBenchmark(length: length, period: period, window: window, width: width, epochs: epochs, seeds: seedList,
                                           models: list, output: output, log: !json).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
