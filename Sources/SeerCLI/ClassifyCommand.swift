// `seer classify TRAIN TEST`: fit a classifier on labelled cases (UCR/UEA `.ts`/`.tsv`, CSV, SQLite), predict
// the test cases, and print the confusion table with per-class precision, recall and F1 — or one
// JSON document — with the predictions as CSV where asked.
import ArgumentParser
import Foundation
import Seer

extension ClassifierModel: ExpressibleByArgument {}

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train a classifier on labelled series and report its accuracy and confusion matrix on a test set.")

    @Argument(help: "Training cases with class labels: a UCR/UEA .ts or .tsv file, a CSV file (long: case id, label, value; or wide: one row per case), or with --sqlite a table or query.")
    var train: String

    @Argument(help: "Test cases in the same form (labels optional: without them only predictions are written).")
    var test: String

    @OptionGroup var cases: CaseInputOptions

    @Option(help: "Classifier: \(ClassifierModel.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).")
    var model: ClassifierModel = .minirocket

    @Option(help: "Seed of the random choices (MiniRocket's biases and channel subsets).")
    var seed: UInt64 = 0

    @Option(help: "Passes over a net classifier's augmented training cases (default: as many as 1,000 optimiser steps take).")
    var epochs: Int?

    @Option(help: "Nets to train from seeds SEED, SEED+1, … and average (nets only; an ensemble steadies small training sets; 1: a single net).")
    var seeds = 5

    @Flag(help: "Z-normalise each case of a net classifier on its own (default: standardise each channel with the training cases' mean and deviation, keeping a case's level).")
    var normalizeCases = false

    @Option(help: "Write case,truth,predicted and a probability per class (p_<class>) as CSV here (atomically).")
    var out: String?

    @Option(help: "Write the confusion counts as CSV here.")
    var confusion: String?

    @Option(help: "Write a self-contained HTML report here: the model, its training, the confusion heatmap and per-class scores.")
    var report: String?

    @Option(help: "Save the trained classifier to this model directory (model.safetensors + config.json, atomically) for `seer predict --model DIR`.")
    var save: String?

    @Flag(help: "Print one JSON document instead of the table.")
    var json = false

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if seeds < 1 || seeds > 64 { throw ValidationError("--seeds must be 1–64") }
        if seeds != 5 && (model == .minirocket || model == .multirocket) { throw ValidationError("--seeds ensembles nets; \(model.rawValue) is fitted once") }
    }

    func run() throws {
        try reportingErrors {
            let (result, classifier) = try ClassifyRun.load(train: cases.source(train), test: cases.source(test), request: ClassifyRequest(model: model, seed: seed, epochs: epochs, members: seeds, normalizeCases: normalizeCases)).runKeepingModel()
            if let save { try classifier.save(to: save) }
            if let out { try writeFileAtomically(result.csv, to: out) }
            if let confusion {
                guard let matrix = result.confusion else { throw DataError.bad("the test set has no labels to count a confusion matrix from", file: result.test) }
                try writeFileAtomically(matrix.csv, to: confusion)
            }
            if let report { try writeFileAtomically(result.report(), to: report) }
            if json { try printJSON(result) } else { print(result.confusion?.text ?? result.csv, terminator: "") }
            if !quiet && !json { printNote(result.summary) }
        }
    }
}
