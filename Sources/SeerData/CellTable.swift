// A small table of text cells with where each row came from (a CSV line, a SQLite result row),
// for readers that need the whole table before deciding what it holds (classification cases,
// whose layout is known only from the header). Not for large series files: those stream through
// `CSVReader` into columns.
import SeerBase

struct CellTable {
    struct Row {
        /// The 1-based CSV line or result row.
        var line: Int
        /// nil: SQL NULL.
        var cells: [String?]
    }

    var source: String
    var header: [String]
    var rows: [Row]
    /// "line" for files, "row" for query results, in messages.
    var rowWord: String

    func location(_ row: Row, column: Int) -> SourceLocation {
        SourceLocation(file: source, line: row.line, column: column + 1, columnName: header[column])
    }

    /// Every record of a CSV file (the first is the header); a record with another field count
    /// than the header is refused with its line.
    static func csv(_ path: String) throws -> CellTable {
        let reader = try CSVReader(path: path)
        let collector = Collector()
        try reader.read(into: collector)
        guard let header = collector.records.first else { throw DataError(.badInput, "the file is empty", at: SourceLocation(file: path)) }
        let names = header.cells.map { ($0 ?? "").trimmingCharacters(in: .whitespaces) }
        var rows: [Row] = []
        for record in collector.records.dropFirst() {
            if record.cells.count == 1 && (record.cells[0] ?? "").isEmpty { continue }  // a blank line
            guard record.cells.count == names.count else {
                throw DataError(.badInput, "\(record.cells.count) fields where the header has \(names.count)",
                                at: SourceLocation(file: path, line: record.line))
            }
            rows.append(record)
        }
        return CellTable(source: path, header: names, rows: rows, rowWord: "line")
    }

    private final class Collector: CSVRecordHandler {
        var records: [Row] = []
        func handle(_ batch: CSVRecordBatch) throws {
            for i in 0..<batch.count {
                let record = batch.record(i)
                records.append(Row(line: record.line, cells: (0..<record.count).map { record.string($0) ?? "\u{FFFD}" }))
            }
        }
        func reserve(estimatedRecords: Int) { records.reserveCapacity(estimatedRecords) }
    }

    /// Every row of a SQLite table or read-only query; numbers become their decimal text, NULL
    /// nil, and a BLOB is refused.
    static func sqlite(_ path: String, source: SQLiteSource) throws -> CellTable {
        let database = try SQLiteDatabase(path: path, mode: .readOnly)
        defer { database.close() }
        let statement: SQLiteStatement, name: String
        switch source {
        case .table(let table):
            name = "\(path):\(table)"
            try database.requireTable(table)
            statement = try database.prepare("SELECT * FROM \(SQLiteDatabase.quote(table))", at: name)
        case .query(let sql, let parameters):
            name = "\(path):\(sql)"
            statement = try database.prepareUserQuery(sql, parameters: parameters, at: name)
        }
        let header = statement.columnNames
        var rows: [Row] = []
        var row = 0
        while try statement.step() {
            row += 1
            let cells = try header.indices.map { c -> String? in
                switch statement.type(c) {
                case .null: return nil
                case .integer: return String(statement.int64(c))
                case .real: return String(statement.double(c))
                case .text: return statement.string(c)
                case .blob: throw DataError(.badInput, "a BLOB where text or a number was expected", at: SourceLocation(file: name, line: row, column: c + 1, columnName: header[c]))
                }
            }
            rows.append(Row(line: row, cells: cells))
        }
        return CellTable(source: name, header: header, rows: rows, rowWord: "row")
    }
}
