// `seer bench sine`: autoregressive sine rollouts of GPT, the zoo, DLinear and repeat-last.
import ArgumentParser
import Foundation
import Seer
import SeerBench

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
            let seedList: [UInt64] = try numberList(seeds, option: "--seeds", minimum: 0)
            guard window >= 8, window % 2 == 0, width >= 4, width % 4 == 0, epochs >= 1, period > 1 else {
                throw ValidationError("--window must be even and ≥ 8, --width a multiple of 4, --epochs ≥ 1, --period > 1")
            }
            guard length >= 5 * window * 2 else { throw ValidationError("--length must be at least 10 windows (\(10 * window))") }
            let list = try modelList(models, known: SineBenchmark.knownModels)
            let result = try SineBenchmark(length: length, period: period, window: window, width: width, epochs: epochs, seeds: seedList,
                                           models: list, output: output, log: !json).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
