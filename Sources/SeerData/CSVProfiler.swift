// `CSVLoader.profile`: a CSV's series profiled as the file streams by, for `seer inspect` on files
// larger than memory. The same record handler that builds series for `load` parses each batch;
// after every batch its rows go to one `SeriesProfiler` per series and are dropped, so memory
// stays at one batch plus a few numbers per series however large the file is.
import SeerBase

/// What `CSVLoader.profile` found: the reader's decisions and one profile per series.
public struct CSVProfileResult: Sendable {
    public var layout: CSVLayout
    public var header: [String]
    public var timeColumn: String?
    public var delimiter: UInt8
    public var notes: [String]
    public var profiles: [SeriesProfile]
}

/// Hands each batch's rows to the profilers, then empties the builder's series.
final class ProfilingHandler: CSVRecordHandler {
    let builder: CSVTableBuilder
    private(set) var profilers: [SeriesProfiler] = []
    /// Rows of each series already profiled.
    private var drained: [Int] = []

    init(builder: CSVTableBuilder) { self.builder = builder }

    func handle(_ batch: CSVRecordBatch) throws {
        try builder.handle(batch)
        let hasTime = builder.timeField != nil
        for (k, partial) in builder.series.enumerated() {
            if k == profilers.count {
                profilers.append(SeriesProfiler(id: partial.id, names: partial.names, hasTime: hasTime))
                drained.append(0)
            }
            let pending = partial.rows - drained[k]
            guard pending > 0 else { continue }
            let lines = partial.lines
            profilers[k].add(timestamps: partial.timestamps, columns: partial.columns, count: pending) { lines.line(ofRow: $0) }
            partial.timestamps.removeAll(keepingCapacity: true)
            for c in partial.columns.indices { partial.columns[c].removeAll(keepingCapacity: true) }
            // Rows keep their numbers in the whole series; the fresh map starts at the next one.
            partial.lines = LineMap()
            drained[k] = partial.rows
        }
    }

    /// Nothing is kept, so nothing is reserved (the builder would size arrays for the whole file).
    func reserve(estimatedRecords: Int) {}
}

extension CSVLoader {
    /// Profiles every series of `path` without keeping its rows: what `load` then `profile()`
    /// report, in memory independent of the file's size (one thread; the order and missing-value
    /// policies are not applied, so callers use `load` when they are set).
    public static func profile(_ path: String, options: CSVOptions = CSVOptions()) throws -> CSVProfileResult {
        let dialect = CSVDialect(delimiter: options.delimiter, maxFieldBytes: options.maxFieldBytes, maxFields: options.maxColumns)
        let reader = try CSVReader(path: path, dialect: dialect)
        let builder = CSVTableBuilder(path: path, options: options)
        let handler = ProfilingHandler(builder: builder)
        try reader.read(into: handler)
        try checkSawRows(builder, path: path)
        let profiles = handler.profilers.map { $0.finish() }
        return CSVProfileResult(layout: builder.resolvedLayout, header: builder.header, timeColumn: builder.timeField.map { builder.header[$0] },
                                delimiter: reader.delimiter, notes: builder.notes + handler.profilers.compactMap { $0.disorderNote(source: path) },
                                profiles: profiles)
    }

    /// The errors of a file with no header or no data rows.
    static func checkSawRows(_ builder: CSVTableBuilder, path: String) throws {
        if builder.header.isEmpty { throw DataError.bad("the file is empty (expected a header line)", file: path, line: 1) }
        if !builder.sawData { throw DataError.bad("no data rows after the header", file: path, line: 2) }
    }
}
