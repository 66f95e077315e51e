// Loads CSV files into series: drives `CSVReader` and `CSVTableBuilder`, then applies the order
// and missing-value policies. Large wide files are parsed on several cores: the file is cut at
// row starts into ranges with their own libcsv parser each; the cut is proved safe afterwards
// (each range before a cut must end outside any record, i.e. not inside a quoted field), and
// the file is re-read on one core when it is not. Results never depend on the thread count.

/// What `CSVLoader.load` returns: the series and what was learned about the file.
public struct CSVLoadResult: Sendable {
    public var series: SeriesCollection
    /// The layout after auto-detection (`nab` for a `timestamp,value` file).
    public var layout: CSVLayout
    public var header: [String]
    /// The column used as the time axis, or nil for a row index.
    public var timeColumn: String?
    public var delimiter: UInt8
    /// Things the user should know that did not stop the load (dropped fractions, kept disorder, fills).
    public var notes: [String]
    /// Threads the file was parsed on (1 when small, long-format, or re-read after an unsafe cut).
    public var threadsUsed: Int
}

import SeerBase
#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Reads CSV files into `TimeSeries`.
///
/// Time column, when not named: the first column if its header is empty or one of `date`,
/// `time`, `timestamp`, `ds`, `datetime`, `index`, or if its first value is a date; otherwise the
/// series has a row index. Integer times are epoch seconds (milliseconds from 10^11 on), and
/// four-digit integers in 1000…2999 are years.
public enum CSVLoader {
    public static let timeColumnNames: Set<String> = ["date", "time", "timestamp", "ds", "datetime", "index", "period"]

    /// Loads `path`; throws `DataError` with file, line and column on bad input.
    public static func load(_ path: String, options: CSVOptions = CSVOptions()) throws -> CSVLoadResult {
        let dialect = CSVDialect(delimiter: options.delimiter, maxFieldBytes: options.maxFieldBytes, maxFields: options.maxColumns)
        let reader = try CSVReader(path: path, dialect: dialect)
        var builder = CSVTableBuilder(path: path, options: options)
        let threads = max(1, options.threads ?? activeProcessorCount())
        var threadsUsed = 1
        if threads > 1 && reader.fileSize >= options.parallelMinimumBytes && options.layout != .long {
            if let parallel = try loadInParallel(reader: reader, builder: builder, threads: threads) {
                builder = parallel.builder
                threadsUsed = parallel.threads
            } else {
                builder = CSVTableBuilder(path: path, options: options)
                try reader.read(into: builder)
            }
        } else {
            try reader.read(into: builder)
        }
        try checkSawRows(builder, path: path)
        var notes = builder.notes
        var collection = SeriesCollection()
        for partial in builder.series {
            var series = try partial.finish(source: path, hasTime: builder.timeField != nil)
            series.utcOffset = builder.timeZoneOffset
            series = try series.applyingOrder(options.order, notes: &notes)
            series = try series.fillingMissing(options.missing, notes: &notes)
            try collection.append(series)
        }
        return CSVLoadResult(series: collection, layout: builder.resolvedLayout, header: builder.header,
                             timeColumn: builder.timeField.map { builder.header[$0] },
                             delimiter: reader.delimiter, notes: notes, threadsUsed: threadsUsed)
    }

    /// One byte range parsed on its own thread. Each chunk owns its reader and builder; nothing
    /// is shared between threads until `concurrentPerform` returns.
    final class Chunk: @unchecked Sendable {
        let reader: CSVReader
        let builder: CSVTableBuilder
        let range: Range<Int>
        let firstLine: Int
        var outcome: CSVRangeOutcome?
        var error: Error?

        init(reader: CSVReader, builder: CSVTableBuilder, range: Range<Int>, firstLine: Int) {
            self.reader = reader
            self.builder = builder
            self.range = range
            self.firstLine = firstLine
        }

        func run() {
            do { outcome = try reader.read(into: builder, range: range, firstLine: firstLine, estimateTotal: false) } catch { self.error = error }
        }
    }

    /// Parses a prefix on this thread (header, roles, row size), then the rest in `threads`
    /// ranges at once. Returns nil when a cut fell inside a quoted field (caller re-reads).
    static func loadInParallel(reader: CSVReader, builder: CSVTableBuilder, threads: Int) throws -> (builder: CSVTableBuilder, threads: Int)? {
        let size = reader.fileSize
        let prefixEnd = reader.rowStart(atOrAfter: 1 << 18)
        let prefix = try reader.read(into: builder, range: 0..<prefixEnd, estimateTotal: false)
        if prefixEnd >= size { return (builder, 1) }
        guard prefix.endedAtRowStart, builder.rolesDecided, builder.resolvedLayout != .long, builder.rowCount > 0 else { return nil }
        var cuts = [prefixEnd]
        for k in 1..<threads { cuts.append(max(cuts[k - 1], reader.rowStart(atOrAfter: prefixEnd + (size - prefixEnd) * k / threads))) }
        cuts.append(size)
        let rowsPerByte = Double(builder.rowCount) / Double(prefixEnd) * 1.02
        builder.reserve(estimatedRecords: Int(Double(cuts[1]) * rowsPerByte) + Int(Double(size - cuts[1]) * rowsPerByte) + 16)
        var chunks: [Chunk] = []
        for k in 0..<threads where cuts[k] < cuts[k + 1] {
            let chunkBuilder = k == 0 ? builder : builder.chunkBuilder()
            if k > 0 { chunkBuilder.reserve(estimatedRecords: Int(Double(cuts[k + 1] - cuts[k]) * rowsPerByte) + 16) }
            let chunkReader = k == 0 ? reader : try CSVReader(path: reader.path, dialect: CSVDialect(
                delimiter: reader.delimiter, maxFieldBytes: reader.dialect.maxFieldBytes, maxFields: reader.dialect.maxFields))
            chunks.append(Chunk(reader: chunkReader, builder: chunkBuilder, range: cuts[k]..<cuts[k + 1],
                                firstLine: k == 0 ? 1 + prefix.newlines : 1))
        }
        let jobs = chunks
        DispatchQueue.concurrentPerform(iterations: jobs.count) { jobs[$0].run() }
        // A range's result is real only if every range before it ended at a row start.
        var lineOffsets: [Int] = []
        var nextLine = 1 + prefix.newlines
        for (k, chunk) in chunks.enumerated() {
            if var error = chunk.error as? DataError {
                if k > 0, let line = error.location?.line { error.location?.line = line + nextLine - 1 }
                throw error
            }
            if let error = chunk.error { throw error }
            guard let outcome = chunk.outcome else { return nil }
            if k > 0 { lineOffsets.append(nextLine - 1) }
            nextLine += outcome.newlines
            if k < chunks.count - 1 && !outcome.endedAtRowStart { return nil }
        }
        builder.merge(chunks.dropFirst().map(\.builder), lineOffsets: lineOffsets)
        return (builder, chunks.count)
    }
}

/// Online processors (the default thread count for parallel parsing).
func activeProcessorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

