// Rows of a live stream appended to a SQLite table: buffered, and written in batches of one
// transaction each (a commit per row would cost a disk sync per row). The table is created when
// missing, with a primary key over the row's identity, and rows are inserted or replaced — so a
// stream that restarts from saved state and scores a few rows again (at-least-once after a
// kill -9) rewrites them instead of duplicating them. WAL mode lets a dashboard read the table
// while the stream writes.
import CSQLite
import SeerBase

/// A table a stream appends to.
public final class SQLiteStreamWriter {
    /// One column of the table: its name and SQLite type.
    public struct Column: Sendable, Equatable {
        public let name: String
        public let type: String
        public init(_ name: String, _ type: String) {
            self.name = name
            self.type = type
        }
    }

    public let path: String
    public let table: String
    public let columns: [Column]
    /// Rows held before a batch is committed.
    public let batchSize: Int
    private let database: SQLiteDatabase
    private let insert: SQLiteStatement
    private var pending: [[SQLiteValue]] = []

    /// Opens (or creates) `path` and the table; an existing table must have exactly these columns.
    /// `key`: the columns that identify a row (its primary key).
    public init(path: String, table: String, columns: [Column], key: [String], batchSize: Int = 1_000) throws {
        precondition(!columns.isEmpty && key.allSatisfy { k in columns.contains { $0.name == k } }, "the key must be among the columns")
        self.path = path
        self.table = table
        self.columns = columns
        self.batchSize = max(1, batchSize)
        guard !table.isEmpty else { throw DataError(.usage, "the table name is empty", at: SourceLocation(file: path)) }
        database = try SQLiteDatabase(path: path, mode: .readWrite)
        try database.execute("PRAGMA journal_mode=WAL")
        let at = SourceLocation(file: "\(path):\(table)")
        switch try database.objectType(named: table) {
        case "view"?:
            throw DataError(.usage, "'\(table)' is a view; write to a table instead", at: at)
        case "table"?:
            let existing = try database.columnNames(ofTable: table)
            guard existing.map(SQLiteSeriesWriter.Layout.asciiLowercased) == columns.map({ SQLiteSeriesWriter.Layout.asciiLowercased($0.name) }) else {
                throw DataError(.usage, "table '\(table)' has the columns \(existing.joined(separator: ", ")); the stream writes "
                                + columns.map(\.name).joined(separator: ", ") + " — choose another --out-table", at: at)
            }
        default:
            let definitions = columns.map { "\(SQLiteDatabase.quote($0.name)) \($0.type)" }
            try database.execute("CREATE TABLE \(SQLiteDatabase.quote(table)) (" + definitions.joined(separator: ", ")
                                 + ", PRIMARY KEY (" + key.map(SQLiteDatabase.quote).joined(separator: ", ") + "))")
        }
        insert = try database.prepare("INSERT OR REPLACE INTO \(SQLiteDatabase.quote(table)) ("
                                      + columns.map { SQLiteDatabase.quote($0.name) }.joined(separator: ", ") + ") VALUES ("
                                      + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")", at: "\(path):\(table)")
    }

    /// Rows appended and not yet committed.
    public var pendingRows: Int { pending.count }

    /// Whether a batch's worth of rows is held (time to `flush`).
    public var isBatchFull: Bool { pending.count >= batchSize }

    /// Holds a row (one value per column) until the next `flush`.
    public func append(_ row: [SQLiteValue]) {
        precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
        pending.append(row)
    }

    /// Commits the rows held, in one transaction. On failure (a lock held past the busy timeout,
    /// a full disk) nothing of the batch is written and the rows stay held for the next try.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        try database.transaction {
            for row in pending {
                try insert.bind(row)
                _ = try insert.step()
                insert.reset()
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
