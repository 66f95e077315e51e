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
    public let fitted: MiniRocketClassifier?
    public let net: NetClassifier?
    /// What `auto` compared and chose (nil for a named model).
    public let autoChoice: AutoClassifierChoice?
    static let kind = "seer-classifier"

    /// Fits `model` on `data` (labelled; checked as `seer classify` checks it). `features`: for
    /// MiniRocket; `epochs`: at most, for a net.
    public init(model: ClassifierModel = .minirocket, fitting data: ClassificationDataset, source: String = "training set",
                seed: UInt64 = 0, features: Int = 10_000, epochs: Int = 60) throws {
        try ClassifyRun.checkTraining(data, path: source)
        self.model = model
        classNames = data.classNames
        let cases = try ClassifyRun.cases(data, path: source)
        var chosen = model
        if model == .auto {
            let choice = try AutoClassifierChoice.choose(cases: cases, labels: data.labels, classes: data.classNames.count, seed: seed,
                                                         features: features, epochs: epochs)
            autoChoice = choice
            chosen = choice.chosen
        } else {
            autoChoice = nil
        }
        if let family = chosen.family {
            fitted = nil
            net = try NetClassifier(family: family, cases: cases, labels: data.labels, classes: data.classNames.count,
                                    settings: NetClassifierSettings(epochs: epochs, seed: seed))
        } else {
            fitted = try MiniRocketClassifier(cases: cases, labels: data.labels, classes: data.classNames.count, features: features, seed: seed)
            net = nil
        }
    }

    init(model: ClassifierModel, classNames: [String], fitted: MiniRocketClassifier) {
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
            return "\(model.transform.featureCount) MiniRocket features over \(model.transform.dilations.count) dilations; "
                + "ridge α = \(String(format: "%.3g", model.ridge.alpha)), chosen among \(RidgeClassifier.alphas.count) by leave-one-out error"
        }
        guard let report = net!.report else { return "\(net!.family.rawValue) net loaded from a model directory" }
        return "\(report.epochs.count) epoch(s), best \(report.bestEpoch) (held-out loss \(String(format: "%.4f", report.bestLoss)))"
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

    /// The ridge outputs per case and class (larger: more that class; not probabilities — a ridge
    /// classifier's outputs are not calibrated, and Seer does not pretend they are).
    public func decisionScores(_ data: ClassificationDataset, source: String = "cases") throws -> [[Float]] {
        guard let fitted else { throw DataError(.usage, "decision scores are MiniRocket's ridge outputs; \(model.rawValue) has none", file: source) }
        return try cases(data, source: source).map { fitted.ridge.decision(fitted.transform.transform($0)) }
    }

    /// Writes the model directory atomically (a failed save leaves the previous one intact).
    public func save(to directory: String) throws {
        if let net {
            let config: [String: JSONValue] = [
                "kind": .string(Self.kind), "model": .string(net.family.rawValue), "classes": .array(classNames.map { .string($0) }),
                "channels": .number(Double(net.channels)), "length": .number(Double(net.length)),
                "width": .number(Double(net.settings.width)), "layers": .number(Double(net.settings.layers)),
                "normalize_cases": .bool(net.settings.normalizeCases), "seed": .number(Double(net.settings.seed)),
            ]
            try Checkpoint.save(directory: directory, tensors: net.tensors, config: config, seerVersion: Forecaster.libraryVersion)
            return
        }
        let t = fitted!.transform, r = fitted!.ridge
        let tensors = SafeTensorsFile(entries: [
            SafeTensorsEntry(name: "minirocket.biases", shape: [t.biases.count], values: t.biases),
            SafeTensorsEntry(name: "ridge.means", shape: [r.means.count], values: r.means),
            SafeTensorsEntry(name: "ridge.scales", shape: [r.scales.count], values: r.scales),
            SafeTensorsEntry(name: "ridge.weights", shape: [r.means.count, r.classes], values: r.weights),
            SafeTensorsEntry(name: "ridge.intercepts", shape: [r.classes], values: r.intercepts),
        ])
        let config: [String: JSONValue] = [
            "kind": .string(Self.kind), "model": .string(ClassifierModel.minirocket.rawValue),
            "classes": .array(classNames.map { .string($0) }), "channels": .number(Double(t.channels)),
            "dilations": .array(t.dilations.map { .array([.number(Double($0.dilation)), .number(Double($0.featuresPerKernel))]) }),
            "channel_sets": .array(t.channelSets.map { .array($0.map { .number(Double($0)) }) }),
            "alpha": .number(r.alpha),
        ]
        try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: Forecaster.libraryVersion)
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
            guard let length = json["length"]?.intValue, let width = json["width"]?.intValue, let layers = json["layers"]?.intValue,
                  width >= 4, width % 4 == 0, layers >= 1 else { throw bad("needs the whole numbers \"length\", \"width\" (a multiple of 4) and \"layers\"") }
            var settings = NetClassifierSettings(seed: UInt64(json["seed"]?.intValue ?? 0))
            settings.width = width
            settings.layers = layers
            settings.normalizeCases = json["normalize_cases"]?.boolValue ?? true
            let net = try NetClassifier(family: family, settings: settings, length: length, channels: channels, classes: classNames.count,
                                        tensors: tensors, source: directory + "/model.safetensors")
            return Classifier(model: model, classNames: classNames, net: net)
        }
        guard case .array(let pairs)? = json["dilations"] else { throw bad("needs \"dilations\"") }
        let dilations = try pairs.map { pair -> MiniRocket.Dilation in
            guard case .array(let two) = pair, two.count == 2, let d = two[0].intValue, let f = two[1].intValue else { throw bad("a dilation is [dilation, features per kernel]") }
            return MiniRocket.Dilation(dilation: d, featuresPerKernel: f)
        }
        guard case .array(let sets)? = json["channel_sets"] else { throw bad("needs \"channel_sets\"") }
        let channelSets = try sets.map { set -> [Int] in
            guard case .array(let members) = set else { throw bad("a channel set is a list of channel numbers") }
            let numbers = members.compactMap(\.intValue)
            guard numbers.count == members.count else { throw bad("a channel set is a list of channel numbers") }
            return numbers
        }
        func values(_ name: String) throws -> [Float] {
            guard let entry = tensors[name] else { throw DataError.bad("has no tensor \(name)", file: directory + "/model.safetensors") }
            return entry.values
        }
        guard let transform = MiniRocket(channels: channels, dilations: dilations, channelSets: channelSets, biases: try values("minirocket.biases")),
              let ridge = RidgeClassifier(classes: classNames.count, means: try values("ridge.means"), scales: try values("ridge.scales"),
                                          weights: try values("ridge.weights"), intercepts: try values("ridge.intercepts"),
                                          alpha: json["alpha"]?.doubleValue ?? 0, leaveOneOutErrors: []),
              transform.featureCount == ridge.means.count else {
            throw DataError.bad("the saved transform and ridge do not fit together (sizes differ)", file: directory)
        }
        return Classifier(model: model, classNames: classNames, fitted: MiniRocketClassifier(transform: transform, ridge: ridge))
    }
}
