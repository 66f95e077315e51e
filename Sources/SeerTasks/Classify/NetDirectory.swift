// A net classifier's model directory: every ensemble member's weights in model.safetensors under
// `member<i>.` + the parameter's own name (readable from Python), and in config.json what it
// takes to rebuild the same nets — family, width, layers, patches, the case length, channels and
// the per-channel standardisation. Directories written before the patch-token recipe (no
// "members" key) are refused with a clear message rather than rebuilt wrongly.
import Foundation
import SeerBase
import SeerData
import SeerModels
import SeerNN

enum NetDirectory {
    static func save(_ net: NetClassifier, classNames: [String], to directory: String, kind: String) throws {
        let (p, s) = net.tokenization.lengthAndStride
        let config: [String: JSONValue] = [
            "kind": .string(kind), "model": .string(net.family.rawValue), "classes": .array(classNames.map { .string($0) }),
            "channels": .number(Double(net.channels)), "length": .number(Double(net.length)),
            "width": .number(Double(net.settings.width)), "layers": .number(Double(net.settings.layers)),
            "patch": .array([.number(Double(p)), .number(Double(s))]), "members": .number(Double(net.memberTensors.count)),
            "normalize_cases": .bool(net.settings.normalizeCases), "seed": .number(Double(net.settings.seed)),
            "channel_means": .array(net.channelMeans.map { .number(Double($0)) }),
            "channel_scales": .array(net.channelScales.map { .number(Double($0)) }),
        ]
        let entries = net.memberTensors.enumerated().flatMap { i, file in
            file.entries.map { SafeTensorsEntry(name: "member\(i)." + $0.name, shape: $0.shape, values: $0.values) }
        }
        try Checkpoint.save(directory: directory, tensors: SafeTensorsFile(entries: entries), config: config, seerVersion: Forecaster.libraryVersion)
    }

    static func load(family: ModelFamily, tensors: SafeTensorsFile, config json: [String: JSONValue], classes: Int, channels: Int,
                     directory: String) throws -> NetClassifier {
        func bad(_ why: String) -> DataError { DataError.bad(why, file: directory + "/config.json") }
        guard let members = json["members"]?.intValue else {
            throw bad("was written by an earlier Seer whose net classifiers took single steps as tokens; train it again with `seer classify --save`")
        }
        guard let length = json["length"]?.intValue, let width = json["width"]?.intValue, let layers = json["layers"]?.intValue,
              width >= 4, width % 4 == 0, layers >= 1, members >= 1, members <= 64 else {
            throw bad("needs the whole numbers \"length\", \"width\" (a multiple of 4), \"layers\" and \"members\" (1–64)")
        }
        guard case .array(let patch)? = json["patch"], patch.count == 2, let p = patch[0].intValue, let s = patch[1].intValue,
              p >= 1, s >= 1, p <= length else { throw bad("needs \"patch\": [steps per token, steps between tokens]") }
        func numbers(_ key: String) throws -> [Float] {
            guard case .array(let items)? = json[key] else { throw bad("needs \"\(key)\"") }
            let values = items.compactMap(\.doubleValue).map(Float.init)
            guard values.count == items.count else { throw bad("\"\(key)\" must hold numbers") }
            return values
        }
        var settings = NetClassifierSettings(seed: UInt64(json["seed"]?.intValue ?? 0), members: members)
        settings.width = width
        settings.layers = layers
        settings.normalizeCases = json["normalize_cases"]?.boolValue ?? false
        let memberFiles = (0..<members).map { i in
            let prefix = "member\(i)."
            return SafeTensorsFile(entries: tensors.entries.filter { $0.name.hasPrefix(prefix) }.map {
                SafeTensorsEntry(name: String($0.name.dropFirst(prefix.count)), shape: $0.shape, values: $0.values)
            })
        }
        return try NetClassifier(family: family, settings: settings, length: length, channels: channels, classes: classes,
                                 tokenization: p == 1 && s == 1 ? .point : .patch(length: p, stride: s),
                                 channelMeans: try numbers("channel_means"), channelScales: try numbers("channel_scales"),
                                 memberTensors: memberFiles, source: directory + "/model.safetensors")
    }
}
