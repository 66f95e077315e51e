// A forecaster as a model directory: model.safetensors (the weights, readable from Python) and
// config.json (what `ForecasterConfig` holds, plus whatever the caller adds — the CLI keeps the
// series' frequency and columns there). Writes go through `Checkpoint.save`: staged, synced and
// swapped in with one rename, so a failed save leaves the previous model intact.
import SeerBase
import SeerModels
import SeerNN
import SeerTensor

extension Forecaster {
    /// The version of Seer's library written into model files.
    public static let libraryVersion = "0.1.0"
    static let kind = "seer-forecaster"

    /// config.json's fields for this forecaster.
    public var configJSON: [String: JSONValue] {
        [
            "kind": .string(Forecaster.kind),
            "model": .string(config.model.rawValue),
            "lookback": .number(Double(config.lookback)),
            "horizon": .number(Double(config.horizon)),
            "width": .number(Double(config.width)),
            "layers": .number(Double(config.layers)),
            "dropout": .number(Double("\(config.dropout)") ?? Double(config.dropout)),  // 0.2, not 0.2000000029
            "epochs": config.epochs.map { .number(Double($0)) } ?? .null,
            "max_steps": config.maxSteps.map { .number(Double($0)) } ?? .null,
            "batch_size": config.batchSize.map { .number(Double($0)) } ?? .null,
            "learning_rate": config.learningRate.map { .number(Double($0)) } ?? .null,
            "season": .number(Double(config.season)),
            "second_season": .number(Double(config.secondSeason)),
            "seed": .number(Double(config.seed)),
        ]
    }

    /// Writes the model directory `directory` atomically; `metadata` is merged into config.json
    /// (under "metadata").
    public func save(to directory: String, metadata: [String: JSONValue] = [:]) throws {
        guard ensemble == nil else { throw ForecasterError.ensembleNotSavable }
        var json = configJSON
        if !metadata.isEmpty { json["metadata"] = .object(metadata) }
        try Checkpoint.save(directory: directory, tensors: Checkpoint.tensors(from: parameters), config: json,
                            seerVersion: Forecaster.libraryVersion)
    }

    /// Reads a model directory written by `save(to:)`; returns the forecaster and its metadata.
    public static func load(from directory: String) throws -> (forecaster: Forecaster, metadata: [String: JSONValue]) {
        let (tensors, json) = try Checkpoint.load(directory: directory)
        guard json["kind"]?.stringValue == kind else { throw ForecasterError.badModel("\(directory)/config.json has no \"kind\": \"\(kind)\"") }
        func integer(_ key: String) throws -> Int {
            guard let value = json[key]?.intValue else { throw ForecasterError.badModel("config.json lacks the whole number \"\(key)\"") }
            return value
        }
        guard let name = json["model"]?.stringValue, let model = ModelFamily(rawValue: name) else {
            throw ForecasterError.badModel("config.json names no known model (\(json["model"]?.stringValue ?? "none"))")
        }
        let lookback = try integer("lookback"), horizon = try integer("horizon")
        guard lookback >= 1, horizon >= 1 else { throw ForecasterError.badModel("look-back and horizon must be positive") }
        var config = ForecasterConfig(model: model, lookback: lookback, horizon: horizon, width: try integer("width"),
                                      layers: try integer("layers"), dropout: Float(json["dropout"]?.doubleValue ?? 0),
                                      epochs: json["epochs"]?.intValue, maxSteps: json["max_steps"]?.intValue, batchSize: json["batch_size"]?.intValue,
                                      learningRate: json["learning_rate"]?.doubleValue.map { Float($0) }, season: try integer("season"),
                                      seed: UInt64(max(0, try integer("seed"))))
        // Absent from model files written before MSTL.
        config.secondSeason = max(1, json["second_season"]?.intValue ?? 1)
        let forecaster = Forecaster(config)
        try Checkpoint.load(tensors, into: forecaster.parameters, source: directory)
        return (forecaster, json["metadata"]?.objectValue ?? [:])
    }
}
