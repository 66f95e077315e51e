// Classifying labelled series: a training and a test set (UCR/UEA `.ts`/`.tsv`), checked for what
// would make a classifier silently wrong — dimensions that differ between the sets or between a
// case's channels, a value that is not finite, a test label the training set never declared, a
// class with no training case, a single class — then a model fitted on the training set only,
// the test set predicted, and accuracy with its confusion matrix.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels

/// The classifiers a user can name.
public enum ClassifierModel: String, CaseIterable, Sendable, Codable {
    /// MiniRocket's ~10,000 PPV features of fixed dilated kernels and a ridge classifier whose
    /// regularisation is chosen by exact leave-one-out error.
    case minirocket
    /// MultiRocket's ~50,000 features (four summaries of the kernels' outputs on the series and
    /// its first difference) and the same ridge classifier.
    case multirocket
    /// The zoo's nets with a classifier head (mean over tokens → class logits).
    case nt, dijiang, cofrgenet, gpt
    /// MultiRocket, or NT where it clearly cross-validates better on the training cases.
    case auto

    public var summary: String {
        switch self {
        case .minirocket: return "MiniRocket features (84 fixed kernels × dilations, PPV) + ridge classifier tuned by leave-one-out"
        case .multirocket: return "MultiRocket features (PPV, MPV, MIPV, LSPV of the series and its first difference) + the same ridge"
        case .auto: return "multirocket, or nt where it wins clearly in stratified cross-validation on the training cases only"
        case .nt, .dijiang, .cofrgenet, .gpt:
            return "the \(rawValue) net (patches of 16 or 8 steps as tokens, width 32, 2 layers) + masked mean over tokens + linear head; class-weighted cross-entropy, augmented cases, 1,000 steps; 5 nets averaged"
        }
    }

    /// The Rocket features' count when none is asked for.
    public var defaultFeatures: Int { self == .multirocket ? 50_000 : 10_000 }

    /// The zoo family of a net classifier (nil for the Rocket classifiers).
    public var family: ModelFamily? {
        switch self {
        case .minirocket, .multirocket, .auto: return nil
        case .nt: return .nt
        case .dijiang: return .dijiang
        case .cofrgenet: return .cofrgenet
        case .gpt: return .gpt
        }
    }
}

/// What a user asks of a classification.
public struct ClassifyRequest: Equatable, Sendable {
    public var model: ClassifierModel
    public var seed: UInt64
    /// The Rocket features' count (rounded down to a multiple of 84); nil: the model's default
    /// (MiniRocket 10,000, MultiRocket 50,000).
    public var features: Int?
    /// Passes over a net classifier's augmented training cases (nil: a budget of 1,000 optimiser steps).
    public var epochs: Int?
    /// Nets trained from seeds seed, seed + 1, … whose probabilities are averaged (nets only).
    public var members: Int
    /// A net's input: each case z-normalised on its own (true) or per channel with the training
    /// cases' statistics (false, the default: a case's level is often the signal).
    public var normalizeCases: Bool

    public init(model: ClassifierModel = .minirocket, seed: UInt64 = 0, features: Int? = nil, epochs: Int? = nil, members: Int = 5,
                normalizeCases: Bool = false) {
        self.members = members
        self.normalizeCases = normalizeCases
        self.model = model
        self.seed = seed
        self.features = features
        self.epochs = epochs
    }
}

/// One test case's outcome.
public struct ClassPrediction: Codable, Sendable, Equatable {
    /// The case's 1-based position in its set, and its own id where the source names cases.
    public var index: Int
    public var id: String?
    public var truth: String?
    public var predicted: String
    /// The probability of each class, in the classifier's class order.
    public var probabilities: [Float]?

    public init(index: Int, id: String? = nil, truth: String?, predicted: String, probabilities: [Float]? = nil) {
        self.index = index
        self.id = id
        self.truth = truth
        self.predicted = predicted
        self.probabilities = probabilities
    }

    /// `case,truth,predicted` then `p_<class>` per class when the predictions carry probabilities
    /// (case: the id where cases have one, else the position; truth empty where unknown): the one
    /// layout `classify` and `predict` write.
    public static func csv(_ predictions: [ClassPrediction], classes: [String]) -> String {
        let withProbabilities = predictions.first?.probabilities != nil
        let header = ["case", "truth", "predicted"] + (withProbabilities ? classes.map { "p_" + $0 } : [])
        return predictions.reduce(CSVWriter.line(header)) { text, p in
            text + CSVWriter.line([p.id ?? String(p.index), p.truth ?? "", p.predicted] + (p.probabilities ?? []).map { String(format: "%.6g", $0) })
        }
    }
}

/// A classification's outcome on the test set.
public struct ClassifyResult: Codable, Sendable {
    public var model: String
    public var train: String, test: String
    public var classes: [String]
    public var trainCases: Int, testCases: Int
    /// Nil when the test set has no labels.
    public var accuracy: Double?
    public var confusion: ConfusionMatrix?
    public var predictions: [ClassPrediction]
    public var trainSeconds: Double, predictSeconds: Double
    /// What training settled, in words (features, the regularisation chosen).
    public var details: String?

    /// `case,truth,predicted,p_<class>…` (truth empty for an unlabelled test set).
    public var csv: String {
        ClassPrediction.csv(predictions, classes: classes)
    }

    /// One line for stderr.
    public var summary: String {
        "\(model) on \(test): " + (accuracy.map { String(format: "accuracy %.4f", $0) + " (\(Int(($0 * Double(testCases)).rounded()))/\(testCases))" } ?? "\(testCases) cases predicted")
            + String(format: "; trained on %d cases in %.2f s, predicted in %.2f s", trainCases, trainSeconds, predictSeconds)
    }
}

/// Fitting on a training set and predicting a test set.
public struct ClassifyRun {
    public let train: ClassificationDataset, test: ClassificationDataset
    public let trainPath: String, testPath: String
    public let request: ClassifyRequest

    public init(train: ClassificationDataset, test: ClassificationDataset, trainPath: String, testPath: String, request: ClassifyRequest = ClassifyRequest()) {
        self.train = train
        self.test = test
        self.trainPath = trainPath
        self.testPath = testPath
        self.request = request
    }

    /// Reads both files (`.ts`/`.tsv`, else CSV with its columns found by their usual names).
    public static func load(train: String, test: String, request: ClassifyRequest = ClassifyRequest()) throws -> ClassifyRun {
        try load(train: .file(train), test: .file(test), request: request)
    }

    /// Reads both sources (UCR files, CSV files or SQLite tables and queries).
    public static func load(train: CaseSource, test: CaseSource, request: ClassifyRequest = ClassifyRequest()) throws -> ClassifyRun {
        ClassifyRun(train: try train.load(), test: try test.load(), trainPath: train.name, testPath: test.name, request: request)
    }

    public func run() throws -> ClassifyResult { try runKeepingModel().result }

    /// The result and the trained classifier (to save).
    public func runKeepingModel() throws -> (result: ClassifyResult, classifier: Classifier) {
        try Self.checkTraining(train, path: trainPath)
        let testCases = try Self.cases(test, path: testPath)
        guard test.dimensions == train.dimensions else {
            throw DataError.bad("the test set has \(test.dimensions) dimension(s); the training set has \(train.dimensions)", file: testPath)
        }
        // Test labels are matched to training classes by name.
        let testTruth: [Int]? = try test.isLabelled ? (0..<test.caseCount).map { c in
            let name = test.className(case: c)!
            guard let k = train.classNames.firstIndex(of: name) else {
                throw DataError.bad("test case \(c + 1) has class '\(name)', which the training set does not have (\(train.classNames.joined(separator: ", ")))", file: testPath)
            }
            return k
        } : nil
        let began = monotonicSeconds()
        let classifier = try Classifier(model: request.model, fitting: train, source: trainPath, seed: request.seed, features: request.features,
                                        epochs: request.epochs, members: request.members, normalizeCases: request.normalizeCases)
        let trained = monotonicSeconds()
        let probabilities = classifier.probabilities(testCases)
        if let bad = probabilities.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw DataError(.other, "the classifier gave no finite probabilities for test case \(test.caseId(bad)); its training did not converge", file: testPath)
        }
        let predicted = probabilities.map(Classifier.mostLikely)
        let predictSeconds = monotonicSeconds() - trained
        var confusion: ConfusionMatrix?
        if let testTruth {
            var matrix = ConfusionMatrix(classes: train.classNames)
            for (truth, guess) in zip(testTruth, predicted) { matrix.add(truth: truth, predicted: guess) }
            confusion = matrix
        }
        let predictions = predicted.enumerated().map { i, k in
            ClassPrediction(index: i + 1, id: test.caseIds.isEmpty ? nil : test.caseId(i), truth: testTruth.map { train.classNames[$0[i]] }, predicted: train.classNames[k], probabilities: probabilities[i])
        }
        let result = ClassifyResult(model: request.model.rawValue, train: trainPath, test: testPath, classes: train.classNames,
                                    trainCases: train.caseCount, testCases: testCases.count, accuracy: confusion?.accuracy, confusion: confusion,
                                    predictions: predictions, trainSeconds: trained - began, predictSeconds: predictSeconds,
                                    details: classifier.details)
        return (result, classifier)
    }

    /// Refuses a training set a classifier cannot learn from: no labels, fewer than two classes
    /// with cases, a declared class without cases.
    static func checkTraining(_ train: ClassificationDataset, path: String) throws {
        guard train.isLabelled else { throw DataError.bad("the training set has no class labels", file: path) }
        let counts = train.classCounts
        let present = counts.indices.filter { counts[$0] > 0 }
        guard present.count >= 2 else {
            throw DataError.bad("the training set has \(present.count) class(es) with cases; a classifier needs at least 2", file: path)
        }
        if let empty = counts.indices.first(where: { counts[$0] == 0 }) {
            throw DataError.bad("class '\(train.classNames[empty])' is declared but has no training case; drop it from @classLabel or add cases", file: path)
        }
    }

    /// The largest magnitude a value may have.
    static let largestValue: Float = 1e18

    /// The cases as channels × steps, refusing what a classifier cannot take.
    static func cases(_ data: ClassificationDataset, path: String) throws -> [[[Float]]] {
        guard data.caseCount > 0 else { throw DataError.bad("no cases", file: path) }
        return try (0..<data.caseCount).map { c in
            let channels = (0..<data.dimensions).map { Array(data.series(case: c, dimension: $0)) }
            if let ragged = channels.firstIndex(where: { $0.count != channels[0].count }) {
                throw DataError.bad("case \(data.caseId(c)): dimension \(ragged + 1) has \(channels[ragged].count) values, dimension 1 has \(channels[0].count); "
                                    + "the dimensions of a case must have one length", file: path)
            }
            for (d, channel) in channels.enumerated() {
                if let bad = channel.firstIndex(where: { !$0.isFinite }) {
                    throw DataError.bad("case \(data.caseId(c)), dimension \(d + 1), value \(bad + 1) is \(channel[bad]); only finite values can be classified", file: path)
                }
                // The Rocket features sum thousands of values and their squares; beyond this the
                // Float32 features overflow and every output becomes NaN.
                if let huge = channel.firstIndex(where: { abs($0) > Self.largestValue }) {
                    throw DataError.bad("case \(data.caseId(c)), dimension \(d + 1), value \(huge + 1) is \(channel[huge]); values beyond ±1e18 cannot be classified — rescale the data", file: path)
                }
            }
            guard channels[0].count >= 1 else { throw DataError.bad("case \(c + 1) is empty", file: path) }
            return channels
        }
    }
}
