// One compiled SQLite statement, as SQLiteDatabase.prepare hands it out: binding parameters,
// stepping through rows (failures become DataErrors naming the source) and reading cells.
import SeerBase
import CSQLite

/// One compiled statement; finalized when the object goes away. It keeps its database alive.
package final class SQLiteStatement {
    package let database: SQLiteDatabase
    private let handle: OpaquePointer
    /// The source its errors name (`db.sqlite:query`, or the file).
    package let place: String

    /// Wraps a prepared statement; only `SQLiteDatabase.prepare` makes these.
    init(database: SQLiteDatabase, handle: OpaquePointer, place: String) {
        self.database = database
        self.handle = handle
        self.place = place
    }

    deinit { sqlite3_finalize(handle) }

    /// Whether the statement can change nothing in the database file.
    package var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    package var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    package var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The result column names (`AS` names for expressions in a query).
    package var columnNames: [String] {
        (0..<columnCount).map { i in
            sqlite3_column_name(handle, Int32(i)).map { String(cString: $0) } ?? "column_\(i + 1)"
        }
    }

    // MARK: binding

    /// Binds `values` to the parameters `?1 … ?n`; the count must match exactly.
    package func bind(_ values: [SQLiteValue]) throws {
        guard values.count == parameterCount else {
            throw DataError(.usage, "the SQL has \(parameterCount) parameter(s) but \(values.count) value(s) were given",
                            at: SourceLocation(file: place))
        }
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
    }

    /// Binds one value to parameter `index` (1-based).
    package func bind(_ value: SQLiteValue, at index: Int32) throws {
        // SQLITE_TRANSIENT (a macro Swift cannot import): SQLite copies the bytes before returning.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(handle, index)
        case .integer(let v):
            code = sqlite3_bind_int64(handle, index, v)
        case .real(let v):
            code = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            let length = UInt64(v.utf8.count)
            code = v.withCString { sqlite3_bind_text64(handle, index, $0, length, transient, UInt8(SQLITE_UTF8)) }
        case .blob(let v):
            code = v.isEmpty
                ? sqlite3_bind_zeroblob(handle, index, 0)  // a nil pointer would bind NULL instead
                : v.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), transient) }
        }
        guard code == SQLITE_OK else { throw database.failure(code, "cannot bind parameter \(index)", at: place) }
    }

    // MARK: stepping

    /// Advances to the next row: true when a row is ready, false when the statement is done.
    package func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.failure(code, "SQL statement failed", at: place)
            sqlite3_reset(handle)  // leave the statement reusable and not holding a read lock
            throw error
        }
    }

    /// Makes the statement runnable again, keeping its bindings.
    package func reset() { sqlite3_reset(handle) }

    // MARK: cells (valid between a `step` that returned true and the next `step`/`reset`)

    /// The storage class of a cell (SQLite types values, not columns).
    package enum CellType { case integer, real, text, blob, null }

    package func type(_ column: Int) -> CellType {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    package func int64(_ column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    package func double(_ column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }

    /// Calls `body` with the cell's UTF-8 bytes, without copying them into a String.
    package func withText<R>(_ column: Int, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        // Text first, then its length: the order SQLite documents as safe.
        let text = sqlite3_column_text(handle, Int32(column))
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        if let text { return try body(text, count) }
        var empty: UInt8 = 0  // SQLite gives nil for an empty value in some cases
        return try body(&empty, 0)
    }

    /// The cell as text (invalid UTF-8 repaired with U+FFFD; use `withText` to detect it).
    package func string(_ column: Int) -> String {
        withText(column) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
    }
}

