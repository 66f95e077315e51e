// `seer bench ucr`: classifiers on every UCR/UEA train/test pair of a folder, beside the published
// accuracies and MiniRocket's published training seconds (BENCHMARKS.md §3).
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct UCRBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ucr",
        abstract: "Classifiers on UCR/UEA train/test pairs: accuracy over seeds, training and prediction time, beside published figures.")

    @Option(help: "A folder holding <name>_TRAIN.ts and <name>_TEST.ts pairs (any depth).")
    var data = "../shared/data/ucr"

    @Option(help: "Classifiers, comma-separated: \(ClassifierModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var models = ClassifierModel.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Seeds, comma-separated (accuracy is reported as mean ± std over them).")
    var seeds = "0,1,2,3,4"

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let chosen = try modelList(models, known: ClassifierModel.allCases.map(\.rawValue), option: "--models").map { ClassifierModel(rawValue: $0)! }
            let seedList: [UInt64] = try numberList(seeds, option: "--seeds", minimum: 0)
            let result = try UCRBenchmark(directory: data, models: chosen, seeds: seedList).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
