// The library's classifier: fit on a labelled `ClassificationDataset`, predict class names, save
// to and load from a model directory in the forecasters' conventions — model.safetensors (the
// arrays: MiniRocket's biases, the ridge's standardisation and weights, or a net's parameters;
// readable from Python) and config.json (the class names, channels, and MiniRocket's dilations
// and channel subsets or the net's shape), written atomically.
import Foundation
import SeerBase
import SeerData
import SeerModels
import SeerNN

/// A trained classifier, ready to predict.
public struct Classifier: Sendable {
    public let model: ClassifierModel
    /// The class names, in the order of the model's outputs.
    public let classNames: [String]
    /// The fitted model: MiniRocket's, or a zoo net's (one of the two is set).
    public let fitted: RocketClassifier?
    public let net: NetClassifier?
    /// What `auto` compared and chose (nil for a named model).
    public let autoChoice: AutoClassifierChoice?
    static let kind = "seer-classifier"

    /// Fits `model` on `data` (labelled; checked as `seer classify` checks it). `features`: for
    /// MiniRocket and MultiRocket; `epochs` (nil: a step budget), `members` (an ensemble) and
    /// `normalizeCases` (z-normalise each case on its own rather than per channel): for a net.
    public init(model: ClassifierModel = .minirocket, fitting data: ClassificationDataset, source: String = "training set",
                seed: UInt64 = 0, features: Int? = nil, epochs: Int? = nil, members: Int = 5,
                normalizeCases: Bool = false) throws {
        try ClassifyRun.checkTraining(data, path: source)
        self.model = model
        classNames = data.classNames
        let cases = try ClassifyRun.cases(data, path: source)
        var chosen = model
        if model == .auto {
            let choice = try AutoClassifierChoice.choose(cases: cases, labels: data.labels, classes: data.classNames.count, seed: seed,
                                                         // One net per fold: the ensemble is for the final fit, and
                                                         // five per fold would make auto 25 nets slower.
                                                         features: features, epochs: epochs, members: 1, normalizeCases: normalizeCases)
            autoChoice = choice
            chosen = choice.chosen
        } else {
            autoChoice = nil
        }
        if let family = chosen.family {
            fitted = nil
            net = try NetClassifier(family: family, cases: cases, labels: data.labels, classes: data.classNames.count,
                                    settings: NetClassifierSettings(epochs: epochs, seed: seed, members: members, normalizeCases: normalizeCases))
        } else {
            fitted = try RocketClassifier(cases: cases, labels: data.labels, classes: data.classNames.count,
                                          features: features ?? chosen.defaultFeatures, multi: chosen == .multirocket, seed: seed)
            net = nil
        }
    }

    init(model: ClassifierModel, classNames: [String], fitted: RocketClassifier) {
        self.model = model
        self.classNames = classNames
        self.fitted = fitted
        net = nil
        autoChoice = nil
    }

    init(model: ClassifierModel, classNames: [String], net: NetClassifier) {
        self.model = model
        self.classNames = classNames
        fitted = nil
        self.net = net
        autoChoice = nil
    }

    /// Dimensions (channels) of the cases it was trained on.
    public var channels: Int { fitted?.transform.channels ?? net!.channels }

    /// The class index of each case (channels × steps).
    public func predictIndices(_ cases: [[[Float]]]) -> [Int] { fitted?.predict(cases) ?? net!.predict(cases) }

    /// What training settled, in words.
    public var details: String {
        (autoChoice.map { $0.reason + "; " } ?? "") + fittedDetails
    }

    private var fittedDetails: String {
        if let model = fitted {
            return "\(model.featureCount) \(model.isMulti ? "MultiRocket" : "MiniRocket") features over \(model.transform.dilations.count) dilations; "
                + "ridge α = \(String(format: "%.3g", model.ridge.alpha)), chosen among \(RidgeClassifier.alphas.count) by leave-one-out error"
        }
        let net = net!
        guard let reports = net.reports, let report = reports.first else { return "\(net.family.rawValue) net loaded from a model directory" }
        let (p, s) = net.tokenization.lengthAndStride
        let ensemble = reports.count > 1 ? "\(reports.count) nets averaged, the first: " : ""
        let validation = report.epochs.last?.validationLoss != nil
        return ensemble + "\(report.steps) steps over \(report.epochs.count) epoch(s) on patches of \(p) steps \(s) apart; "
            + (validation ? "best epoch \(report.bestEpoch) by held-out loss \(String(format: "%.4f", report.bestLoss))" : "weights averaged, no hold-out")
            + (report.stopReason == .earlyStopped ? ", stopped early" : "")
    }

    /// The predicted class name of every case of `data`.
    public func predict(_ data: ClassificationDataset, source: String = "cases") throws -> [String] {
        predictIndices(try cases(data, source: source)).map { classNames[$0] }
    }

    /// The cases of `data`, checked as `seer classify` checks them and against the trained dimensions.
    private func cases(_ data: ClassificationDataset, source: String) throws -> [[[Float]]] {
        guard data.dimensions == channels else {
            throw DataError.bad("the cases have \(data.dimensions) dimension(s); the classifier was trained on \(channels)", file: source)
        }
        return try ClassifyRun.cases(data, path: source)
    }

    /// The probability of each class (in `classNames` order) for every case of `data`: a net's
    /// softmax, or the Rocket ridge's outputs through a softmax whose scale was fitted to the
    /// training cases' leave-one-out outputs.
    public func predictProbabilities(_ data: ClassificationDataset, source: String = "cases") throws -> [[Float]] {
        probabilities(try cases(data, source: source))
    }

    /// Every case of `data` with its predicted class and class probabilities (its truth where labelled).
    public func predictions(_ data: ClassificationDataset, source: String = "cases") throws -> [ClassPrediction] {
        try predictProbabilities(data, source: source).enumerated().map { i, row in
            ClassPrediction(index: i + 1, id: data.caseIds.isEmpty ? nil : data.caseId(i), truth: data.className(case: i), predicted: classNames[Self.mostLikely(row)], probabilities: row)
        }
    }

    /// The index of the largest probability.
    static func mostLikely(_ row: [Float]) -> Int { row.indices.max { row[$0] < row[$1] }! }

    /// Class probabilities of cases given as channels × steps.
    public func probabilities(_ cases: [[[Float]]]) -> [[Float]] { fitted?.probabilities(cases) ?? net!.probabilities(cases) }

    /// The raw ridge outputs per case and class (MiniRocket and MultiRocket only; larger: more that
    /// class). Not probabilities: `predictProbabilities` calibrates them.
    public func decisionScores(_ data: ClassificationDataset, source: String = "cases") throws -> [[Float]] {
        guard let fitted else { throw DataError(.usage, "decision scores are MiniRocket's ridge outputs; \(model.rawValue) has none", file: source) }
        return try cases(data, source: source).map { fitted.decision($0) }
    }

    /// Writes the model directory atomically (a failed save leaves the previous one intact).
    public func save(to directory: String) throws {
        if let net {
            try NetDirectory.save(net, classNames: classNames, to: directory, kind: Self.kind)
            return
        }
        try RocketDirectory.save(fitted!, classNames: classNames, to: directory, kind: Self.kind)
    }

    /// Whether `directory` holds a classifier (rather than a forecaster).
    public static func isClassifier(_ directory: String) -> Bool {
        (try? Checkpoint.load(directory: directory))?.config["kind"]?.stringValue == kind
    }

    /// Reads a model directory written by `save(to:)`.
    public static func load(from directory: String) throws -> Classifier {
        let (tensors, json) = try Checkpoint.load(directory: directory)
        let configPath = directory + "/config.json"
        func bad(_ why: String) -> DataError { DataError.bad(why, file: configPath) }
        guard json["kind"]?.stringValue == kind else { throw bad("has no \"kind\": \"\(kind)\"") }
        guard let model = json["model"]?.stringValue.flatMap(ClassifierModel.init(rawValue:)), model != .auto else { throw bad("names no known classifier model") }
        guard case .array(let names)? = json["classes"], let classNames = Optional(names.compactMap(\.stringValue)), classNames.count == names.count,
              classNames.count >= 2 else { throw bad("needs \"classes\": at least two class names") }
        guard let channels = json["channels"]?.intValue else { throw bad("needs the whole number \"channels\"") }
        if let family = model.family {
            let net = try NetDirectory.load(family: family, tensors: tensors, config: json, classes: classNames.count, channels: channels,
                                            directory: directory)
            return Classifier(model: model, classNames: classNames, net: net)
        }
        let fitted = try RocketDirectory.load(tensors: tensors, config: json, classes: classNames.count, channels: channels,
                                              multi: model == .multirocket, directory: directory)
        return Classifier(model: model, classNames: classNames, fitted: fitted)
    }
}
