// Changing the registry: giving a version number, registering a version whose files are already
// durable, moving aliases (promote, rollback), and gc. Each change is one transaction, and file
// removal happens only after the rows that could lead to the files are gone, so every crash
// leaves either the old state or the new one plus, at worst, an unreferenced directory that the
// next gc sweeps.
import Foundation
import SeerBase
import SeerData

/// What to register with a new version.
public struct NewVersion: Sendable {
    public var key: String
    public var version: Int
    public var dataFingerprint: String
    public var config: JSONValue
    public var metrics: JSONValue
    public var tags: [String: String]
    /// Aliases to point at the new version (e.g. challenger, or champion and challenger).
    public var aliases: [String]
    public var runId: String?
    /// Why the aliases moved, for the history.
    public var reason: String

    public init(key: String, version: Int, dataFingerprint: String, config: JSONValue, metrics: JSONValue, tags: [String: String] = [:],
                aliases: [String] = [], runId: String? = nil, reason: String = "") {
        self.key = key
        self.version = version
        self.dataFingerprint = dataFingerprint
        self.config = config
        self.metrics = metrics
        self.tags = tags
        self.aliases = aliases
        self.runId = runId
        self.reason = reason
    }
}

extension ModelRegistry {
    /// Takes the next version number of `key` (numbers only go up; one taken by a run that then
    /// failed is never given again).
    public func nextVersion(of key: String) throws -> Int {
        try connection.transaction {
            try connection.execute("INSERT INTO model_keys (key, last_version) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET last_version = model_keys.last_version + 1",
                                   [.text(key)])
            guard let version = try connection.query("SELECT last_version FROM model_keys WHERE key = ?", [.text(key)]).first?[0].int else {
                throw DataError(.other, "the registry gave no version for '\(key)'", file: location)
            }
            return version
        }
    }

    /// The directory a version's files go to (its key's folder is created, durably; the version's
    /// own folder is left to the atomic model save).
    public func directory(for key: String, version: Int) throws -> String {
        let folder = store + "/" + Self.directoryName(key)
        if (try? DurableFiles.entryKind(folder)) != .directory {
            try Self.makeDirectories(folder)
            DurableFiles.syncDirectory(store)
        }
        let path = folder + "/v\(version)"
        return path
    }

    /// `directory(for:version:)` for a version about to be written: a fresh version number never
    /// has files, so finding some means another registry writes to this store.
    func freshDirectory(for key: String, version: Int) throws -> String {
        let path = try directory(for: key, version: version)
        guard (try? DurableFiles.entryKind(path)) == DurableFiles.EntryKind.none else {
            throw DataError(.io, "already exists, though version \(version) of '\(key)' was just given out: is another registry writing to this model store?",
                            file: path)
        }
        return path
    }

    /// Registers `new`, whose model directory (`directory(for:version:)`) is already written and
    /// synced: its checksum is taken, then the row, tags and aliases commit together. `inside`
    /// runs in the same transaction (the retrain loop marks its work done there, so a key is
    /// registered and finished at once or not at all); throwing from it registers nothing.
    public func register(_ new: NewVersion, inside: () throws -> Void = {}) throws -> ModelVersion {
        let path = try directory(for: new.key, version: new.version)
        let checksum = try Self.checksum(ofModelAt: path)
        let relative = String(path.dropFirst(store.count + 1))
        let (_, now) = Self.now()
        try connection.transaction {
            try inside()
            try connection.execute("""
                INSERT INTO models (key, version, path, created_at, data_fingerprint, config, metrics, status, checksum, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?)
                """, [.text(new.key), .integer(Int64(new.version)), .text(relative), .text(now), .text(new.dataFingerprint),
                      .text(try new.config.jsonText(indent: 0)), .text(try new.metrics.jsonText(indent: 0)), .text(checksum),
                      new.runId.map { .text($0) } ?? .null])
            for (name, value) in new.tags.sorted(by: { $0.key < $1.key }) {
                try connection.execute("INSERT INTO tags (key, version, name, value) VALUES (?, ?, ?, ?)",
                                       [.text(new.key), .integer(Int64(new.version)), .text(name), .text(value)])
            }
            for alias in new.aliases { try moveAlias(alias, of: new.key, to: new.version, reason: new.reason, at: now) }
            CrashPoint.reach("registering")
        }
        guard let registered = try version(new.version, of: new.key) else {
            throw DataError(.other, "version \(new.version) of '\(new.key)' vanished after registration", file: location)
        }
        return registered
    }

    /// Points `alias` at `version` (inside a transaction), recording the move.
    func moveAlias(_ alias: String, of key: String, to version: Int, reason: String, at now: String) throws {
        // Checked here, inside the transaction, so gc (which deletes only versions no alias
        // points at, in its own transaction) and a promote can never interleave wrongly.
        guard try connection.query("SELECT status FROM models WHERE key = ? AND version = ?", [.text(key), .integer(Int64(version))]).first?[0].text == "ready" else {
            throw DataError(.missingInput, "version \(version) of '\(key)' is not registered or its files were deleted", file: location)
        }
        try connection.execute("INSERT INTO aliases (key, alias, version) VALUES (?, ?, ?) ON CONFLICT (key, alias) DO UPDATE SET version = excluded.version",
                               [.text(key), .text(alias), .integer(Int64(version))])
        try connection.execute("INSERT INTO alias_history (key, alias, version, set_at, reason) VALUES (?, ?, ?, ?, ?)",
                               [.text(key), .text(alias), .integer(Int64(version)), .text(now), .text(reason)])
    }

    /// Makes `version` the champion of `key`, after checking its files against their checksum.
    public func promote(_ key: String, version number: Int, reason: String = "promoted by hand") throws {
        guard let target = try version(number, of: key) else {
            throw DataError(.missingInput, "model key '\(key)' has no version \(number)", file: location)
        }
        try verify(target)
        try connection.transaction {
            try moveAlias("champion", of: key, to: number, reason: reason, at: Self.now().text)
        }
    }

    static let rollbackReason = "rollback from version "

    /// Moves `key`'s champion back to the champion before it (the latest earlier champion whose
    /// files are still there); returns that version.
    @discardableResult
    public func rollback(_ key: String) throws -> Int {
        guard let current = try aliases(of: key)["champion"] else {
            throw DataError(.missingInput, "model key '\(key)' has no champion to roll back", file: location)
        }
        // Newest first; a champion that was rolled back from is never chosen again, so repeated
        // rollbacks step back through the history (v5 → v4 → v3) instead of flipping v4 ↔ v5.
        let history = try connection.query("SELECT version, reason FROM alias_history WHERE key = ? AND alias = 'champion' ORDER BY id DESC", [.text(key)])
        var rolledBackFrom: Set<Int> = [current]
        for row in history {
            if let reason = row[1].text, reason.hasPrefix(Self.rollbackReason), let from = Int(reason.dropFirst(Self.rollbackReason.count)) {
                rolledBackFrom.insert(from)
            }
        }
        for candidate in history.compactMap({ $0[0].int }) where !rolledBackFrom.contains(candidate) {
            guard let version = try version(candidate, of: key), version.status == "ready", (try? verify(version)) != nil else { continue }
            try connection.transaction {
                try moveAlias("champion", of: key, to: candidate, reason: Self.rollbackReason + String(current), at: Self.now().text)
            }
            return candidate
        }
        throw DataError(.missingInput, "model key '\(key)' has no earlier champion whose files are intact", file: location)
    }

    /// Deletes the files of every version that no alias points at and that is not among the
    /// newest `keep` of its key; their rows stay, marked `deleted`. Directories under the store
    /// that no row knows (left by a run that died before registering) and older than
    /// `orphanAge` seconds go too. Returns the versions deleted.
    @discardableResult
    public func gc(keep: Int, key only: String? = nil, orphanAge: Double = 3_600) throws -> [ModelVersion] {
        precondition(keep >= 0)
        var removed: [ModelVersion] = []
        let keys = try only.map { [$0] } ?? self.keys()
        for key in keys {
            let versions = try self.versions(of: key).filter { $0.status == "ready" }
            let pinned = Set(try aliases(of: key).values)
            let newest = Set(versions.suffix(keep).map(\.version))
            for version in versions where !pinned.contains(version.version) && !newest.contains(version.version) {
                // The row first: once it says deleted nobody loads it, whatever happens to the files.
                let changed = try connection.transaction {
                    try connection.execute("UPDATE models SET status = 'deleted' WHERE key = ? AND version = ? AND status = 'ready' "
                                           + "AND NOT EXISTS (SELECT 1 FROM aliases WHERE aliases.key = models.key AND aliases.version = models.version)",
                                           [.text(key), .integer(Int64(version.version))])
                }
                if changed == 1 {
                    try? FileManager.default.removeItem(atPath: version.path)
                    removed.append(version)
                }
            }
        }
        if only == nil { try sweepOrphans(olderThan: orphanAge) }
        return removed
    }

    /// `v<digits>`, or the staging `v<digits>.tmp-…` of an atomic save: the only names the sweep
    /// may delete, so a model store shared with other files loses nothing else.
    static func isVersionDirectoryName(_ name: String) -> Bool {
        guard name.hasPrefix("v") else { return false }
        let digits = name.dropFirst().prefix { $0.isASCII && $0.isNumber }
        let rest = name.dropFirst(1 + digits.count)
        return !digits.isEmpty && (rest.isEmpty || rest.hasPrefix(".tmp-"))
    }

    /// Removes version directories no `ready` row points at, older than `age` seconds.
    func sweepOrphans(olderThan age: Double) throws {
        let known = Set(try connection.query("SELECT path FROM models WHERE status = 'ready'", []).compactMap { $0[0].text })
        let now = Date().timeIntervalSince1970
        let files = FileManager.default
        for keyDirectory in (try? files.contentsOfDirectory(atPath: store)) ?? [] {
            for entry in (try? files.contentsOfDirectory(atPath: store + "/" + keyDirectory)) ?? [] where Self.isVersionDirectoryName(entry) {
                let relative = keyDirectory + "/" + entry, path = store + "/" + relative
                guard !known.contains(relative),
                      let modified = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                      now - modified.timeIntervalSince1970 > age else { continue }
                try? files.removeItem(atPath: path)
            }
        }
    }
}
