// The registry's view of a SQL database: statements with `?` placeholders, rows as values, and
// transactions that take the write lock up front. The registry's logic (ModelRegistry) is written
// once against this; SQLite is the embedded default, and a server database (PostgreSQL, for many
// machines) implements the same few calls with its own placeholders and locks.
import SeerBase
import SeerData
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value bound to or read from a registry statement.
public typealias SQLValue = SQLiteValue

/// One connection to the registry's database.
protocol RegistryConnection: AnyObject {
    /// Where the database is, for messages.
    var location: String { get }
    /// PostgreSQL rather than SQLite (the DDL differs in one word).
    var isPostgres: Bool { get }
    /// Runs one statement; returns the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Every row of a query, each as its cells.
    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]]
    /// Runs `body` with the database's write lock held for the whole transaction: everything in
    /// it commits together or not at all, and two processes never interleave inside one.
    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T
}

extension SQLValue {
    var text: String? {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .null, .blob: return nil
        }
    }

    var int: Int? {
        switch self {
        case .integer(let i): return Int(i)
        case .real(let d): return d.isFinite && d == d.rounded() ? Int(d) : nil
        case .text(let s): return Int(s)
        case .null, .blob: return nil
        }
    }

    var double: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        case .text(let s): return Double(s)
        case .null, .blob: return nil
        }
    }
}

/// The embedded registry database: one SQLite file in WAL mode (readers never wait for the
/// writer), a long busy timeout (four shard processes queue for the write lock rather than
/// fail), `BEGIN IMMEDIATE` transactions, and full fsync at every commit.
final class SQLiteRegistryConnection: RegistryConnection {
    let database: SQLiteDatabase
    var location: String { database.path }
    var isPostgres: Bool { false }

    init(path: String) throws {
        // A registry on a read-only file system (a snapshot mounted into a pod) can still be read:
        // SQLite could not create the WAL's -shm file there, and nobody can write it anyway.
        if SQLiteDatabase.fileSystemState(of: path).readOnly, access(path, F_OK) == 0 {
            database = try SQLiteDatabase(path: path, mode: .immutable)
            return
        }
        database = try SQLiteDatabase(path: path, mode: .readWrite)
        database.setBusyTimeout(milliseconds: Self.lockWait)
        // WAL: a reader (seer models list, a morning forecast) never blocks the nightly writers.
        _ = try database.rows("PRAGMA journal_mode = WAL", []) { $0.string(0) }
        // FULL: a commit is on disk when it returns, so a registered model survives a power cut.
        try database.execute("PRAGMA synchronous = FULL")
    }

    /// How long a write waits for another process's lock: 60 s, or SEER_REGISTRY_LOCK_WAIT seconds
    /// (an operator whose registry sits behind a slow share, or a test that wants the failure now).
    static var lockWait: Int32 {
        guard let text = getenv("SEER_REGISTRY_LOCK_WAIT").map({ String(cString: $0) }), let seconds = Double(text),
              seconds.isFinite, seconds >= 0, seconds <= 86_400 else { return 60_000 }
        return Int32(seconds * 1000)
    }

    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue]) throws -> Int { try database.execute(sql, values) }

    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        try database.rows(sql, values) { statement in
            (0..<statement.columnCount).map { c -> SQLValue in
                switch statement.type(c) {
                case .integer: return .integer(statement.int64(c))
                case .real: return .real(statement.double(c))
                case .text: return .text(statement.string(c))
                case .null: return .null
                case .blob: return .blob([])
                }
            }
        }
    }

    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T { try database.transaction(body) }
}
