// `seer bench ucr`: classifiers on every UCR/UEA train/test pair of a folder, beside the published
// accuracies and MiniRocket's published training seconds (BENCHMARKS.md §3).
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct UCRBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ucr",
        abstract: "Classifiers on UCR/UEA train/test pairs: accuracy over seeds (and resamples), training and prediction time, beside published figures.")

    @Option(help: "A folder holding <name>_TRAIN.ts and <name>_TEST.ts pairs (any depth).")
    var data = "../shared/data/ucr"

    @Option(help: "Classifiers, comma-separated: \(ClassifierModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var models = ClassifierModel.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Seeds, comma-separated (accuracy is reported as mean ± std over them).")
    var seeds = "0,1,2,3,4"

    @Option(help: "Splits per dataset: 1 scores the published train/test split; N adds N − 1 stratified resamples of the pooled cases (the protocol of the published 30-resample means).")
    var resamples = 1

    @Option(help: "Nets averaged per net classifier (as `seer classify --seeds N`, default 5); 1: single nets.")
    var ensemble = 5

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let chosen = try modelList(models, known: ClassifierModel.allCases.map(\.rawValue), option: "--models").map { ClassifierModel(rawValue: $0)! }
            let seedList: [UInt64] = try numberList(seeds, option: "--seeds", minimum: 0)
            guard ensemble >= 1 && ensemble <= 64 else { throw DataError(.usage, "--ensemble must be 1–64, got \(ensemble)") }
            guard resamples >= 1 else { throw DataError(.usage, "--resamples must be at least 1 (1 is the published split alone), got \(resamples)") }
            let result = try UCRBenchmark(directory: data, models: chosen, seeds: seedList, resamples: resamples, ensemble: ensemble).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
