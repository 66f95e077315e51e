// The registry on a PostgreSQL server, through libpq (opened at run time by CPostgres; blocking
// calls, like SQLite's; see DECISIONS.md for why not postgres-nio). Statements keep SQLite's `?` placeholders and are
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
        if let missing = seer_pq_load() { throw DataError(.unavailable, String(cString: missing), file: location) }
        guard let connection = seer_pq_connectdb(url) else { throw DataError(.unavailable, "libpq could not allocate a connection", file: location) }
        guard seer_pq_status(connection) == Int32(SEER_PQ_CONNECTION_OK) else {
            let message = String(cString: seer_pq_error_message(connection)).trimmingTrailingNewlines()
            seer_pq_finish(connection)
            throw DataError(.unavailable, "cannot connect to the registry's PostgreSQL server: \(message)", file: location)
        }
        handle = connection
        // Notices (e.g. "relation already exists, skipping") are not errors; keep stderr clean.
        seer_pq_silence_notices(connection)
    }

    deinit { seer_pq_finish(handle) }

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
                seer_pq_exec_params(handle, Self.numbered(sql), Int32(values.count), values.isEmpty ? nil : params)
            }
        }
        guard let result else { throw DataError(.io, "the PostgreSQL server did not answer: \(errorText())", file: location) }
        let status = seer_pq_result_status(result)
        guard status == Int32(SEER_PQ_COMMAND_OK) || status == Int32(SEER_PQ_TUPLES_OK) else {
            let message = String(cString: seer_pq_result_error_message(result)).trimmingTrailingNewlines()
            let state = seer_pq_result_error_field(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            seer_pq_clear(result)
            let lost = seer_pq_status(handle) != Int32(SEER_PQ_CONNECTION_OK)
            throw DataError(Self.kind(sqlState: state, connectionLost: lost), "PostgreSQL: \(message)", file: location)
        }
        return result
    }

    /// What a failed statement means for the run. The server going away is I/O (exit 74) however
    /// it shows: SQLSTATE class 08 (connection exception), class 57 (operator intervention: an
    /// administrator's shutdown, a crash, "cannot connect now"), or no SQLSTATE at all with the
    /// connection now bad — libpq's own "server closed the connection unexpectedly", which is what
    /// a client sees when its backend dies before it can send a FATAL message (CI saw exactly this).
    /// Class 40 (serialisation failure, deadlock) and 55 (lock not available) are worth a retry.
    static func kind(sqlState state: String, connectionLost: Bool) -> DataError.Kind {
        if connectionLost || state.hasPrefix("08") || state.hasPrefix("57") { return .io }
        if state.hasPrefix("40") || state.hasPrefix("55") { return .temporary }
        return .other
    }

    private func errorText() -> String { String(cString: seer_pq_error_message(handle)).trimmingTrailingNewlines() }

    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let result = try run(sql, values)
        defer { seer_pq_clear(result) }
        return Int(String(cString: seer_pq_cmd_tuples(result))) ?? 0
    }

    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        let result = try run(sql, values)
        defer { seer_pq_clear(result) }
        let rows = seer_pq_ntuples(result), columns = seer_pq_nfields(result)
        let types = (0..<columns).map { seer_pq_ftype(result, $0) }
        return (0..<rows).map { r in
            (0..<columns).map { c -> SQLValue in
                if seer_pq_getisnull(result, r, c) != 0 { return .null }
                let text = String(cString: seer_pq_getvalue(result, r, c))
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
        defer { seer_pq_clear(result) }
        return (0..<seer_pq_nfields(result)).map { (String(cString: seer_pq_fname(result, $0)), UInt32(seer_pq_ftype(result, $0))) }
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
