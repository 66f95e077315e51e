// `seer bench ucr`: every `<name>_TRAIN.ts`/`<name>_TEST.ts` pair under a folder (default
// ../shared/data/ucr), each classifier fitted on the training file and scored on the test file —
// accuracy as mean ± std over seeds, training and prediction seconds — beside the published
// figures of BENCHMARKS.md §3 for the same sets.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerTasks

/// One dataset's figures for one classifier.
public struct UCRBenchRow: Codable, Sendable {
    public var dataset: String
    public var model: String
    public var trainCases: Int, testCases: Int, dimensions: Int, length: Int
    public var accuracies: [Double]
    public var accuracyMean: Double, accuracyStd: Double
    /// Medians over the seeds.
    public var trainSeconds: Double, predictSeconds: Double
}

public struct UCRBenchResult: Codable, Sendable {
    public var directory: String
    public var seeds: [UInt64]
    public var rows: [UCRBenchRow]

    /// Published test accuracies (BENCHMARKS.md §3): 1-NN DTW and ROCKET on the given split, and
    /// MiniRocket's mean over 30 resamples (Middlehurst et al. 2023) with its published training
    /// seconds on one core.
    public static let published: [String: (dtw: Double?, rocket: Double?, miniRocket: Double?, miniRocketSeconds: Double?)] = [
        "GunPoint": (0.907, 1.000, 0.992, 0.14), "ItalyPowerDemand": (0.950, 0.970, 0.960, 0.09), "ArrowHead": (0.703, 0.814, 0.883, 0.13),
        "BasicMotions": (0.975, 1.00, nil, nil), "JapaneseVowels": (0.95, 0.96, nil, nil),
    ]

    public var text: String {
        var table = TextTable(["dataset", "model", "train/test", "dims × length", "accuracy", "train s", "predict s",
                               "1-NN DTW", "ROCKET", "MiniRocket (30 resamples)", "its train s"])
        func cell(_ x: Double?, _ format: String = "%.3f") -> String { x.map { String(format: format, $0) } ?? "–" }
        for row in rows {
            let p = Self.published[row.dataset]
            table.add([row.dataset, row.model, "\(row.trainCases)/\(row.testCases)", "\(row.dimensions) × \(row.length)",
                       String(format: "%.3f ± %.3f", row.accuracyMean, row.accuracyStd), String(format: "%.2f", row.trainSeconds),
                       String(format: "%.2f", row.predictSeconds), cell(p?.dtw), cell(p?.rocket), cell(p?.miniRocket), cell(p?.miniRocketSeconds, "%.2f")])
        }
        return "UCR/UEA classification (\(directory); seeds \(seeds.map(String.init).joined(separator: ","))); published rows: BENCHMARKS.md §3\n"
            + table.render()
    }
}

public struct UCRBenchmark {
    public var directory: String
    public var models: [ClassifierModel]
    public var seeds: [UInt64]

    public init(directory: String, models: [ClassifierModel], seeds: [UInt64]) {
        self.directory = directory
        self.models = models
        self.seeds = seeds
    }

    /// The `<name>_TRAIN.ts` files under `directory` (any depth) that have a `_TEST.ts` beside them.
    public static func pairs(in directory: String) throws -> [(name: String, train: String, test: String)] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw DataError(.missingInput, "no folder \(directory)", file: directory)
        }
        var pairs: [(String, String, String)] = []
        for case let relative as String in walker where relative.hasSuffix("_TRAIN.ts") {
            let train = directory + "/" + relative
            let test = String(train.dropLast("_TRAIN.ts".count)) + "_TEST.ts"
            guard FileManager.default.fileExists(atPath: test) else { continue }
            let name = String((relative as NSString).lastPathComponent.dropLast("_TRAIN.ts".count))
            pairs.append((name, train, test))
        }
        guard !pairs.isEmpty else { throw DataError(.missingInput, "no <name>_TRAIN.ts / <name>_TEST.ts pair under \(directory)", file: directory) }
        return pairs.sorted { $0.0 < $1.0 }
    }

    public func run() throws -> UCRBenchResult {
        var rows: [UCRBenchRow] = []
        for pair in try Self.pairs(in: directory) {
            let train = try UCRReader.load(pair.train), test = try UCRReader.load(pair.test)
            for model in models {
                var accuracies: [Double] = [], trainSeconds: [Double] = [], predictSeconds: [Double] = []
                for seed in seeds {
                    let result = try ClassifyRun(train: train, test: test, trainPath: pair.train, testPath: pair.test,
                                                 request: ClassifyRequest(model: model, seed: seed)).run()
                    accuracies.append(result.accuracy ?? .nan)
                    trainSeconds.append(result.trainSeconds)
                    predictSeconds.append(result.predictSeconds)
                }
                let mean = accuracies.reduce(0, +) / Double(accuracies.count)
                let std = accuracies.count > 1 ? (accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(accuracies.count - 1)).squareRoot() : 0
                func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
                rows.append(UCRBenchRow(dataset: pair.name, model: model.rawValue, trainCases: train.caseCount, testCases: test.caseCount,
                                        dimensions: train.dimensions, length: train.maxLength, accuracies: accuracies, accuracyMean: mean,
                                        accuracyStd: std, trainSeconds: median(trainSeconds), predictSeconds: median(predictSeconds)))
            }
        }
        return UCRBenchResult(directory: directory, seeds: seeds, rows: rows)
    }
}
