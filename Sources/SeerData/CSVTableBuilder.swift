// The record handler behind `CSVLoader`: resolves the layout and the role of every column from
// the header, parses timestamps and numbers straight from libcsv's bytes (no intermediate
// Strings), and groups long-format rows by id. Wide files take a fast path per batch that keeps
// the growing columns in locals; chunks of one file parsed in parallel are merged at the end.
import SeerBase

/// Rows of one series as they arrive.
final class PartialSeries {
    let id: String
    var timestamps: [Int64] = []
    var columns: [[Float]]
    let names: [String]
    var lines = LineMap()
    var rows = 0

    init(id: String, names: [String]) {
        self.id = id
        self.names = names
        columns = Array(repeating: [], count: names.count)
    }

    /// Appends the rows of `other` (a later chunk of the same file whose lines start at `lineOffset + 1`).
    func append(_ other: PartialSeries, lineOffset: Int) {
        timestamps.append(contentsOf: other.timestamps)
        other.timestamps = []
        for k in columns.indices {
            columns[k].append(contentsOf: other.columns[k])
            other.columns[k] = []
        }
        lines.append(other.lines, rowOffset: rows, lineOffset: lineOffset)
        rows += other.rows
    }

    func finish(source: String, hasTime: Bool) throws -> TimeSeries {
        let built = zip(names, columns).map { SeriesColumn(name: $0, values: $1) }
        columns = []
        return try TimeSeries(id: id, time: hasTime ? .timestamps(timestamps) : .index(count: rows),
                              columns: built, source: source, lines: lines)
    }
}

/// The record handler behind `CSVLoader`.
final class CSVTableBuilder: CSVRecordHandler {
    let path: String
    let options: CSVOptions
    private(set) var header: [String] = []
    private(set) var resolvedLayout: CSVLayout = .wide
    private(set) var timeField: Int?
    private var idField: Int?
    private var valueFields: [Int] = []
    private(set) var rolesDecided = false
    private var headerDone = false
    private var timeDecoder: TimeColumnDecoder
    private(set) var series: [PartialSeries] = []
    private var seriesIndex: [String: Int] = [:]
    private var lastId: [UInt8] = []
    private var lastSeries = 0
    private(set) var sawData = false
    private(set) var notes: [String] = []

    init(path: String, options: CSVOptions) {
        self.path = path
        self.options = options
        timeDecoder = TimeColumnDecoder(forcedUnit: options.epochUnit)
    }

    func reserve(estimatedRecords: Int) {
        guard resolvedLayout != .long, let single = series.first else { return }
        single.timestamps.reserveCapacity(timeField == nil ? 0 : estimatedRecords)
        for k in single.columns.indices { single.columns[k].reserveCapacity(estimatedRecords) }
    }

    /// A builder for a later byte range of the same file: same header and roles, no rows.
    func chunkBuilder() -> CSVTableBuilder {
        let other = CSVTableBuilder(path: path, options: options)
        other.header = header
        other.resolvedLayout = resolvedLayout
        other.timeField = timeField
        other.idField = idField
        other.valueFields = valueFields
        other.rolesDecided = rolesDecided
        other.headerDone = headerDone
        other.timeDecoder = timeDecoder
        other.series = series.map { PartialSeries(id: $0.id, names: $0.names) }
        return other
    }

    /// The UTC offset every time cell named (nil: none, or not one for all).
    var timeZoneOffset: Int? { zone.columnOffset }
    private var zone: TimeZoneState { mergedZone ?? timeDecoder.zone }
    /// The zone states of later chunks merged with this one's.
    private var mergedZone: TimeZoneState?

    /// Appends the rows of later chunks, in file order; `lineOffsets[i]` shifts chunk i's lines.
    func merge(_ chunks: [CSVTableBuilder], lineOffsets: [Int]) {
        var zone = timeDecoder.zone
        for chunk in chunks { zone.merge(chunk.timeDecoder.zone) }
        mergedZone = zone
        for (chunk, offset) in zip(chunks, lineOffsets) {
            series[0].append(chunk.series[0], lineOffset: offset)
            sawData = sawData || chunk.sawData
            for note in chunk.notes where !notes.contains(note) { notes.append(note) }
        }
    }

    var rowCount: Int { series.reduce(0) { $0 + $1.rows } }

    func handle(_ batch: CSVRecordBatch) throws {
        var first = 0
        if !headerDone {
            try readHeader(batch.record(0))
            headerDone = true
            first = 1
        }
        guard first < batch.count else { return }
        if resolvedLayout != .long && rolesDecided {
            try readWideRows(batch, from: first)
        } else {
            for r in first..<batch.count { try readRow(batch.record(r)) }
        }
    }

    // MARK: header and roles

    private func readHeader(_ record: CSVRecord) throws {
        var seen: [String: Int] = [:]
        for i in 0..<record.count {
            guard var name = record.string(i) else {
                throw DataError.bad("header is not valid UTF-8", file: path, line: record.line, column: i + 1)
            }
            name = name.trimmingSpaces()
            if name.isEmpty { name = "column_\(i + 1)" }
            if let other = seen[name] {
                throw DataError.bad("duplicate column name '\(name)' (also column \(other + 1))", file: path, line: record.line, column: i + 1)
            }
            seen[name] = i
            header.append(name)
        }
        let unnamedFirst = record.field(0).allSatisfy { $0 == 0x20 }
        let wantsLong = options.layout == .long
            || (options.layout == .auto && (options.idColumn != nil || seen["unique_id"] != nil))
        if wantsLong {
            resolvedLayout = .long
            idField = try find(options.idColumn ?? "unique_id", role: "series-id", line: record.line)
            // Nixtla's `ds`, else the one column with a usual time name (`unique_id,timestamp,value`
            // is also how `seer detect --stream` and Prometheus exports spell it).
            let usual = header.indices.filter { $0 != idField && CSVLoader.timeColumnNames.contains(header[$0].lowercased()) }
            let implied = seen["ds"] == nil && usual.count == 1 ? header[usual[0]] : "ds"
            timeField = options.timeColumn == "none" ? nil : try find(options.timeColumn ?? implied, role: "time", line: record.line)
            try decideValues(line: record.line)
        } else {
            resolvedLayout = options.layout == .nab ? .nab : .wide
            if let name = options.timeColumn {
                timeField = name == "none" ? nil : try find(name, role: "time", line: record.line)
                try decideValues(line: record.line)
            } else if unnamedFirst || CSVLoader.timeColumnNames.contains(header[0].lowercased()) {
                timeField = 0
                try decideValues(line: record.line)
            } else if options.targetColumns?.contains(header[0]) == true {
                try decideValues(line: record.line)
            }  // else: decided on the first data row
            if options.layout == .auto && header.map({ $0.lowercased() }) == ["timestamp", "value"] { resolvedLayout = .nab }
        }
    }

    private func find(_ name: String, role: String, line: Int) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw DataError.bad("no \(role) column named '\(name)' (columns: \(header.joined(separator: ", ")))", file: path, line: line)
        }
        return index
    }

    private func decideValues(line: Int) throws {
        rolesDecided = true
        if let targets = options.targetColumns {
            valueFields = try targets.map { try find($0, role: "target", line: line) }
        } else {
            valueFields = header.indices.filter { $0 != timeField && $0 != idField }
        }
        if valueFields.isEmpty { throw DataError.bad("no value columns besides the time/id columns", file: path, line: line) }
        if let clash = valueFields.first(where: { $0 == timeField || $0 == idField }) {
            throw DataError.bad("column '\(header[clash])' cannot be both a target and the time/id column", file: path, line: line)
        }
        if resolvedLayout != .long {
            series = [PartialSeries(id: CSVTableBuilder.stem(of: path), names: valueFields.map { header[$0] })]
        }
    }

    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    // MARK: rows

    private func raggedError(_ record: CSVRecord) -> DataError {
        DataError.bad("expected \(header.count) fields like the header, found \(record.count)",
                      file: path, line: record.line, column: min(record.count, header.count) + 1)
    }

    /// The hot path for wide files: the growing arrays live in locals while a batch is parsed.
    private func readWideRows(_ batch: CSVRecordBatch, from first: Int) throws {
        let target = series[0]
        var timestamps = target.timestamps
        var columns = target.columns
        var lines = target.lines
        var rows = target.rows
        target.timestamps = []
        target.columns = []
        defer {
            target.timestamps = timestamps
            target.columns = columns
            target.lines = lines
            target.rows = rows
        }
        let fields = valueFields
        let width = header.count
        sawData = true
        for r in first..<batch.count {
            let record = batch.record(r)
            guard record.count == width else { throw raggedError(record) }
            if let timeField { timestamps.append(try parseTime(record, timeField)) }
            for k in 0..<fields.count {
                columns[k].append(try value(record, fields[k]))
            }
            lines.append(row: rows, line: record.line)
            rows += 1
        }
    }

    private func readRow(_ record: CSVRecord) throws {
        guard record.count == header.count else { throw raggedError(record) }
        sawData = true
        if !rolesDecided {
            let first = record.field(0)
            if case .value = TimestampParser.parse(first.baseAddress!, count: first.count) { timeField = 0 }
            try decideValues(line: 1)
        }
        let target = try seriesFor(record)
        if let timeField { target.timestamps.append(try parseTime(record, timeField)) }
        for (k, f) in valueFields.enumerated() { target.columns[k].append(try value(record, f)) }
        target.lines.append(row: target.rows, line: record.line)
        target.rows += 1
    }

    private func seriesFor(_ record: CSVRecord) throws -> PartialSeries {
        guard let idField else { return series[0] }
        let field = record.field(idField)
        if !series.isEmpty && field.elementsEqual(lastId) { return series[lastSeries] }
        guard let id = String(validating: field, as: UTF8.self) else { throw cellError(record, idField, expected: "a series id") }
        guard !id.isEmpty else { throw DataError.bad("empty series id", file: path, line: record.line, column: idField + 1, columnName: header[idField]) }
        lastId = Array(field)
        if let index = seriesIndex[id] {
            lastSeries = index
        } else {
            lastSeries = series.count
            seriesIndex[id] = series.count
            series.append(PartialSeries(id: id, names: valueFields.map { header[$0] }))
        }
        return series[lastSeries]
    }

    private func parseTime(_ record: CSVRecord, _ f: Int) throws -> Int64 {
        let field = record.field(f)
        do {
            let t = try timeDecoder.decode(field.baseAddress!, count: field.count)
            if timeDecoder.droppedFractions == 1 && !notes.contains(TimeColumnDecoder.droppedFractionNote) {
                notes.append(TimeColumnDecoder.droppedFractionNote)
            }
            return t
        } catch {
            throw cellError(record, f, expected: error.expected)
        }
    }

    /// A value cell: its number, NaN for a missing marker, or an error naming the cell.
    @inline(__always)
    private func value(_ record: CSVRecord, _ f: Int) throws -> Float {
        let field = record.field(f)
        switch NumberParser.parse(field.baseAddress!, count: field.count) {
        case .value(let x): return x
        case .missing: return .nan
        case .invalid: throw cellError(record, f, expected: "a number")
        case .outOfRange: throw cellError(record, f, expected: "a finite number within Float32 range")
        }
    }

    private func cellError(_ record: CSVRecord, _ f: Int, expected: String) -> DataError {
        let field = record.field(f)
        guard let text = String(validating: field, as: UTF8.self) else {
            return DataError.bad("invalid UTF-8 where \(expected) was expected", file: path, line: record.line,
                                 column: f + 1, columnName: header[f])
        }
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return DataError.bad("expected \(expected), found \"\(shown)\"", file: path, line: record.line,
                             column: f + 1, columnName: header[f])
    }
}
