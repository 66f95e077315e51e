// The registry on a PostgreSQL server, through libpq (blocking calls, like SQLite's; see
// DECISIONS.md for why not postgres-nio). Statements keep SQLite's `?` placeholders and are
// renumbered to `$1…` here; values travel as text and PostgreSQL types them from their columns.
// Every transaction first takes one transaction-scoped advisory lock, so registry transactions
// run one at a time across every machine — the same guarantee SQLite's BEGIN IMMEDIATE gives,
// which keeps the registry's logic identical on both (registry transactions are a few rows each;
// the training they bracket runs outside them).
import CPostgres
import Foundation
import SeerBase
import SeerData

final class PostgresConnection: RegistryConnection {
    private let handle: OpaquePointer
    /// The URL without its password, for messages.
    let location: String
    var isPostgres: Bool { true }
    /// The advisory lock every registry transaction holds ("seer" in ASCII).
    static let lockKey = 0x7365_6572

    init(url: String) throws {
        location = Self.redacted(url)
        guard let connection = PQconnectdb(url) else { throw DataError(.unavailable, "libpq could not allocate a connection", file: location) }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
            PQfinish(connection)
            throw DataError(.unavailable, "cannot connect to the registry's PostgreSQL server: \(message)", file: location)
        }
        handle = connection
        // Notices (e.g. "relation already exists, skipping") are not errors; keep stderr clean.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, and `password=…` in the
    /// query string → `password=***`.
    static func redacted(_ url: String) -> String {
        var url = url
        if let query = url.range(of: "password=") {
            let end = url[query.upperBound...].firstIndex(of: "&") ?? url.endIndex
            url.replaceSubrange(query.upperBound..<end, with: "***")
        }
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex),
              let colon = url.range(of: ":", range: scheme.upperBound..<at.lowerBound) else { return url }
        return String(url[..<colon.upperBound]) + "***" + String(url[at.lowerBound...])
    }

    /// `?` placeholders renumbered `$1, $2, …` (the registry's statements hold no literal `?`).
    static func numbered(_ sql: String) -> String {
        var out = "", n = 0
        for c in sql {
            if c == "?" { n += 1; out += "$\(n)" } else { out.append(c) }
        }
        return out
    }

    private func run(_ sql: String, _ values: [SQLValue]) throws -> OpaquePointer {
        let texts: [String?] = values.map { value in
            switch value {
            case .null, .blob: return nil
            case .integer(let i): return String(i)
            case .real(let d): return String(d)
            case .text(let s): return s
            }
        }
        var pointers = texts.map { $0.map { strdup($0) } ?? nil }
        defer { for p in pointers { free(p) } }
        let result = pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(1, buffer.count)) { params in
                PQexecParams(handle, Self.numbered(sql), Int32(values.count), nil, values.isEmpty ? nil : params, nil, nil, 0)
            }
        }
        guard let result else { throw DataError(.io, "the PostgreSQL server did not answer: \(errorText())", file: location) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            PQclear(result)
            // Class 08: the connection went away; 40: a serialisation failure or deadlock.
            let kind: DataError.Kind = state.hasPrefix("08") ? .io : state.hasPrefix("40") || state.hasPrefix("55") ? .temporary : .other
            throw DataError(kind, "PostgreSQL: \(message)", file: location)
        }
        return result
    }

    private func errorText() -> String { String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines() }

    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let result = try run(sql, values)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        let result = try run(sql, values)
        defer { PQclear(result) }
        let rows = PQntuples(result), columns = PQnfields(result)
        let types = (0..<columns).map { PQftype(result, $0) }
        return (0..<rows).map { r in
            (0..<columns).map { c -> SQLValue in
                if PQgetisnull(result, r, c) != 0 { return .null }
                let text = String(cString: PQgetvalue(result, r, c))
                switch types[Int(c)] {
                case 20, 21, 23: return Int64(text).map { .integer($0) } ?? .text(text)  // int8, int2, int4
                case 700, 701, 1700: return Double(text).map { .real($0) } ?? .text(text)  // float4, float8, numeric
                default: return .text(text)
                }
            }
        }
    }

    /// The names and type ids of the columns `sql` returns (run with LIMIT 0 around it).
    func columns(of sql: String) throws -> [(name: String, type: UInt32)] {
        let result = try run("SELECT * FROM (\(sql)) AS seer_probe LIMIT 0", [])
        defer { PQclear(result) }
        return (0..<PQnfields(result)).map { (String(cString: PQfname(result, $0)), UInt32(PQftype(result, $0))) }
    }

    /// Runs `body` in a read-only transaction: a source query can read, never write.
    func readOnly<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN READ ONLY", [])
        defer { _ = try? execute("COMMIT", []) }
        return try body()
    }

    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN", [])
        do {
            try execute("SELECT pg_advisory_xact_lock(\(Self.lockKey))", [])
            let value = try body()
            try execute("COMMIT", [])
            return value
        } catch {
            _ = try? execute("ROLLBACK", [])
            throw error
        }
    }
}

private extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.last == "\n" || s.last == "\r" { s.removeLast() }
        return s
    }
}
