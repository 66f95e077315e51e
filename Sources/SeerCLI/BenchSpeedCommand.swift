// `seer bench speed`: training-step speed and memory of the zoo's nets beside PyTorch's GPT, each
// measurement in a fresh process (`speed-child`).
import ArgumentParser
import Foundation
import Seer
import SeerBench

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

    @Option(help: "Where to train: cpu, or cuda[:N] (PyTorch then runs on cuda too).")
    var device: Device = .cpu

    @Flag(help: "Skip the PyTorch comparison.")
    var noTorch = false

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let list = try modelList(models, known: SpeedBenchmark.knownModels)
            let defaultSeqs = scaling ? "256,512,1024,2048,4096,8192,16384,32768,65536" : "256,1024,4096"
            let seqs: [Int] = try numberList(seq ?? defaultSeqs, option: "--seq", minimum: 2)
            guard batch >= 1, width >= 1, heads >= 1, width % heads == 0, layers >= 1, threads >= 1 else {
                throw ValidationError("--batch, --width, --heads, --layers and --threads must be positive, width a multiple of heads")
            }
            _ = try backend(for: device)  // a missing GPU is exit 69 before any measurement
            var benchmark = SpeedBenchmark(models: list, seqs: seqs, batch: batch, width: width, heads: heads, layers: layers,
                                           threads: threads, minTime: max(0.01, minTime), torch: !noTorch, scaling: scaling,
                                           maxStepSeconds: maxStepSeconds, log: !json)
            benchmark.device = device
            let result = try benchmark.run()
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
    @Option var device: Device = .cpu

    func run() throws {
        try reportingErrors {
            Parallelism.setThreads(threads)
            var child = SpeedChild(model: model, seq: seq, batch: batch, width: width, heads: heads, layers: layers, minTime: minTime)
            child.device = device
            try printJSON(try child.run())
        }
    }
}
