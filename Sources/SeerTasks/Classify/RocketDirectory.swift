// A Rocket classifier's model directory: the arrays (the transforms' biases, the ridge's
// standardisation and weights) in model.safetensors, readable from Python, and the structure (the
// dilations, each kernel's channel subset, α) in config.json. MultiRocket adds the first
// difference's transform under the "difference" names.
import Foundation
import SeerBase
import SeerData
import SeerModels
import SeerNN

enum RocketDirectory {
    /// Writes `fitted` as a model directory (atomically, through Checkpoint).
    static func save(_ fitted: RocketClassifier, classNames: [String], to directory: String, kind: String) throws {
        let t = fitted.transform, r = fitted.ridge
        var entries = [
            SafeTensorsEntry(name: "minirocket.biases", shape: [t.biases.count], values: t.biases),
            SafeTensorsEntry(name: "ridge.means", shape: [r.means.count], values: r.means),
            SafeTensorsEntry(name: "ridge.scales", shape: [r.scales.count], values: r.scales),
            SafeTensorsEntry(name: "ridge.weights", shape: [r.means.count, r.classes], values: r.weights),
            SafeTensorsEntry(name: "ridge.intercepts", shape: [r.classes], values: r.intercepts),
        ]
        var config: [String: JSONValue] = [
            "kind": .string(kind), "model": .string((fitted.isMulti ? ClassifierModel.multirocket : .minirocket).rawValue),
            "classes": .array(classNames.map { .string($0) }), "channels": .number(Double(t.channels)),
            "dilations": dilations(t), "channel_sets": channelSets(t), "alpha": .number(r.alpha),
            "probability_scale": .number(Double(r.probabilityScale)),
        ]
        if let d = fitted.difference {
            entries.append(SafeTensorsEntry(name: "difference.biases", shape: [d.biases.count], values: d.biases))
            config["difference_dilations"] = dilations(d)
            config["difference_channel_sets"] = channelSets(d)
        }
        try Checkpoint.save(directory: directory, tensors: SafeTensorsFile(entries: entries), config: config, seerVersion: Forecaster.libraryVersion)
    }

    private static func dilations(_ t: MiniRocket) -> JSONValue {
        .array(t.dilations.map { .array([.number(Double($0.dilation)), .number(Double($0.featuresPerKernel))]) })
    }

    private static func channelSets(_ t: MiniRocket) -> JSONValue { .array(t.channelSets.map { .array($0.map { .number(Double($0)) }) }) }

    /// Reads what `save` wrote, checking that the parts fit together.
    static func load(tensors: SafeTensorsFile, config json: [String: JSONValue], classes: Int, channels: Int, multi: Bool,
                     directory: String) throws -> RocketClassifier {
        let configPath = directory + "/config.json"
        func bad(_ why: String) -> DataError { DataError.bad(why, file: configPath) }
        func values(_ name: String) throws -> [Float] {
            guard let entry = tensors[name] else { throw DataError.bad("has no tensor \(name)", file: directory + "/model.safetensors") }
            return entry.values
        }
        func transform(_ prefix: String, biases: String) throws -> MiniRocket {
            guard case .array(let pairs)? = json[prefix + "dilations"] else { throw bad("needs \"\(prefix)dilations\"") }
            let dilations = try pairs.map { pair -> MiniRocket.Dilation in
                guard case .array(let two) = pair, two.count == 2, let d = two[0].intValue, let f = two[1].intValue else {
                    throw bad("a dilation is [dilation, features per kernel]")
                }
                return MiniRocket.Dilation(dilation: d, featuresPerKernel: f)
            }
            guard case .array(let sets)? = json[prefix + "channel_sets"] else { throw bad("needs \"\(prefix)channel_sets\"") }
            let channelSets = try sets.map { set -> [Int] in
                guard case .array(let members) = set else { throw bad("a channel set is a list of channel numbers") }
                let numbers = members.compactMap(\.intValue)
                guard numbers.count == members.count else { throw bad("a channel set is a list of channel numbers") }
                return numbers
            }
            guard let t = MiniRocket(channels: channels, dilations: dilations, channelSets: channelSets, biases: try values(biases)) else {
                throw DataError.bad("the saved \(prefix.isEmpty ? "series" : "difference") transform's parts do not fit together", file: directory)
            }
            return t
        }
        let series = try transform("", biases: "minirocket.biases")
        let difference = multi ? try transform("difference_", biases: "difference.biases") : nil
        let featureCount = multi ? 4 * (series.featureCount + difference!.featureCount) : series.featureCount
        guard let ridge = RidgeClassifier(classes: classes, means: try values("ridge.means"), scales: try values("ridge.scales"),
                                          weights: try values("ridge.weights"), intercepts: try values("ridge.intercepts"),
                                          alpha: json["alpha"]?.doubleValue ?? 0, leaveOneOutErrors: [],
                                          probabilityScale: Float(json["probability_scale"]?.doubleValue ?? 1)),
              ridge.means.count == featureCount else {
            throw DataError.bad("the saved transform and ridge do not fit together (sizes differ)", file: directory)
        }
        return RocketClassifier(transform: series, difference: difference, ridge: ridge)
    }
}
