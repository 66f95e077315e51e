// The series container every part of Seer reads: a time axis (epoch seconds or a plain row
// index) and named Float32 columns, NaN marking a missing value. Stored column by column, as
// channel-independent models and per-column statistics want it.
import SeerBase

/// The time axis of a series.
public enum TimeAxis: Sendable, Equatable {
    /// No timestamps: rows are numbered 0, 1, 2, …
    case index(count: Int)
    /// One timestamp per row, in seconds since 1970-01-01 00:00:00 UTC.
    case timestamps([Int64])

    public var count: Int {
        switch self {
        case .index(let count): return count
        case .timestamps(let values): return values.count
        }
    }

    /// The timestamps, or nil for an index axis.
    public var timestamps: [Int64]? {
        if case .timestamps(let values) = self { return values }
        return nil
    }
}

/// One named value column of a series.
public struct SeriesColumn: Sendable, Equatable {
    public var name: String
    /// One value per row; `Float.nan` marks a missing value.
    public var values: [Float]

    public init(name: String, values: [Float]) {
        self.name = name
        self.values = values
    }
}

/// A (possibly multivariate) time series: one time axis and one or more value columns of equal length.
public struct TimeSeries: Sendable, Equatable {
    /// The series identifier (`unique_id` in long format; the file name for a wide file).
    public var id: String
    public var time: TimeAxis
    public var columns: [SeriesColumn]
    /// Where the rows came from (a file path, or `db.sqlite:table`), for messages.
    public var source: String
    /// Row → source line (empty when the series did not come from a text file).
    public var lines: LineMap
    /// The UTC offset (seconds east) every input timestamp named, so outputs can write times as
    /// the input did; nil when the input named no zone (or not one for every row). Timestamps
    /// themselves are always UTC epoch seconds.
    public var utcOffset: Int?

    /// Builds a series; throws when a column's length differs from the time axis.
    public init(id: String = "series", time: TimeAxis, columns: [SeriesColumn],
                source: String = "<memory>", lines: LineMap = LineMap()) throws {
        for column in columns where column.values.count != time.count {
            throw DataError(.usage, "column '\(column.name)' has \(column.values.count) values but the time axis has \(time.count)")
        }
        self.id = id
        self.time = time
        self.columns = columns
        self.source = source
        self.lines = lines
    }

    /// A univariate series over a row index.
    public init(id: String = "series", name: String = "y", values: [Float]) {
        self.id = id
        self.time = .index(count: values.count)
        self.columns = [SeriesColumn(name: name, values: values)]
        self.source = "<memory>"
        self.lines = LineMap()
    }

    public var rowCount: Int { time.count }
    public var columnCount: Int { columns.count }
    public var columnNames: [String] { columns.map(\.name) }

    /// The column called `name`, if any.
    public func column(_ name: String) -> SeriesColumn? { columns.first { $0.name == name } }

    /// Index of the column called `name`, if any.
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The timestamp of `row`, or nil for an index axis.
    public func timestamp(ofRow row: Int) -> Int64? {
        if case .timestamps(let values) = time { return values[row] }
        return nil
    }

    /// A human-readable place for `row`: `file:line` when known, else `source row N` (1-based).
    public func location(ofRow row: Int, column: Int? = nil) -> SourceLocation {
        let columnName = column.map { columns[$0].name }
        if let line = lines.line(ofRow: row) {
            return SourceLocation(file: source, line: line, column: nil, columnName: columnName)
        }
        return SourceLocation(file: "\(source) row \(row + 1)", columnName: columnName)
    }

    /// Rows `rows` of every column (and the time axis).
    public func slice(rows: Range<Int>) -> TimeSeries {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount, "row range out of bounds")
        var out = self
        switch time {
        case .index: out.time = .index(count: rows.count)
        case .timestamps(let values): out.time = .timestamps(Array(values[rows]))
        }
        out.columns = columns.map { SeriesColumn(name: $0.name, values: Array($0.values[rows])) }
        out.lines = lines.slice(rows)
        return out
    }

    /// The rows listed in `order` (each an existing row), in that order.
    public func selecting(rows order: [Int]) -> TimeSeries {
        var out = self
        switch time {
        case .index: out.time = .index(count: order.count)
        case .timestamps(let values): out.time = .timestamps(order.map { values[$0] })
        }
        out.columns = columns.map { column in
            SeriesColumn(name: column.name, values: order.map { column.values[$0] })
        }
        out.lines = lines.reordered(order)
        return out
    }

    /// Only the named columns, in the given order; throws naming the first unknown column.
    public func selecting(columns names: [String]) throws -> TimeSeries {
        var out = self
        out.columns = try names.map { name in
            guard let column = column(name) else {
                throw DataError(.usage, "no column named '\(name)' in \(source) (columns: \(columnNames.joined(separator: ", ")))")
            }
            return column
        }
        return out
    }
}

/// Many series keyed by id, in first-seen order (long-format files, multi-table loads).
public struct SeriesCollection: Sendable, Equatable, RandomAccessCollection {
    public private(set) var series: [TimeSeries] = []
    private var positions: [String: Int] = [:]

    public init() {}

    public init(_ series: [TimeSeries]) throws {
        for item in series { try append(item) }
    }

    /// Adds a series; ids must be unique.
    public mutating func append(_ item: TimeSeries) throws {
        guard positions[item.id] == nil else {
            throw DataError(.usage, "two series share the id '\(item.id)'")
        }
        positions[item.id] = series.count
        series.append(item)
    }

    public var ids: [String] { series.map(\.id) }
    public subscript(id id: String) -> TimeSeries? { positions[id].map { series[$0] } }

    public var startIndex: Int { 0 }
    public var endIndex: Int { series.count }
    public subscript(position: Int) -> TimeSeries { series[position] }
}
