// A thin, throwing wrapper over SQLite's C API for the series reader and writer: open a file
// read-only or read-write, prepare exactly one statement, bind, step, read cells, and run a block
// in one transaction. Every failure becomes a `DataError` naming the database file and carrying
// SQLite's own message, so nothing above this file touches C error codes.
import SeerBase
import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value bound to a query parameter.
public enum SQLiteValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// One open database connection; closed when the object goes away.
package final class SQLiteDatabase {
    package enum Mode {
        /// The file must exist; nothing can be written, even by a statement that slips through.
        case readOnly
        /// The file is created when missing.
        case readWrite
        /// The file must exist and lies on a read-only file system, so nobody can change it:
        /// SQLite is told so (`immutable=1`) and reads a WAL database without its `-shm` file,
        /// which it could not create there.
        case immutable
    }

    package let path: String
    private var handle: OpaquePointer?
    /// How long a statement may wait for another connection's lock, in all.
    private var busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens `path`. Read-only opens check that the file exists first, because SQLite's own
    /// answer for a missing file in read-only mode ("unable to open database file") does not say why.
    package init(path: String, mode: Mode) throws {
        self.path = path
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw DataError(.usage, "'\(path)' is not a usable database path", at: SourceLocation(file: path))
        }
        if mode != .readWrite { try SQLiteDatabase.checkExists(path) }
        // Reading a file nobody can change: say so, or a WAL database would not open at all.
        let mode = mode == .readOnly && SQLiteDatabase.fileSystemState(of: path).readOnly ? .immutable : mode
        let flags = mode == .readWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY
        var db: OpaquePointer?
        let code = mode == .immutable ? sqlite3_open_v2(Self.immutableURI(path), &db, flags | SQLITE_OPEN_URI, nil)
                                      : sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(db)  // SQLite hands back a handle even on failure; it must still be closed
            throw DataError(SQLiteDatabase.kind(of: code), "cannot open the database: \(message)",
                            at: SourceLocation(file: path))
        }
        handle = db
        // Another process writing the same file makes us wait a little instead of failing at once.
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit { close() }

    /// How long a statement waits for another process's lock before failing (5 s by default).
    package func setBusyTimeout(milliseconds: Int32) {
        busyTimeoutMilliseconds = max(0, milliseconds)
        if let handle { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
    }

    /// Runs `attempt` (one whole statement: prepare, bind, step) again while it fails because the
    /// database is busy, until the busy timeout has passed since the first try. SQLite's busy
    /// handler covers most waits, but SQLite skips it and answers "database is locked" at once
    /// where waiting could deadlock: two connections switching a new file to WAL together, a
    /// shared lock that must become exclusive, another connection's WAL clean-up at close.
    /// Only statements outside a transaction are retried: such a statement changed nothing when
    /// it failed, while a transaction's statements are undone as a whole by its caller.
    private func retryingWhileBusy<T>(_ attempt: () throws -> T) throws -> T {
        guard let handle, sqlite3_get_autocommit(handle) != 0 else { return try attempt() }
        let deadline = monotonicSeconds() + Double(busyTimeoutMilliseconds) / 1000
        var pause: UInt32 = 1_000  // µs; doubles to 64 ms, so a held lock is polled, not hammered
        while true {
            do {
                return try attempt()
            } catch let error as DataError where error.kind == .temporary && monotonicSeconds() < deadline {
                usleep(pause)
                pause = min(pause * 2, 64_000)
            }
        }
    }

    /// Closes the connection (statements still alive keep it open until they finish).
    package func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    private static func checkExists(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR {
                throw DataError(.missingInput, "no such database file", at: SourceLocation(file: path))
            }
            throw DataError(.io, "cannot open the database: \(String(cString: strerror(reason)))",
                            at: SourceLocation(file: path))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(.missingInput, "is a directory, not a database file", at: SourceLocation(file: path))
        }
    }

    // MARK: errors

    /// The error kind for a result code: damaged or foreign files and violated constraints are
    /// bad data, SQL errors are a bad request, a lock held elsewhere is temporary (75), everything
    /// else is the OS or the database engine.
    package static func kind(of code: Int32) -> DataError.Kind {
        switch code & 0xFF {
        case SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_TOOBIG: return .badInput
        case SQLITE_ERROR, SQLITE_RANGE, SQLITE_AUTH: return .usage
        // Another process holds the database past the busy timeout: trying again later works.
        case SQLITE_BUSY, SQLITE_LOCKED: return .temporary
        default: return .io
        }
    }

    /// A `DataError` for a failed call: `doing` says what was attempted, SQLite says why.
    /// `place` names the source in the message (`db.sqlite:query`); the file path by default.
    package func failure(_ code: Int32, _ doing: String, at place: String? = nil) -> DataError {
        var message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        // SQLite's "disk I/O error" or "unable to open database file" do not say why; the file system can.
        if SQLiteDatabase.kind(of: code) == .temporary {
            message += " (another process holds its lock; try again when it is done)"
        } else if SQLiteDatabase.kind(of: code) == .io {
            let state = SQLiteDatabase.fileSystemState(of: path)
            if state.readOnly { message += " (its file system is read-only)" } else if state.full { message += " (its file system is full)" }
        }
        return DataError(SQLiteDatabase.kind(of: code), "\(doing): \(message)", at: SourceLocation(file: place ?? path))
    }

    // MARK: statements

    /// Compiles `sql`, which must be exactly one statement. Trailing semicolons, spaces and
    /// comments are fine; a second statement is refused before anything runs, so text such as
    /// `SELECT 1; DROP TABLE t` can never reach `step`.
    package func prepare(_ sql: String, at place: String? = nil) throws -> SQLiteStatement {
        let location = SourceLocation(file: place ?? path)
        guard let handle else { throw DataError(.io, "the database is closed", at: location) }
        let bytes = Array(sql.utf8)
        guard Int32(exactly: bytes.count) != nil else {
            throw DataError(.usage, "the SQL text is too long", at: location)
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { text in
                guard let base = text.baseAddress else { throw DataError(.usage, "the SQL text is empty", at: location) }
                let end = base + text.count
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(handle, base, Int32(text.count), &statement, &tail)
                guard code == SQLITE_OK else { throw failure(code, "cannot prepare the SQL", at: place) }
                guard let statement else { throw DataError(.usage, "the SQL text holds no statement", at: location) }
                let compiled = SQLiteStatement(database: self, handle: statement, place: place ?? path)
                if hasMoreStatements(after: tail, end: end, handle: handle) {
                    throw DataError(.usage, "only one SQL statement is allowed; found more after the first ';'",
                                    at: location)
                }
                return compiled
            }
        }
    }

    /// Whether the text between `tail` and `end` holds another statement. It is compiled (never
    /// run) piece by piece: SQLite yields no statement for whitespace, `;` and comments, and
    /// anything it cannot compile or skip (bad SQL, a NUL byte) counts as "more" too.
    private func hasMoreStatements(after tail: UnsafePointer<CChar>?, end: UnsafePointer<CChar>,
                                   handle: OpaquePointer) -> Bool {
        var rest = tail
        while let start = rest, start < end {
            var extra: OpaquePointer?
            var next: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(handle, start, Int32(end - start), &extra, &next)
            if let extra {
                sqlite3_finalize(extra)
                return true
            }
            guard code == SQLITE_OK else { return true }
            guard let next, next > start else { return true }  // stuck, e.g. at a NUL: text is left
            rest = next
        }
        return false
    }

    /// Runs one statement that returns no rows of interest (DDL, BEGIN, COMMIT, …), with `values`
    /// bound to its `?` placeholders; returns the rows it changed.
    @discardableResult
    package func execute(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int {
        try retryingWhileBusy {
            let statement = try prepare(sql)
            if !values.isEmpty { try statement.bind(values) }
            while try statement.step() {}
            return handle.map { Int(sqlite3_changes($0)) } ?? 0
        }
    }

    /// Every row `sql` returns (with `values` bound), each as `read` maps the statement on it.
    package func rows<T>(_ sql: String, _ values: [SQLiteValue] = [], _ read: (SQLiteStatement) throws -> T) throws -> [T] {
        try retryingWhileBusy {
            let statement = try prepare(sql)
            if !values.isEmpty { try statement.bind(values) }
            var out: [T] = []
            while try statement.step() { out.append(try read(statement)) }
            return out
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; any error rolls everything back, so the
    /// database is either fully changed or untouched. IMMEDIATE takes the write lock up front,
    /// so a concurrent writer makes us wait or fail before anything changes, not halfway.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // SQLite may already have rolled back by itself (e.g. after a full disk); a second
            // ROLLBACK would fail and hide the real error, so only roll back an open transaction.
            if let handle, sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    // MARK: schema

    /// `"name"` with inner quotes doubled: SQLite's quoting of identifiers, so any text, even
    /// `x"; DROP TABLE y; --`, is one harmless name.
    package static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
    }

    /// `"table"` or `"view"` when an object of that name exists (case-insensitively, as SQLite
    /// resolves names), else nil.
    package func objectType(named name: String) throws -> String? {
        let statement = try prepare(
            "SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE")
        try statement.bind(.text(name), at: 1)
        let type = try statement.step() ? statement.string(0) : nil
        statement.reset()
        return type
    }

    /// Throws `.missingInput` naming the tables there are when no table or view `table` exists.
    package func requireTable(_ table: String) throws {
        guard try objectType(named: table) == nil else { return }
        let present = try tableNames()
        let list = present.isEmpty ? "the database has no tables" : "tables: \(present.joined(separator: ", "))"
        throw DataError(.missingInput, "no table or view named '\(table)' (\(list))", at: SourceLocation(file: path))
    }

    /// A user's query, prepared and bound, refused unless it only reads and returns columns. The
    /// read-only open already stops writes; refusing them here gives a clear message instead of
    /// "attempt to write a readonly database" and stops BEGIN, ATTACH and the like.
    package func prepareUserQuery(_ sql: String, parameters: [SQLiteValue], at place: String) throws -> SQLiteStatement {
        let statement = try prepare(sql, at: place)
        guard statement.isReadOnly else {
            throw DataError(.usage, "the query must only read (a SELECT or WITH statement); it would change the database",
                            at: SourceLocation(file: place))
        }
        guard statement.columnCount > 0 else {
            throw DataError(.usage, "the statement returns no columns; expected a SELECT", at: SourceLocation(file: place))
        }
        try statement.bind(parameters)
        return statement
    }

    /// Names of the user tables and views, sorted, for error messages.
    package func tableNames() throws -> [String] {
        let statement = try prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        var names: [String] = []
        while try statement.step() { names.append(statement.string(0)) }
        return names
    }

    /// The column names of `table` (which must exist), in declaration order.
    package func columnNames(ofTable table: String) throws -> [String] {
        try prepare("SELECT * FROM \(SQLiteDatabase.quote(table))").columnNames
    }
}
