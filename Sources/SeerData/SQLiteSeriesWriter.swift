// Writes series into an SQLite table in the long layout Nixtla users know: `unique_id` (when
// there are several series), `ds` as ISO text (or the row index), and one REAL column per value
// column with NULL for NaN. The whole write is one transaction, so a failure at any row, or a
// crash, leaves the database exactly as it was.
import SeerBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `TimeSeries` to SQLite tables.
public enum SQLiteSeriesWriter {
    /// What to do when the table is already there.
    public enum IfExists: String, Sendable, CaseIterable, Codable {
        /// Stop with an error; nothing is written.
        case fail
        /// Drop the table and create it anew, in the same transaction as the inserts.
        case replace
        /// Insert the rows into the existing table, whose columns must accept them.
        case append
    }

    /// The series-id column, written when there are several series (or when asked).
    public static let idColumn = "unique_id"
    /// The time column: ISO text in one format for every row (`TimestampFormat`: dates for daily and
    /// coarser series, else `YYYY-MM-DD HH:MM:SS`, in the input's UTC offset when it gave one), or the
    /// 0-based row index for an index axis.
    public static let timeColumn = "ds"

    /// Writes every series of `collection` to `table` in the database at `path` (created when
    /// missing), in one transaction. All series must have the same value columns and the same
    /// kind of time axis. Returns the number of rows written.
    @discardableResult
    public static func write(_ collection: SeriesCollection, to path: String, table: String,
                             ifExists: IfExists = .fail, writeIds: Bool = false, timestampFormat: TimestampFormat? = nil) throws -> Int {
        let layout = try Layout(collection, table: table, path: path, writeIds: writeIds || collection.count > 1)
        // One format for the whole `ds` column (TimestampFormat): the caller's, or chosen from the series.
        let stamps = collection.compactMap(\.time.timestamps)
        let offsets = Set(collection.map(\.utcOffset))
        let format = timestampFormat ?? TimestampFormat.choose(stamps, frequency: stamps.first.flatMap { Frequency.infer($0) },
                                                               utcOffset: offsets.count == 1 ? offsets.first! : nil)
        let existed = fileExists(path)
        do {
            let database = try SQLiteDatabase(path: path, mode: .readWrite)
            defer { database.close() }
            return try database.transaction {
                try prepareTable(layout, in: database, ifExists: ifExists)
                return try insertRows(collection, layout: layout, format: format, into: database)
            }
        } catch {
            // Opening with SQLITE_OPEN_CREATE made an empty file; a failed write should not leave it behind.
            if !existed { removeIfEmpty(path) }
            throw error
        }
    }

    /// Writes one series; see `write(_:to:table:ifExists:writeIds:)` for a collection.
    @discardableResult
    public static func write(_ series: TimeSeries, to path: String, table: String,
                             ifExists: IfExists = .fail, writeIds: Bool = false) throws -> Int {
        try write(try SeriesCollection([series]), to: path, table: table, ifExists: ifExists, writeIds: writeIds)
    }

    // MARK: layout

    /// The table's columns, checked before the database is touched.
    struct Layout {
        var table: String
        var writeIds: Bool
        var hasTimestamps: Bool
        var valueNames: [String]

        init(_ collection: SeriesCollection, table: String, path: String, writeIds: Bool) throws {
            let at = SourceLocation(file: "\(path):\(table)")
            guard !table.isEmpty else { throw DataError(.usage, "the table name is empty", at: at) }
            guard let first = collection.first else { throw DataError(.usage, "there are no series to write", at: at) }
            self.table = table
            self.writeIds = writeIds
            hasTimestamps = first.time.timestamps != nil
            valueNames = first.columnNames
            guard !valueNames.isEmpty else { throw DataError(.usage, "series '\(first.id)' has no value columns", at: at) }
            for series in collection {
                guard series.columnNames == valueNames else {
                    throw DataError(.usage, "series '\(series.id)' has columns \(series.columnNames.joined(separator: ", ")) but '\(first.id)' has \(valueNames.joined(separator: ", ")); one table needs the same columns", at: at)
                }
                guard (series.time.timestamps != nil) == hasTimestamps else {
                    throw DataError(.usage, "series '\(series.id)' and '\(first.id)' differ in having timestamps; one table needs one kind of time column", at: at)
                }
            }
            // SQLite compares column names without regard to ASCII case, so `Y` and `y` clash.
            var seen: [String: String] = [:]
            for name in columnNames {
                let key = Layout.asciiLowercased(name)
                if let other = seen[key] {
                    throw DataError(.usage, "column names '\(other)' and '\(name)' are the same to SQLite; rename one", at: at)
                }
                seen[key] = name
            }
        }

        /// `name` with A–Z lowered and nothing else, the way SQLite folds identifiers.
        static func asciiLowercased(_ name: String) -> String {
            var out = String.UnicodeScalarView()
            for scalar in name.unicodeScalars {
                let isUpper = scalar.value >= 0x41 && scalar.value <= 0x5A
                out.append(isUpper ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar)
            }
            return String(out)
        }

        /// Every column in table order.
        var columnNames: [String] {
            (writeIds ? [SQLiteSeriesWriter.idColumn] : []) + [SQLiteSeriesWriter.timeColumn] + valueNames
        }

        var createSQL: String {
            var columns: [String] = []
            if writeIds { columns.append("\(SQLiteDatabase.quote(SQLiteSeriesWriter.idColumn)) TEXT NOT NULL") }
            columns.append("\(SQLiteDatabase.quote(SQLiteSeriesWriter.timeColumn)) \(hasTimestamps ? "TEXT" : "INTEGER") NOT NULL")
            columns += valueNames.map { "\(SQLiteDatabase.quote($0)) REAL" }
            return "CREATE TABLE \(SQLiteDatabase.quote(table)) (\(columns.joined(separator: ", ")))"
        }

        var insertSQL: String {
            let names = columnNames.map(SQLiteDatabase.quote).joined(separator: ", ")
            let slots = Array(repeating: "?", count: columnNames.count).joined(separator: ", ")
            return "INSERT INTO \(SQLiteDatabase.quote(table)) (\(names)) VALUES (\(slots))"
        }
    }

    // MARK: writing (inside the transaction)

    /// Applies `ifExists` and creates the table when needed.
    private static func prepareTable(_ layout: Layout, in database: SQLiteDatabase, ifExists: IfExists) throws {
        let at = SourceLocation(file: "\(database.path):\(layout.table)")
        switch (try database.objectType(named: layout.table), ifExists) {
        case (nil, _):
            break
        case ("view"?, _):
            throw DataError(.usage, "'\(layout.table)' is a view; write to a table instead", at: at)
        case (_, .fail):
            throw DataError(.usage, "table '\(layout.table)' already exists; choose replace or append", at: at)
        case (_, .append):
            return
        case (_, .replace):
            // Inside the caller's transaction: if anything later fails, the old table comes back.
            try database.execute("DROP TABLE \(SQLiteDatabase.quote(layout.table))")
        }
        try database.execute(layout.createSQL)
    }

    /// Inserts every row with one prepared statement, re-bound per row.
    private static func insertRows(_ collection: SeriesCollection, layout: Layout,
                                   format: TimestampFormat, into database: SQLiteDatabase) throws -> Int {
        let insert: SQLiteStatement
        do {
            insert = try database.prepare(layout.insertSQL)
        } catch let error as DataError {
            // Typically `.append` into a table without one of our columns; SQLite names it.
            throw DataError(error.kind, "cannot insert into '\(layout.table)' (columns \(layout.columnNames.joined(separator: ", "))): \(error.message)",
                            at: error.location)
        }
        // Parameter slots follow the column order: [unique_id], ds, values…
        let timeSlot: Int32 = layout.writeIds ? 2 : 1
        var written = 0
        for series in collection {
            let timestamps = series.time.timestamps
            for row in 0..<series.rowCount {
                if layout.writeIds { try insert.bind(.text(series.id), at: 1) }
                if let timestamps {
                    try insert.bind(.text(try isoText(timestamps[row], format: format, series: series, row: row)), at: timeSlot)
                } else {
                    try insert.bind(.integer(Int64(row)), at: timeSlot)
                }
                for (k, column) in series.columns.enumerated() {
                    let x = column.values[row]
                    try insert.bind(x.isNaN ? .null : .real(Double(x)), at: timeSlot + 1 + Int32(k))
                }
                do {
                    _ = try insert.step()
                } catch let error as DataError {
                    throw DataError(error.kind, "\(error.message) (writing series '\(series.id)', row \(row + 1))",
                                    at: error.location)
                }
                insert.reset()
                written += 1
            }
        }
        return written
    }

    /// `YYYY-MM-DD HH:MM:SS`. Only years 0000–9999 are written, since only those read back as
    /// four-digit ISO years; anything else stops the write (and rolls it back).
    private static func isoText(_ t: Int64, format: TimestampFormat, series: TimeSeries, row: Int) throws -> String {
        let lowest = CivilTime(year: 0, month: 1, day: 1).epochSeconds
        let highest = CivilTime(year: 10_000, month: 1, day: 1).epochSeconds
        guard t >= lowest && t < highest else {
            throw DataError(.badInput, "timestamp \(t) (epoch seconds) is outside the years 0000-9999 and cannot be written as ISO text",
                            at: series.location(ofRow: row))
        }
        return format.format(t)
    }

    // MARK: files

    private static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func removeIfEmpty(_ path: String) {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0 {
            unlink(path)
        }
    }
}
