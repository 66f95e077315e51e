// The registry's tables and their versions. The schema version lives in the database (`meta`);
// opening a registry applies the migrations it lacks inside one write transaction, so two
// processes opening a new registry at once migrate it once (the second finds it current), and a
// registry from a newer Seer is refused before anything is read or written.
import Foundation
import SeerBase

enum RegistrySchema {
    /// Each migration takes the schema from version i to i + 1. Never edit one that shipped:
    /// add the next.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)
            """,
            // One row per model key: the last version ever given, so versions only go up even
            // after gc deletes the newest rows.
            """
            CREATE TABLE model_keys (key TEXT PRIMARY KEY, last_version INTEGER NOT NULL)
            """,
            """
            CREATE TABLE models (key TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL,
                created_at TEXT NOT NULL, data_fingerprint TEXT NOT NULL, config TEXT NOT NULL,
                metrics TEXT NOT NULL, status TEXT NOT NULL, checksum TEXT NOT NULL, run_id TEXT,
                PRIMARY KEY (key, version))
            """,
            """
            CREATE TABLE aliases (key TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
                PRIMARY KEY (key, alias))
            """,
            // Every alias move, so `rollback` knows the champion before this one and people can
            // audit who promoted what.
            """
            CREATE TABLE alias_history (id {serial} PRIMARY KEY, key TEXT NOT NULL, alias TEXT NOT NULL,
                version INTEGER NOT NULL, set_at TEXT NOT NULL, reason TEXT NOT NULL)
            """,
            """
            CREATE TABLE tags (key TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
                value TEXT NOT NULL, PRIMARY KEY (key, version, name))
            """,
            """
            CREATE TABLE runs (id TEXT PRIMARY KEY, job TEXT NOT NULL, batch TEXT NOT NULL, started TEXT NOT NULL,
                finished TEXT, status TEXT NOT NULL, error TEXT, shard TEXT NOT NULL, host TEXT NOT NULL)
            """,
            // The work of one batch (a night): a key is claimed under a lease, then done or failed.
            """
            CREATE TABLE work (job TEXT NOT NULL, batch TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL,
                owner TEXT, lease_until DOUBLE PRECISION, attempts INTEGER NOT NULL DEFAULT 0, version INTEGER,
                error TEXT, finished TEXT, PRIMARY KEY (job, batch, key))
            """,
        ],
    ]

    /// The version this Seer writes.
    static var current: Int { migrations.count }

    /// Brings the database to `current`, or refuses one from a newer Seer.
    static func migrate(_ connection: RegistryConnection) throws {
        try connection.transaction {
            try connection.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)", [])
            let found = try connection.query("SELECT value FROM meta WHERE name = 'schema_version'", []).first?.first?.int ?? 0
            guard found <= current else {
                throw DataError(.badInput, "the registry's schema is version \(found); this Seer knows versions up to \(current) — upgrade Seer to use it",
                                file: connection.location)
            }
            for step in found..<current {
                for statement in migrations[step] {
                    // The one difference in the DDL: an auto-numbered key.
                    try connection.execute(statement.replacingOccurrences(of: "{serial}", with: connection.isPostgres ? "BIGSERIAL" : "INTEGER"), [])
                }
            }
            if found < current {
                try connection.execute("INSERT INTO meta (name, value) VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                       [.text(String(current))])
            }
        }
    }
}
