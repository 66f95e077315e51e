// `seer bench ucr`: every `<name>_TRAIN.ts`/`<name>_TEST.ts` pair under a folder (default
// ../shared/data/ucr), each classifier fitted on the training file and scored on the test file —
// accuracy as mean ± std over seeds (and over resamples with `--resamples`, the protocol of the
// published "mean of 30 resamples" figures), training and prediction seconds — beside the
// published figures of BENCHMARKS.md §3 and the bake-off redux for the same sets.
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
    /// Per resample, then per seed.
    public var accuracies: [Double]
    public var accuracyMean: Double, accuracyStd: Double
    /// Medians over the seeds.
    public var trainSeconds: Double, predictSeconds: Double
}

public struct UCRBenchResult: Codable, Sendable {
    public var directory: String
    public var seeds: [UInt64]
    /// Splits scored per dataset: 1 is the published split only.
    public var resamples: Int
    /// Nets averaged per net classifier.
    public var ensemble: Int
    public var rows: [UCRBenchRow]

    /// Published test accuracies: 1-NN DTW and ROCKET on the published split (BENCHMARKS.md §3),
    /// and means of 30 resamples (Middlehurst et al. 2023, "bake off redux") of ROCKET, MiniRocket,
    /// MultiRocket and HIVE-COTE 2, with MiniRocket's published training seconds on one core.
    public struct Published: Sendable {
        public var dtw: Double?, rocket: Double?
        public var resampled: (rocket: Double, miniRocket: Double, multiRocket: Double, hiveCote2: Double)?
        public var miniRocketSeconds: Double?
    }

    public static let published: [String: Published] = [
        "GunPoint": Published(dtw: 0.907, rocket: 1.000, resampled: (0.993, 0.992, 0.998, 0.998), miniRocketSeconds: 0.14),
        "ItalyPowerDemand": Published(dtw: 0.950, rocket: 0.970, resampled: (0.961, 0.960, 0.964, 0.963), miniRocketSeconds: 0.09),
        "ArrowHead": Published(dtw: 0.703, rocket: 0.814, resampled: (0.869, 0.883, 0.896, 0.899), miniRocketSeconds: 0.13),
        "BasicMotions": Published(dtw: 0.975, rocket: 1.00), "JapaneseVowels": Published(dtw: 0.95, rocket: 0.96),
    ]

    public var text: String {
        var table = TextTable(["dataset", "model", "train/test", "dims × length", "accuracy", "train s", "predict s",
                               "1-NN DTW", "ROCKET", "30 resamples: ROCKET", "MiniRocket", "MultiRocket", "HC2", "MiniRocket train s"])
        func cell(_ x: Double?, _ format: String = "%.3f") -> String { x.map { String(format: format, $0) } ?? "–" }
        for row in rows {
            let p = Self.published[row.dataset]
            table.add([row.dataset, row.model, "\(row.trainCases)/\(row.testCases)", "\(row.dimensions) × \(row.length)",
                       String(format: "%.3f ± %.3f", row.accuracyMean, row.accuracyStd), String(format: "%.2f", row.trainSeconds),
                       String(format: "%.2f", row.predictSeconds), cell(p?.dtw), cell(p?.rocket),
                       cell(p?.resampled?.rocket), cell(p?.resampled?.miniRocket), cell(p?.resampled?.multiRocket), cell(p?.resampled?.hiveCote2),
                       cell(p?.miniRocketSeconds, "%.2f")])
        }
        let split = (resamples == 1 ? "the published split" : "the published split and \(resamples - 1) resample(s) of it")
            + (ensemble > 1 ? "; nets averaged in ensembles of \(ensemble)" : "")
        return "UCR/UEA classification (\(directory); \(split); seeds \(seeds.map(String.init).joined(separator: ",")));"
            + " published rows: BENCHMARKS.md §3 and Middlehurst et al. 2023\n"
            + table.render()
    }
}

public struct UCRBenchmark {
    public var directory: String
    public var models: [ClassifierModel]
    public var seeds: [UInt64]
    /// Splits per dataset: the published one, then `resamples − 1` stratified resamples of it.
    public var resamples: Int
    /// Nets per net classifier, averaged (an ensemble; 1: a single net).
    public var ensemble: Int

    public init(directory: String, models: [ClassifierModel], seeds: [UInt64], resamples: Int = 1, ensemble: Int = 5) {
        self.ensemble = max(1, ensemble)
        self.directory = directory
        self.models = models
        self.seeds = seeds
        self.resamples = max(1, resamples)
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
            let splits = try (0..<resamples).map { try ClassificationDataset.resampled(train: train, test: test, resample: $0) }
            for model in models {
                var accuracies: [Double] = [], trainSeconds: [Double] = [], predictSeconds: [Double] = []
                for split in splits {
                    for seed in seeds {
                        let result = try ClassifyRun(train: split.train, test: split.test, trainPath: pair.train, testPath: pair.test,
                                                     request: ClassifyRequest(model: model, seed: seed, members: model.family == nil ? 1 : ensemble)).run()
                        accuracies.append(result.accuracy ?? .nan)
                        trainSeconds.append(result.trainSeconds)
                        predictSeconds.append(result.predictSeconds)
                    }
                }
                let mean = accuracies.reduce(0, +) / Double(accuracies.count)
                let std = accuracies.count > 1 ? (accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(accuracies.count - 1)).squareRoot() : 0
                func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
                rows.append(UCRBenchRow(dataset: pair.name, model: model.rawValue, trainCases: train.caseCount, testCases: test.caseCount,
                                        dimensions: train.dimensions, length: train.maxLength, accuracies: accuracies, accuracyMean: mean,
                                        accuracyStd: std, trainSeconds: median(trainSeconds), predictSeconds: median(predictSeconds)))
            }
        }
        return UCRBenchResult(directory: directory, seeds: seeds, resamples: resamples, ensemble: ensemble, rows: rows)
    }
}
