// Streams a CSV file (or a byte range of it) through libcsv's callback API and hands records to
// a handler in batches of about 1 MiB. The file is read in 1 MiB blocks with pread (never whole
// into memory). Every record and error knows its source line: libcsv reports each unquoted
// newline (CSV_REPALL_NL), and blocks containing quotes, where a newline may sit inside a field,
// are fed one line at a time instead. Limits on field size and field count turn a runaway input
// (a 10 MB line, a binary file) into a clear error instead of a hang. Ranges let `CSVLoader`
// parse parts of a file in parallel.
import SeerBase
import CCSV
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One parsed record, valid only during `CSVRecordHandler.handle(_:)`.
public struct CSVRecord {
    /// Source line where the record's first field ended (1-based, relative to the range read).
    public let line: Int
    let bytes: UnsafePointer<UInt8>
    let ends: UnsafePointer<Int>
    let start: Int
    public let count: Int

    /// The raw bytes of field `i` (quotes removed, `""` unescaped by libcsv).
    @inline(__always)
    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let from = i == 0 ? start : ends[i - 1]
        return UnsafeBufferPointer(start: bytes + from, count: ends[i] - from)
    }

    /// Field `i` as a String, or nil when it is not valid UTF-8.
    public func string(_ i: Int) -> String? { String(validating: field(i), as: UTF8.self) }
}

/// Consecutive records, valid only during `CSVRecordHandler.handle(_:)`.
public struct CSVRecordBatch {
    let bytes: UnsafePointer<UInt8>
    let ends: UnsafePointer<Int>
    let firstField: UnsafePointer<Int>
    let lines: UnsafePointer<Int>
    public let count: Int

    @inline(__always)
    public func record(_ i: Int) -> CSVRecord {
        let first = firstField[i]
        return CSVRecord(line: lines[i], bytes: bytes, ends: ends + first,
                         start: first == 0 ? 0 : ends[first - 1], count: firstField[i + 1] - first)
    }
}

/// Receives records in file order. Throwing stops the read and surfaces the error.
public protocol CSVRecordHandler: AnyObject {
    func handle(_ batch: CSVRecordBatch) throws
    /// Called once after ~1,000 records with an estimate of the total, to reserve storage.
    func reserve(estimatedRecords: Int)
}

/// Tokenizer settings.
public struct CSVDialect: Sendable, Equatable {
    /// Field separator; nil sniffs `,` `;` or tab from the first line.
    public var delimiter: UInt8?
    public var maxFieldBytes: Int
    public var maxFields: Int

    public init(delimiter: UInt8? = nil, maxFieldBytes: Int = 1 << 20, maxFields: Int = 100_000) {
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
    }
}

/// What reading a range found.
public struct CSVRangeOutcome {
    public var records: Int
    /// Newlines in the range (so the next range starts on line `firstLine + newlines`).
    public var newlines: Int
    /// True when the range ended outside any record (at a row start, not inside quotes).
    public var endedAtRowStart: Bool
}

/// Drives libcsv over a file.
public final class CSVReader {
    public let path: String
    public let dialect: CSVDialect
    /// The delimiter actually used (after sniffing on the first range).
    public private(set) var delimiter: UInt8 = 0x2C
    public private(set) var fileSize = 0

    private let fd: Int32
    /// State the libcsv callbacks touch, behind a pointer: the callbacks run once per field, and
    /// going through the class would add a dynamic exclusivity check to every one of them.
    private let state: UnsafeMutablePointer<ParseState>
    private var failure: Error?
    // Set for the duration of `read` only (the caller keeps the handler alive).
    private unowned(unsafe) var handler: CSVRecordHandler? = nil

    /// Opens `path`; throws `.missingInput` when it cannot be opened or is a directory.
    public init(path: String, dialect: CSVDialect = CSVDialect()) throws {
        // Everything that can fail happens before any stored property is set, so a throw here
        // never runs deinit on a half-made reader.
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw CSVReader.openError(path: path, errno: errno) }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw DataError(.missingInput, "is a directory, not a CSV file", at: SourceLocation(file: path))
        }
        self.path = path
        self.dialect = dialect
        fd = descriptor
        fileSize = Int(info.st_size)
        state = .allocate(capacity: 1)
        state.initialize(to: ParseState(maxFields: dialect.maxFields, fileSize: fileSize))
        if let given = dialect.delimiter { delimiter = given } else { sniff() }
    }

    deinit {
        close(fd)
        state.pointee.batch.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Reads bytes `range` (which must start at a row start), calling `handler` with batches.
    /// `finish` flushes a last record without a final newline (use it for the range at the end).
    @discardableResult
    public func read(into handler: CSVRecordHandler, range: Range<Int>? = nil, firstLine: Int = 1,
                     estimateTotal: Bool = true) throws -> CSVRangeOutcome {
        let range = range ?? 0..<fileSize
        self.handler = handler
        defer { self.handler = nil }
        state.pointee.reset(line: firstLine)
        failure = nil
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)) == 0 else {
            throw DataError(.io, "libcsv could not initialise", at: SourceLocation(file: path))
        }
        defer { csv_free(&parser) }
        csv_set_delim(&parser, delimiter)
        if delimiter == 0x09 { csv_set_space_func(&parser) { $0 == 0x20 ? 1 : 0 } }

        let blockSize = min(1 << 20, max(range.count, 1))  // a small file needs no 1 MB block
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
        defer { block.deallocate() }
        let context = UnsafeMutableRawPointer(state)
        var offset = range.lowerBound
        var records = 0
        var reserved = !estimateTotal
        while failure == nil && offset < range.upperBound {
            let want = min(blockSize, range.upperBound - offset)
            let got = pread(fd, block, want, off_t(offset))
            if got < 0 {
                throw DataError(.io, "read failed: \(String(cString: strerror(errno)))", at: SourceLocation(file: path, line: state.pointee.line))
            }
            if got == 0 { break }
            var start = 0
            if offset == 0 && got >= 3 && block[0] == 0xEF && block[1] == 0xBB && block[2] == 0xBF { start = 3 }  // UTF-8 BOM
            if memchr(block + start, 0x22, got - start) == nil {
                // No quote in this block: every newline ends a row and libcsv reports it
                // (CSV_REPALL_NL), so the whole block goes in one call with exact lines.
                let length = got - start
                if csv_parse(&parser, block + start, length, CSVReader.fieldCallback, CSVReader.recordCallback, context) != length {
                    fail(parser: &parser)
                }
                checkLimits(parser: parser)
            } else {
                // Quotes may hide newlines inside fields: feed line by line and count the
                // newlines libcsv did not report as row ends.
                while start < got && failure == nil {
                    let newline = memchr(block + start, 0x0A, got - start)
                    let pieceEnd = newline.map { UnsafeMutableRawPointer($0) - UnsafeMutableRawPointer(block) + 1 } ?? got
                    let length = pieceEnd - start
                    let linesBefore = state.pointee.line
                    if csv_parse(&parser, block + start, length, CSVReader.fieldCallback, CSVReader.recordCallback, context) != length {
                        fail(parser: &parser)
                    }
                    checkLimits(parser: parser)
                    if newline != nil && state.pointee.line == linesBefore { state.pointee.line += 1 }
                    start = pieceEnd
                }
            }
            offset += got
            records = state.pointee.batch.recordsSeen
            if failure == nil && !reserved && records >= 1000 {
                reserved = true
                let done = offset - range.lowerBound
                handler.reserve(estimatedRecords: Int(Double(range.count) / Double(done) * Double(records) * 1.02) + 16)
            }
            if failure == nil && state.pointee.batch.bytes >= blockSize { flush() }
        }
        let atEnd = range.upperBound >= fileSize
        let clean = parser.pstate == 0 && parser.entry_pos == 0
        if failure == nil && atEnd && csv_fini(&parser, CSVReader.fieldCallback, CSVReader.recordCallback, context) != 0 {
            fail(parser: &parser)
        }
        checkLimits(parser: parser)
        if failure == nil { flush() }
        if let failure {
            state.pointee.batch.reset()
            throw failure
        }
        return CSVRangeOutcome(records: state.pointee.batch.recordsSeen, newlines: state.pointee.line - firstLine,
                               endedAtRowStart: clean)
    }

    /// The error for a file that cannot be opened (exit 66), shared by every file reader.
    static func openError(path: String, errno code: Int32) -> DataError {
        let reason = code == ENOENT ? "no such file" : String(cString: strerror(code))
        return DataError(.missingInput, "cannot open: \(reason)", at: SourceLocation(file: path))
    }

    /// The byte offset just after the first newline at or after `offset` (or the file size).
    public func rowStart(atOrAfter offset: Int) -> Int {
        var position = offset
        var buffer = [UInt8](repeating: 0, count: min(65_536, max(fileSize - offset, 1)))
        while position < fileSize {
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
            if got <= 0 { return fileSize }
            if let index = buffer[0..<got].firstIndex(of: 0x0A) { return position + index + 1 }
            position += got
        }
        return fileSize
    }

    private func flush() {
        guard state.pointee.batch.records > 0, let handler else { return }
        do {
            try state.pointee.batch.withBatch { try handler.handle($0) }
        } catch {
            failure = error
        }
        state.pointee.batch.reset()
    }

    /// Turns the limits the callbacks and libcsv's buffer hit into errors.
    private func checkLimits(parser: csv_parser) {
        guard failure == nil else { return }
        let current = state.pointee
        if current.tooManyFields {
            failure = DataError.bad("more than \(dialect.maxFields) fields in one record", file: path, line: current.line,
                                    column: dialect.maxFields + 1)
        } else if parser.entry_pos > dialect.maxFieldBytes {
            failure = DataError.bad("field is longer than \(dialect.maxFieldBytes) bytes (a missing newline or closing quote?)",
                                    file: path, line: current.line, column: current.batch.pendingFields + 1)
        }
        if failure != nil { state.pointee.stopped = true }
    }

    private func fail(parser: inout csv_parser) {
        guard failure == nil else { return }
        let status = csv_error(&parser)
        if status == CSV_EPARSE {
            failure = DataError.bad("malformed quoting: a quote inside an unquoted field, text after a closing quote, or a quote that is never closed",
                                    file: path, line: state.pointee.line, column: state.pointee.batch.pendingFields + 1)
        } else {
            failure = DataError(.io, "libcsv: \(String(cString: csv_strerror(status)))", at: SourceLocation(file: path, line: state.pointee.line))
        }
        state.pointee.stopped = true
    }

    /// Picks the most frequent of `,` `;` tab outside quotes on the first line (`,` on ties).
    private func sniff() {
        var head = [UInt8](repeating: 0, count: min(65_536, max(fileSize, 1)))
        let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got > 0 else { return }
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var quoted = false
        for c in head[0..<got] {
            if c == 0x22 { quoted.toggle() } else if !quoted {
                if c == 0x0A || c == 0x0D { break }
                counts[c]? += 1
            }
        }
        let comma = counts[0x2C] ?? 0
        if let best = counts.max(by: { $0.value < $1.value }), best.value > comma { delimiter = best.key }
    }

    // MARK: libcsv callbacks

    private static let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
        data, length, context in
        context!.assumingMemoryBound(to: ParseState.self).pointee.appendField(data, length)
    }

    private static let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { terminator, context in
        context!.assumingMemoryBound(to: ParseState.self).pointee.endRecord(terminator)
    }
}

/// What the libcsv callbacks update: the batch being filled, the current line, and whether a
/// limit was hit (the reader turns that into an error after `csv_parse` returns).
struct ParseState {
    var batch: RecordAccumulator
    var line = 1
    var stopped = false
    var tooManyFields = false
    let maxFields: Int

    init(maxFields: Int, fileSize: Int) {
        self.maxFields = maxFields
        batch = RecordAccumulator(expectedBytes: fileSize)
    }

    mutating func reset(line: Int) {
        batch.clear()
        self.line = line
        stopped = false
        tooManyFields = false
    }

    @inline(__always)
    mutating func appendField(_ data: UnsafeMutableRawPointer?, _ length: Int) {
        guard !stopped else { return }
        if batch.pendingFields == maxFields {
            tooManyFields = true
            stopped = true
            return
        }
        batch.append(field: data?.assumingMemoryBound(to: UInt8.self), length: length, line: line)
    }

    /// libcsv calls this at every row end and, with CSV_REPALL_NL, at every unquoted CR or LF,
    /// also on empty lines; only LF advances the line.
    @inline(__always)
    mutating func endRecord(_ terminator: Int32) {
        guard !stopped else { return }
        batch.endRecord()
        if terminator == 0x0A { line += 1 }
    }
}
