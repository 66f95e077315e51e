// The model registry in the conventions MLflow's users know: per model key, integer versions that
// only go up, the aliases `champion` and `challenger` (any other name works too), tags, and a
// history of every alias move. A version's files live under the registry's model store and are
// registered only once they are on disk (written atomically, fsynced), with a SHA-256 of them,
// so no alias can point at a missing or partial model and a changed file is refused on load.
import Foundation
import SeerBase
import SeerData
import SeerTasks

/// One registered version of a model.
public struct ModelVersion: Sendable, Equatable {
    public let key: String
    public let version: Int
    /// The model directory, absolute.
    public let path: String
    /// ISO 8601, UTC.
    public let createdAt: String
    public let dataFingerprint: String
    /// The model's configuration and its evaluation, as JSON objects.
    public let config: JSONValue
    public let metrics: JSONValue
    /// `ready` (files on disk), or `deleted` (removed by gc; the row stays for the history).
    public let status: String
    /// "sha256:" and the hash of config.json then model.safetensors.
    public let checksum: String
    public let runId: String?
}

/// A registry: a database (SQLite beside the model files) and a model store (a directory).
public final class ModelRegistry: @unchecked Sendable {
    let connection: RegistryConnection
    /// Where model directories are written (`<store>/<key>/v<version>`).
    public let store: String
    /// The database, for messages.
    public var location: String { connection.location }

    /// Opens the registry at `location`: a directory holding `registry.db` (SQLite) and `models/`,
    /// or a `postgres://` URL with the model files in `store` (a folder every machine of the job
    /// sees, e.g. a shared file system). With `create` (retraining) a missing registry is created
    /// and an older schema migrated; without it (reading, promoting, serving) a registry that is
    /// not there is an error, so a mistyped path never yields an empty registry.
    public convenience init(location: String, store: String? = nil, create: Bool = true) throws {
        if Self.isPostgresURL(location) {
            guard let store else {
                throw DataError(.usage, "a PostgreSQL registry needs a model store: a folder every machine sees (model_store: in the job, or --model-store)",
                                file: PostgresConnection.redacted(location))
            }
            let folder = DurableFiles.trimmingTrailingSlashes(store)
            if create { try Self.makeDirectories(folder) }
            try self.init(connection: try PostgresConnection(url: location), store: folder, create: create)
            return
        }
        let directory = DurableFiles.trimmingTrailingSlashes(location)
        if !create, ((try? DurableFiles.entryKind(directory + "/registry.db")) ?? DurableFiles.EntryKind.none) == DurableFiles.EntryKind.none {
            throw DataError(.missingInput, "is not a registry (no registry.db); seer retrain creates one", file: directory)
        }
        if create { try Self.makeDirectories(directory + "/models") }
        try self.init(connection: try SQLiteRegistryConnection(path: directory + "/registry.db"),
                      store: store.map(DurableFiles.trimmingTrailingSlashes) ?? directory + "/models", create: create)
    }

    /// Whether a registry location names a PostgreSQL server.
    public static func isPostgresURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    init(connection: RegistryConnection, store: String, create: Bool = true) throws {
        self.connection = connection
        self.store = store
        if !create, (try? connection.query("SELECT value FROM meta WHERE name = 'schema_version'", []).first) == nil {
            throw DataError(.missingInput, "holds no Seer registry; seer retrain creates one", file: connection.location)
        }
        try RegistrySchema.migrate(connection)
        try claimStore()
    }

    /// The model store belongs to one registry: its id is written into the store on first use, and
    /// a store holding another registry's id is refused (two registries giving out the same
    /// version numbers in one folder would overwrite each other's files).
    func claimStore() throws {
        func id() throws -> String? { try connection.query("SELECT value FROM meta WHERE name = 'registry_id'", []).first?[0].text }
        if try id() == nil {
            try connection.transaction {
                try connection.execute("INSERT INTO meta (name, value) VALUES ('registry_id', ?) ON CONFLICT (name) DO NOTHING",
                                       [.text(UUID().uuidString.lowercased())])
            }
        }
        guard let registryId = try id() else { throw DataError(.other, "the registry has no id", file: location) }
        let marker = store + "/.seer-registry-id"
        if let found = try? DurableFiles.readFile(marker) {
            let text = String(decoding: found, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text == registryId else {
                throw DataError(.usage, "belongs to another registry (id \(text); this one is \(registryId)); give each registry its own model store", file: store)
            }
        } else if (try? DurableFiles.entryKind(store)) == .directory {
            try DurableFiles.writeAtomically(Array((registryId + "\n").utf8), to: marker)
        }
    }

    static func makeDirectories(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DataError(.io, "cannot create the registry's directory: \(error.localizedDescription)", file: path)
        }
    }

    // MARK: reading

    /// Every model key with at least one version, sorted.
    public func keys() throws -> [String] {
        try connection.query("SELECT DISTINCT key FROM models ORDER BY key", []).compactMap { $0[0].text }
    }

    static let versionColumns = "key, version, path, created_at, data_fingerprint, config, metrics, status, checksum, run_id"

    func version(from row: [SQLValue]) -> ModelVersion {
        func json(_ value: SQLValue) -> JSONValue { (try? JSONValue(parsing: Array((value.text ?? "{}").utf8), source: "registry")) ?? .object([:]) }
        let relative = row[2].text ?? ""
        return ModelVersion(key: row[0].text ?? "", version: row[1].int ?? 0, path: relative.hasPrefix("/") ? relative : store + "/" + relative,
                            createdAt: row[3].text ?? "", dataFingerprint: row[4].text ?? "", config: json(row[5]), metrics: json(row[6]),
                            status: row[7].text ?? "", checksum: row[8].text ?? "", runId: row[9].text)
    }

    /// Every version of `key`, oldest first.
    public func versions(of key: String) throws -> [ModelVersion] {
        try connection.query("SELECT \(Self.versionColumns) FROM models WHERE key = ? ORDER BY version", [.text(key)]).map(version(from:))
    }

    /// One version of `key`, or nil.
    public func version(_ number: Int, of key: String) throws -> ModelVersion? {
        try connection.query("SELECT \(Self.versionColumns) FROM models WHERE key = ? AND version = ?", [.text(key), .integer(Int64(number))])
            .first.map(version(from:))
    }

    /// The aliases of `key` and the versions they point at.
    public func aliases(of key: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try connection.query("SELECT alias, version FROM aliases WHERE key = ?", [.text(key)]) {
            if let alias = row[0].text, let version = row[1].int { out[alias] = version }
        }
        return out
    }

    /// The tags of one version.
    public func tags(of key: String, version: Int) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try connection.query("SELECT name, value FROM tags WHERE key = ? AND version = ?", [.text(key), .integer(Int64(version))]) {
            if let name = row[0].text, let value = row[1].text { out[name] = value }
        }
        return out
    }

    /// The version an alias points at, or nil.
    public func version(alias: String, of key: String) throws -> ModelVersion? {
        guard let number = try aliases(of: key)[alias] else { return nil }
        return try version(number, of: key)
    }

    /// `key`'s champion, or nil when it has none.
    public func champion(of key: String) throws -> ModelVersion? { try version(alias: "champion", of: key) }

    /// A version named by its number or an alias ("3", "v3", "champion").
    public func resolve(_ name: String, of key: String) throws -> ModelVersion {
        let digits = name.hasPrefix("v") ? String(name.dropFirst()) : name
        let found = try Int(digits).map { try version($0, of: key) } ?? version(alias: name, of: key)
        guard let found else {
            throw DataError(.missingInput, "model key '\(key)' has no version or alias '\(name)'", file: location)
        }
        return found
    }

    // MARK: files

    /// "sha256:" + the SHA-256 of a model directory's config.json then model.safetensors.
    public static func checksum(ofModelAt directory: String) throws -> String {
        var hash = SHA256()
        for name in ["config.json", "model.safetensors"] {
            let path = directory + "/" + name
            guard (try? DurableFiles.entryKind(path)) != DurableFiles.EntryKind.none else {
                throw DataError(.missingInput, "the model's \(name) is missing", file: directory)
            }
            hash.update(Array(name.utf8))
            hash.update(try DurableFiles.readFile(path))
        }
        return "sha256:" + hash.finalizeHex()
    }

    /// Checks a version's files against the checksum it was registered with.
    public func verify(_ version: ModelVersion) throws {
        guard version.status == "ready" else {
            throw DataError(.missingInput, "model '\(version.key)' version \(version.version) is \(version.status); its files are gone", file: version.path)
        }
        let found = try Self.checksum(ofModelAt: version.path)
        guard found == version.checksum else {
            throw DataError(.badInput, "model '\(version.key)' version \(version.version) no longer matches its checksum (registered \(version.checksum), found \(found)); "
                            + "the files changed after registration — promote or retrain another version", file: version.path)
        }
    }

    /// A forecaster version's model, after its checksum is verified.
    public func loadForecaster(_ version: ModelVersion) throws -> Forecaster {
        try verify(version)
        return try Forecaster.load(from: version.path).forecaster
    }

    /// A directory name for `key` that any file system takes: letters, digits, '.', '_' and '-'
    /// kept, anything else as %XX, long keys cut and told apart by a hash.
    static func directoryName(_ key: String) -> String {
        var out = ""
        for byte in key.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || (c == "." && !out.isEmpty)) { out.append(c) }
            else { out += String(format: "%%%02X", byte) }
        }
        if out.isEmpty { out = "%" }
        if out.count > 120 { out = String(out.prefix(100)) + "~" + String(SHA256.hex(Array(key.utf8)).prefix(16)) }
        return out
    }

    static func now() -> (seconds: Double, text: String) {
        let date = Date()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (date.timeIntervalSince1970, formatter.string(from: date))
    }
}

extension ModelRegistry {
    /// Creates an empty database `name` on the PostgreSQL server of `adminURL` (a URL whose user may
    /// create databases) and returns its URL — for benchmarks and tests that need a registry of their own.
    public static func createPostgresDatabase(named name: String, adminURL: String) throws -> String {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), let slash = adminURL.lastIndex(of: "/"),
              slash > adminURL.index(adminURL.startIndex, offsetBy: min(adminURL.count, 13)) else {
            throw DataError(.usage, "cannot make a database '\(name)' from '\(PostgresConnection.redacted(adminURL))'", file: "postgres")
        }
        try PostgresConnection(url: adminURL).execute("CREATE DATABASE \(name)", [])
        return String(adminURL[..<slash]) + "/" + name
    }
}
