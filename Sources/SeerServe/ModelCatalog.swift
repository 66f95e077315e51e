// The models `/v1/forecast` and `/v1/models` serve: model directories under `--models DIR`, by
// their folder name, and the versions of a registry (`--registry R`), by key and version or
// alias. A model is loaded on first use and kept; a registry alias is resolved on every request,
// so a champion promoted by tonight's `seer retrain` is served from the next request on, and its
// files are checked against their checksum before they are loaded.
import Foundation
import SeerBase
import SeerRegistry
import SeerTasks

/// A loaded model. `Forecaster` is a class whose forward pass keeps scratch state, so it is not
/// `Sendable`; the lock runs one forecast at a time per model, which makes sharing it safe.
final class LoadedModel: @unchecked Sendable {
    let forecaster: Forecaster
    let card: ModelCard
    /// Where it came from, for the forecast's `chosenBy`.
    let source: String
    private let lock = Locked<Void>(())

    init(forecaster: Forecaster, card: ModelCard, source: String) {
        self.forecaster = forecaster
        self.card = card
        self.source = source
    }

    func forecast(_ data: ForecastData) throws -> ForecastResult {
        try lock.withLock { _ in
            try ForecastResult(forecaster, data: data, chosenBy: "loaded from \(source)", scores: [:], intervals: card.intervals)
        }
    }

    /// What `/v1/models` says about it.
    var summary: String {
        let config = forecaster.config
        return "\"family\":\(JSONValue.quoted(config.model.rawValue)),\"lookback\":\(config.lookback),\"horizon\":\(config.horizon),\"levels\":[\(card.intervals.levels.map(String.init).joined(separator: ","))]"
    }
}

/// Model directories and registry versions, loaded on demand.
final class ModelCatalog: Sendable {
    let directory: String?
    /// `ModelRegistry` holds one database connection; `registryLock` serialises its use.
    private let registry: ModelRegistry?
    private let registryLock = Locked<Void>(())
    private let cache = Locked<[String: LoadedModel]>([:])

    /// Opens the registry now, so a wrong path fails at start rather than at the first request.
    init(directory: String?, registry: String?, modelStore: String?) throws {
        self.directory = directory.map(DurableFiles.trimmingTrailingSlashes)
        self.registry = try registry.map { try ModelRegistry(location: $0, store: modelStore, create: false) }
        if let directory = self.directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DataError(.missingInput, "is not a folder of model directories", file: directory)
            }
        }
    }

    /// The model directories under `directory` (folders holding a config.json), sorted.
    func modelNames() -> [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { FileManager.default.fileExists(atPath: directory + "/" + $0 + "/config.json") }.sorted()
    }

    /// The model directory called `name`.
    func model(named name: String) throws(RequestError) -> LoadedModel {
        guard let directory else { throw RequestError(status: .notFound, message: "model: this server has no model directories (start it with --models DIR)") }
        // A name is one folder: no path can reach outside the models folder.
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw .bad("model: '\(name)' is not a model name (a folder under the server's --models)")
        }
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path + "/config.json") else {
            let known = modelNames()
            throw RequestError(status: .notFound, message: "model: no model '\(name)' (this server has \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        return try cached("dir:" + name) {
            let loaded = try Forecaster.loadWithCard(from: path)
            return LoadedModel(forecaster: loaded.forecaster, card: loaded.card, source: name)
        }
    }

    /// A registry version of `key` (a number or an alias).
    func model(key: String, version: String) throws(RequestError) -> (model: LoadedModel, version: Int) {
        guard let registry else { throw RequestError(status: .notFound, message: "key: this server has no registry (start it with --registry R)") }
        let chosen: ModelVersion
        do {
            chosen = try registryLock.withLock { _ in try registry.resolve(version, of: key) }
        } catch {
            throw RequestError(status: .notFound, message: "key: \((error as? any SeerError)?.description ?? "\(error)")")
        }
        let model = try cached("registry:\(key)@\(chosen.version)") {
            let loaded = try Forecaster.loadWithCard(from: chosen.path, verifiedBy: registry, version: chosen)
            return LoadedModel(forecaster: loaded.forecaster, card: loaded.card, source: "version \(chosen.version) of '\(key)'")
        }
        return (model, chosen.version)
    }

    /// Every registry key with its aliases, as JSON members; nil without a registry.
    func registryListing() throws -> String? {
        guard let registry else { return nil }
        return try registryLock.withLock { _ in
            let keys = try registry.keys().map { key in
                let aliases = try registry.aliases(of: key).sorted { $0.key < $1.key }
                    .map { "\(JSONValue.quoted($0.key)):\($0.value)" }.joined(separator: ",")
                return "{\"key\":\(JSONValue.quoted(key)),\"aliases\":{\(aliases)}}"
            }
            return "{\"location\":\(JSONValue.quoted(registry.location)),\"keys\":[\(keys.joined(separator: ","))]}"
        }
    }

    private func cached(_ name: String, load: () throws -> LoadedModel) throws(RequestError) -> LoadedModel {
        if let hit = cache.withLock({ $0[name] }) { return hit }
        do {
            let model = try load()
            return cache.withLock { table in
                if let raced = table[name] { return raced }
                table[name] = model
                return model
            }
        } catch {
            // The model is there but cannot be read: the server's fault as far as the caller can tell.
            throw RequestError(status: .internalServerError, message: "model: cannot load: \((error as? any SeerError)?.description ?? "\(error)")")
        }
    }
}
