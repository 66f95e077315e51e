// `seer bench ett`: the ETTh1 long-horizon protocol (BENCHMARKS.md §1) — parses the options and
// runs SeerBench's ETTBenchmark, writing ett.csv and ett.json under --output.
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct ETTBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ett",
        abstract: "ETTh1 long-horizon protocol (BENCHMARKS.md §1): M setting, all test windows, beside the published rows.")

    @Option(help: "A CSV of the ETT layout (date + 7 columns).")
    var file = "../shared/data/ett/ETTh1.csv"

    @Option(help: "Train, validation and test rows.")
    var split = "8640,2880,2880"

    @Option(help: "Models, comma-separated: \(ETTBenchmark.knownModels.joined(separator: ", ")).")
    var models = "naive,dlinear,rlinear,nt,dijiang"

    @Option(help: "Look-backs, comma-separated.")
    var lookback = "96,336"

    @Option(help: "Horizons, comma-separated.")
    var horizon = "96,192,336,720"

    @Option(help: "Most training epochs of the nets (DLinear and RLinear: at most 10; early stopping on the validation windows).")
    var epochs = 10

    @Option(help: "Width of the neural nets.")
    var width = 32

    @Option(help: "Learning rate of the neural nets (DLinear and RLinear train at their authors' 5e-3).")
    var learningRate: Float = 1e-3

    @Option(help: "Blocks of the neural nets.")
    var layers = 2

    @Option(help: "Dropout inside the neural nets.")
    var dropout: Float = 0.2

    @Option(help: "Dropout on the flattened tokens entering the nets' direct head.")
    var headDropout: Float = 0

    @Flag(help: "Give the nets a linear look-back → horizon skip that starts at its least-squares fit, the head at zero (residual learning over a linear forecaster).")
    var linearSkip = false

    @Option(help: "Mini-batch size in windows (a window of C channels is C rows for the channel-independent nets).")
    var batchSize = 32

    @Option(help: "Epochs without a better validation loss before training stops.")
    var patience = 5

    @Option(help: "Patch length and stride of the nets' tokens.")
    var patch = "16,8"

    @Option(help: "Learning-rate schedule of the nets: cosine (5 % warmup, then cosine decay) or halving (halved every epoch).")
    var schedule = "cosine"

    @Option(help: "Validate and keep an exponential moving average of the weights with this decay per step (0: the raw weights).")
    var averaging: Float = 0.999

    @Option(help: "Directory for ett.csv and ett.json.")
    var output = "bench-results"

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            func integers(_ text: String, _ name: String) throws -> [Int] { try numberList(text, option: name, minimum: 1) }
            let splitRows = try integers(split, "--split")
            guard splitRows.count == 3 else { throw CommandFailure("--split takes three row counts: train,validation,test") }
            let lookbacks = try integers(lookback, "--lookback"), patchSizes = try integers(patch, "--patch")
            guard patchSizes.count == 2, patchSizes[1] <= patchSizes[0], lookbacks.allSatisfy({ $0 >= patchSizes[0] }) else {
                throw CommandFailure("--patch takes length,stride with stride ≤ length ≤ every look-back, not '\(patch)'")
            }
            guard let netSchedule = TrainerConfig.Schedule(rawValue: schedule), netSchedule != .constant else {
                throw CommandFailure("--schedule is cosine or halving, not '\(schedule)'")
            }
            guard averaging >= 0 && averaging < 1 else { throw CommandFailure("--averaging takes a decay in [0, 1), not \(averaging)") }
            let list = try modelList(models, known: ETTBenchmark.knownModels)
            guard FileManager.default.fileExists(atPath: file) else {
                throw DataError(.missingInput, "no such file (the ETT data lives in ../shared/data/ett; give --file)", at: SourceLocation(file: file))
            }
            let result = try ETTBenchmark(file: file, split: splitRows, models: list, lookbacks: lookbacks,
                                          horizons: try integers(horizon, "--horizon"), epochs: epochs, width: width,
                                          learningRate: learningRate,
                                          training: ETTNetTraining(layers: layers, dropout: dropout, headDropout: headDropout,
                                                                   linearSkip: linearSkip, batchSize: batchSize, patience: patience,
                                                                   averaging: averaging > 0 ? averaging : nil,
                                                                   schedule: netSchedule, patchLength: patchSizes[0], patchStride: patchSizes[1]),
                                          log: !json).run()
            try result.write(to: output)
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
