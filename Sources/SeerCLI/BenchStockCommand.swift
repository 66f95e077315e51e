// `seer bench stock`: next-day close from past closes (BENCHMARKS.md §4) — parses the options and
// runs SeerBench's StockBenchmark: the zoo, GPT and DLinear against the random walk.
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct StockBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "Next-day close from past closes (BENCHMARKS.md §4): the zoo, GPT and DLinear vs the random walk, with SVG overlays.")

    @Option(help: "Daily price CSVs with a Close column, comma-separated (the last 20 % of each is the test set).")
    var files = StockBenchmark.defaultFiles.joined(separator: ",")

    @Option(help: "Models beside the random walk (which always runs), comma-separated: \(StockBenchmark.knownModels.joined(separator: ", ")).")
    var models = StockBenchmark.knownModels.joined(separator: ",")

    @Option(help: "Past closes each forecast reads.")
    var lookback = 64

    @Option(help: "Most training epochs (early stopping on the validation days; DLinear: at most 10).")
    var epochs = 10

    @Option(help: "Width of the nets.")
    var width = 32

    @Option(help: "Seeds, comma-separated (the median-MAE seed is reported).")
    var seeds = "1"

    @Option(help: "Directory for the SVG overlays.")
    var output = "bench-results/stock"

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let parsedSeeds: [UInt64] = try numberList(seeds, option: "--seeds", minimum: 0)
            guard lookback >= 8, width >= 4, width % 4 == 0, epochs >= 1 else {
                throw ValidationError("--lookback must be ≥ 8, --width a multiple of 4, --epochs ≥ 1")
            }
            let list = try modelList(models, known: StockBenchmark.knownModels)
            let paths = listItems(files)
            guard !paths.isEmpty else { throw ValidationError("--files takes comma-separated CSV paths") }
            for path in paths where !FileManager.default.fileExists(atPath: path) {
                throw DataError(.missingInput, "no such file (the stock data lives in ../shared/data/stock; give --files)", file: path)
            }
            let result = try StockBenchmark(files: paths, models: list, lookback: lookback, epochs: epochs, width: width,
                                            seeds: parsedSeeds, output: output, log: !json).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
