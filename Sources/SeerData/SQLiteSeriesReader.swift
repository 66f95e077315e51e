// Reads series out of an SQLite table or a user's SELECT: opens the file read-only, resolves which
// result column is the time, the series id and the values, converts cells by their SQLite type
// (INTEGER/REAL/TEXT/NULL), groups rows by id like a long CSV, then applies the same order and
// missing-value policies as `CSVLoader`. Table and column names are only ever quoted into SQL,
// query text is only ever one read-only statement, and values only ever travel as bound parameters.
import SeerBase

/// Where the rows come from.
public enum SQLiteSource: Sendable, Equatable {
    /// Every row of a table or view, in the order SQLite scans it (insertion order for a plain table).
    case table(name: String)
    /// One read-only statement (a SELECT or WITH query) with `?` parameters bound to `parameters`.
    case query(sql: String, parameters: [SQLiteValue] = [])
}

/// Which result columns play which role, and what to do with disorder and gaps.
public struct SQLiteReadOptions: Sendable, Equatable {
    /// The time column; nil picks one named like a time (`ds`, `date`, `timestamp`, … as for CSV),
    /// `"none"` gives the series a row index.
    public var timeColumn: String?
    /// Value columns to load, in this order; nil loads every column except the time and id columns.
    public var targetColumns: [String]?
    /// A series-id column: rows are grouped into one series per distinct id, in first-seen order.
    /// nil uses a column named `unique_id` when there is one.
    public var idColumn: String?
    /// Unit of integer timestamps; nil decides from the first value's magnitude.
    public var epochUnit: EpochUnit?
    public var order: OrderPolicy
    public var missing: MissingPolicy

    public init(timeColumn: String? = nil, targetColumns: [String]? = nil, idColumn: String? = nil,
                epochUnit: EpochUnit? = nil, order: OrderPolicy = .keep, missing: MissingPolicy = .keep) {
        self.timeColumn = timeColumn
        self.targetColumns = targetColumns
        self.idColumn = idColumn
        self.epochUnit = epochUnit
        self.order = order
        self.missing = missing
    }
}

/// What `SQLiteSeriesReader.read` returns.
public struct SQLiteReadResult: Sendable {
    public var series: SeriesCollection
    /// `db.sqlite:table` or `db.sqlite:query`, as used in messages and `TimeSeries.source`.
    public var source: String
    /// The column used as the time axis, or nil for a row index.
    public var timeColumn: String?
    /// The value columns, in series column order.
    public var valueColumns: [String]
    /// Things the user should know that did not stop the read (dropped fractions, kept disorder, fills).
    public var notes: [String]
}

/// Reads SQLite tables and queries into `TimeSeries`.
///
/// Time cells: INTEGER (or an integral REAL, or all-digit TEXT) is epoch seconds, or milliseconds
/// when the column's first value is at least 10^11 (or as `epochUnit` says); a first value in
/// 1000…2999 makes the column a column of years, as in `CSVLoader`. Other TEXT is parsed by
/// `TimestampParser`. Value cells: INTEGER and REAL as numbers, NULL as missing, TEXT through
/// `NumberParser` (missing markers such as `NA` become NaN). BLOBs are refused. Each row's
/// `LineMap` entry is its 1-based result row, so later checks point at `db.sqlite:table:row`.
public enum SQLiteSeriesReader {
    /// Reads `source` from the database file at `path`; throws `DataError` naming the row and column.
    public static func read(_ path: String, from source: SQLiteSource,
                            options: SQLiteReadOptions = SQLiteReadOptions()) throws -> SQLiteReadResult {
        let database = try SQLiteDatabase(path: path, mode: .readOnly)
        let (statement, roles, origin) = try prepare(source, in: database, options: options)
        let cells = CellReader(statement: statement, origin: origin, epochUnit: options.epochUnit)

        var partials: [PartialSeries] = []
        var byId: [String: PartialSeries] = [:]
        var row = 0
        while try statement.step() {
            row += 1
            let target: PartialSeries
            if let idColumn = roles.id {
                let id = try cells.seriesId(idColumn, row: row)
                if let existing = byId[id] {
                    target = existing
                } else {
                    target = PartialSeries(id: id, names: roles.valueNames)
                    byId[id] = target
                    partials.append(target)
                }
            } else {
                if partials.isEmpty { partials.append(PartialSeries(id: origin.defaultId, names: roles.valueNames)) }
                target = partials[0]
            }
            if let timeColumn = roles.time {
                target.timestamps.append(try cells.timestamp(timeColumn, row: row))
            }
            for (k, column) in roles.values.enumerated() {
                target.columns[k].append(try cells.value(column, row: row))
            }
            target.lines.append(row: target.rows, line: row)
            target.rows += 1
        }
        guard row > 0 else {
            throw DataError(.badInput, origin.isQuery ? "the query returned no rows" : "the table has no rows",
                            at: SourceLocation(file: origin.description))
        }

        var notes = cells.notes
        var collection = SeriesCollection()
        for partial in partials {
            var series = try partial.finish(source: origin.description, hasTime: roles.time != nil)
            series.utcOffset = cells.timeZoneOffset
            series = try series.applyingOrder(options.order, notes: &notes)
            series = try series.fillingMissing(options.missing, notes: &notes)
            try collection.append(series)
        }
        return SQLiteReadResult(series: collection, source: origin.description, timeColumn: roles.time?.name,
                                valueColumns: roles.valueNames, notes: notes)
    }

    // MARK: preparing the statement

    /// The source named in messages: `db.sqlite:table` or `db.sqlite:query`.
    struct Origin: CustomStringConvertible {
        var path: String
        var table: String?
        var isQuery: Bool { table == nil }
        var description: String { "\(path):\(table ?? "query")" }
        /// The id of an ungrouped series: the table's name, or `query`.
        var defaultId: String { table ?? "query" }
    }

    /// A result column: its index in the row and its name.
    struct Column {
        var index: Int
        var name: String
    }

    /// The result columns of each role.
    struct Roles {
        var time: Column?
        var id: Column?
        var values: [Column] = []
        var valueNames: [String] { values.map(\.name) }
    }

    private static func prepare(_ source: SQLiteSource, in database: SQLiteDatabase,
                                options: SQLiteReadOptions) throws -> (SQLiteStatement, Roles, Origin) {
        switch source {
        case .table(let table):
            let origin = Origin(path: database.path, table: table)
            try database.requireTable(table)
            let named = try resolve(options, columns: try database.columnNames(ofTable: table), origin: origin)
            // Select just the needed columns, each quoted, in role order: time, id, values.
            var picked: [String] = []
            func pick(_ column: Column) -> Column {
                picked.append(column.name)
                return Column(index: picked.count - 1, name: column.name)
            }
            var roles = Roles()
            roles.time = named.time.map(pick)
            roles.id = named.id.map(pick)
            roles.values = named.values.map(pick)
            let sql = "SELECT \(picked.map(SQLiteDatabase.quote).joined(separator: ", ")) FROM \(SQLiteDatabase.quote(table))"
            return (try database.prepare(sql, at: origin.description), roles, origin)

        case .query(let sql, let parameters):
            let origin = Origin(path: database.path, table: nil)
            let statement = try database.prepareUserQuery(sql, parameters: parameters, at: origin.description)
            return (statement, try resolve(options, columns: statement.columnNames, origin: origin), origin)
        }
    }

    /// Finds the time, id and value columns among `columns`; unknown names list what exists.
    static func resolve(_ options: SQLiteReadOptions, columns: [String], origin: Origin) throws -> Roles {
        func find(_ name: String, role: String) throws -> Column {
            guard let index = columns.firstIndex(of: name) else {
                let what = origin.isQuery ? "the query returns" : "table '\(origin.table ?? "")' has"
                throw DataError(.usage, "no \(role) column named '\(name)'; \(what) columns: \(columns.joined(separator: ", "))",
                                at: SourceLocation(file: origin.description))
            }
            return Column(index: index, name: name)
        }
        var roles = Roles()
        if let name = options.timeColumn {
            if name != "none" { roles.time = try find(name, role: "time") }
        } else if let index = columns.firstIndex(where: { CSVLoader.timeColumnNames.contains($0.lowercased()) }) {
            roles.time = Column(index: index, name: columns[index])
        }
        if let name = options.idColumn {
            roles.id = try find(name, role: "series-id")
        } else if let index = columns.firstIndex(of: SQLiteSeriesWriter.idColumn), index != roles.time?.index {
            roles.id = Column(index: index, name: columns[index])
        }
        if let time = roles.time, time.index == roles.id?.index {
            throw DataError(.usage, "column '\(time.name)' cannot be both the time and the series-id column",
                            at: SourceLocation(file: origin.description))
        }
        let reserved = [roles.time?.index, roles.id?.index].compactMap { $0 }
        if let targets = options.targetColumns {
            roles.values = try targets.map { try find($0, role: "target") }
        } else {
            roles.values = columns.indices.filter { !reserved.contains($0) }.map { Column(index: $0, name: columns[$0]) }
        }
        guard !roles.values.isEmpty else {
            throw DataError(.usage, "no value columns besides the time/id columns", at: SourceLocation(file: origin.description))
        }
        if let clash = roles.values.first(where: { reserved.contains($0.index) }) {
            throw DataError(.usage, "column '\(clash.name)' cannot be both a target and the time/id column",
                            at: SourceLocation(file: origin.description))
        }
        var seen: Set<String> = []
        for name in roles.valueNames {
            guard seen.insert(name).inserted else {
                throw DataError(.usage, "two value columns are named '\(name)'; give them distinct names (AS in a query)",
                                at: SourceLocation(file: origin.description))
            }
        }
        return roles
    }
}

/// Converts the cells of the current row by their SQLite type; remembers per column how integer
/// timestamps are read, so a column cannot silently mix seconds, milliseconds and dates.
private final class CellReader {
    let statement: SQLiteStatement
    let origin: SQLiteSeriesReader.Origin
    private var decoder: TimeColumnDecoder

    /// The UTC offset every text time cell named (nil: none, or not one for all).
    var timeZoneOffset: Int? { decoder.zone.columnOffset }

    /// What the user should know: currently only dropped sub-second parts.
    var notes: [String] { decoder.droppedFractions > 0 ? [TimeColumnDecoder.droppedFractionNote] : [] }

    init(statement: SQLiteStatement, origin: SQLiteSeriesReader.Origin, epochUnit: EpochUnit?) {
        self.statement = statement
        self.origin = origin
        decoder = TimeColumnDecoder(forcedUnit: epochUnit)
    }

    /// A value cell: INTEGER/REAL as numbers, NULL as NaN, TEXT parsed, BLOB refused.
    func value(_ cell: SQLiteSeriesReader.Column, row: Int) throws -> Float {
        let column = cell.index, name = cell.name
        switch statement.type(column) {
        case .null:
            return .nan
        case .integer:
            return Float(statement.int64(column))
        case .real:
            let x = Float(statement.double(column))
            guard x.isFinite else { throw cellError(column, row, name, expected: "a finite number within Float32 range") }
            return x
        case .text:
            let parsed = statement.withText(column) { NumberParser.parse($0, count: $1) }
            switch parsed {
            case .value(let x): return x
            case .missing: return .nan
            case .invalid: throw cellError(column, row, name, expected: "a number")
            case .outOfRange: throw cellError(column, row, name, expected: "a finite number within Float32 range")
            }
        case .blob:
            throw cellError(column, row, name, expected: "a number")
        }
    }

    /// A series id: TEXT or INTEGER, not empty.
    func seriesId(_ cell: SQLiteSeriesReader.Column, row: Int) throws -> String {
        let column = cell.index, name = cell.name
        switch statement.type(column) {
        case .integer:
            return String(statement.int64(column))
        case .text:
            let text = statement.withText(column) { String(validating: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
            guard let text else { throw cellError(column, row, name, expected: "a series id in valid UTF-8") }
            guard !text.isEmpty else { throw cellError(column, row, name, expected: "a series id") }
            return text
        case .real, .blob, .null:
            throw cellError(column, row, name, expected: "a series id (text or integer)")
        }
    }

    /// A time cell as epoch seconds.
    func timestamp(_ cell: SQLiteSeriesReader.Column, row: Int) throws -> Int64 {
        let column = cell.index, name = cell.name
        do {
            switch statement.type(column) {
            case .integer:
                return try decoder.decode(integer: statement.int64(column), digits: nil)
            case .real:
                let x = statement.double(column)
                // Int64 covers ±9.2e18; a Double this side of ±9e18 converts without trapping.
                guard x.isFinite, abs(x) < 9e18, x == x.rounded(.towardZero) else {
                    throw cellError(column, row, name, expected: "a whole number of seconds or a date-time")
                }
                return try decoder.decode(integer: Int64(x), digits: nil)
            case .text:
                return try statement.withText(column) { try decoder.decode($0, count: $1) }
            case .null:
                throw cellError(column, row, name, expected: "a timestamp (the time column cannot be NULL)")
            case .blob:
                throw cellError(column, row, name, expected: "a timestamp")
            }
        } catch let mismatch as TimeCellMismatch {
            throw cellError(column, row, name, expected: mismatch.expected)
        }
    }

    /// "expected …, found …" at the row (SQLite has no lines: the location's line is the 1-based
    /// result row, and the message says "row" so nobody looks for a line).
    private func cellError(_ column: Int, _ row: Int, _ name: String, expected: String) -> DataError {
        let found: String
        switch statement.type(column) {
        case .null: found = "NULL"
        case .blob: found = "a BLOB"
        case .integer: found = String(statement.int64(column))
        case .real: found = String(statement.double(column))
        case .text:
            let text = statement.string(column)
            found = "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
        }
        return DataError(.badInput, "row \(row): expected \(expected), found \(found)",
                         at: SourceLocation(file: origin.description, line: row, columnName: name))
    }
}
