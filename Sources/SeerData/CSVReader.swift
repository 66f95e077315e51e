// Streams a CSV file through libcsv's callback API and hands whole records to a handler.
// The file is read in 1 MiB blocks (never whole into memory) and fed to libcsv one line at a
// time, so every record and error knows its source line. Limits on field size and field count
// turn a runaway input (a 10 MB line, a binary file) into a clear error instead of a hang.
import CCSV
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed record, valid only during `CSVRecordHandler.handle(_:)`.
public struct CSVRecord {
    /// Source line where the record's first field ended (1-based).
    public let line: Int
    /// 0-based record number (the header is record 0).
    public let number: Int
    let bytes: UnsafePointer<UInt8>
    let ends: UnsafePointer<Int>
    public let count: Int

    /// The raw bytes of field `i` (quotes removed, `""` unescaped by libcsv).
    @inline(__always)
    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(start: bytes + start, count: ends[i] - start)
    }

    /// Field `i` as a String, or nil when it is not valid UTF-8.
    public func string(_ i: Int) -> String? { String(validating: field(i), as: UTF8.self) }
}

/// Receives records in file order. Throwing stops the read and surfaces the error.
public protocol CSVRecordHandler: AnyObject {
    func handle(_ record: CSVRecord) throws
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

/// Drives libcsv over a file.
public final class CSVReader {
    public let path: String
    public let dialect: CSVDialect
    /// The delimiter actually used (after sniffing).
    public private(set) var delimiter: UInt8 = 0x2C

    // Current record being assembled.
    private var recordBytes: UnsafeMutablePointer<UInt8>
    private var recordCapacity = 4096
    private var recordLength = 0
    private var fieldEnds: UnsafeMutablePointer<Int>
    private var fieldCapacity = 256
    private var fieldCount = 0
    private var recordLine = 0
    private var recordNumber = 0

    private var line = 1
    private var failure: Error?
    private weak var handler: CSVRecordHandler?

    public init(path: String, dialect: CSVDialect = CSVDialect()) {
        self.path = path
        self.dialect = dialect
        recordBytes = .allocate(capacity: recordCapacity)
        fieldEnds = .allocate(capacity: fieldCapacity)
    }

    deinit {
        recordBytes.deallocate()
        fieldEnds.deallocate()
    }

    /// Reads the whole file, calling `handler` per record. Returns the number of records.
    @discardableResult
    public func read(into handler: CSVRecordHandler) throws -> Int {
        self.handler = handler
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVReader.openError(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(.missingInput, "is a directory, not a CSV file", at: SourceLocation(file: path))
        }
        let fileSize = Int(info.st_size)

        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            throw DataError(.io, "libcsv could not initialise", at: SourceLocation(file: path))
        }
        defer { csv_free(&parser) }

        let blockSize = 1 << 20
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
        defer { block.deallocate() }
        let context = Unmanaged.passUnretained(self).toOpaque()
        var first = true
        var consumed = 0
        var reserved = false

        while failure == nil {
            let got = Glibc.read(fd, block, blockSize)
            if got < 0 {
                throw DataError(.io, "read failed: \(String(cString: strerror(errno)))", at: SourceLocation(file: path, line: line))
            }
            if got == 0 { break }
            var start = 0
            if first {
                first = false
                if got >= 3 && block[0] == 0xEF && block[1] == 0xBB && block[2] == 0xBF { start = 3 }  // UTF-8 BOM
                delimiter = dialect.delimiter ?? CSVReader.sniffDelimiter(block + start, got - start)
                csv_set_delim(&parser, delimiter)
                if delimiter == 0x09 { csv_set_space_func(&parser) { $0 == 0x20 ? 1 : 0 } }
            }
            // Feed line by line so `line` is exact while callbacks run.
            while start < got && failure == nil {
                let rest = got - start
                let newline = memchr(block + start, 0x0A, rest)
                let pieceEnd = newline.map { UnsafeMutableRawPointer($0) - UnsafeMutableRawPointer(block) + 1 } ?? got
                let length = pieceEnd - start
                if csv_parse(&parser, block + start, length, CSVReader.fieldCallback, CSVReader.recordCallback, context) != length {
                    fail(parser: &parser)
                }
                if failure == nil && parser.entry_pos > dialect.maxFieldBytes {
                    failure = DataError.bad("field is longer than \(dialect.maxFieldBytes) bytes (a missing newline or closing quote?)",
                                            file: path, line: line, column: fieldCount + 1)
                }
                if newline != nil { line += 1 }
                start = pieceEnd
            }
            consumed += got
            if !reserved && recordNumber >= 1000 && consumed > 0 {
                reserved = true
                let estimate = Double(fileSize) / Double(consumed) * Double(recordNumber) * 1.02
                handler.reserve(estimatedRecords: Int(estimate) + 16)
            }
        }
        if failure == nil && csv_fini(&parser, CSVReader.fieldCallback, CSVReader.recordCallback, context) != 0 {
            fail(parser: &parser)
        }
        if let failure { throw failure }
        return recordNumber
    }

    private func fail(parser: inout csv_parser) {
        guard failure == nil else { return }
        let status = csv_error(&parser)
        if status == CSV_EPARSE {
            failure = DataError.bad("malformed quoting: a quote inside an unquoted field, text after a closing quote, or a quote that is never closed",
                                    file: path, line: line, column: fieldCount + 1)
        } else {
            failure = DataError(.io, "libcsv: \(String(cString: csv_strerror(status)))", at: SourceLocation(file: path, line: line))
        }
    }

    static func openError(path: String, errno code: Int32) -> DataError {
        let reason = code == ENOENT ? "no such file" : String(cString: strerror(code))
        return DataError(.missingInput, "cannot open: \(reason)", at: SourceLocation(file: path))
    }

    /// Picks the most frequent of `,` `;` tab outside quotes on the first line (`,` on ties).
    static func sniffDelimiter(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var quoted = false
        for i in 0..<n {
            let c = p[i]
            if c == 0x22 { quoted.toggle() } else if !quoted {
                if c == 0x0A || c == 0x0D { break }
                if counts[c] != nil { counts[c]! += 1 }
            }
        }
        let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key == 0x2C }!
        return best.value > counts[0x2C]! ? best.key : 0x2C
    }

    // MARK: libcsv callbacks

    private static let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
        data, length, context in
        let reader = Unmanaged<CSVReader>.fromOpaque(context!).takeUnretainedValue()
        reader.appendField(data, length)
    }

    private static let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
        let reader = Unmanaged<CSVReader>.fromOpaque(context!).takeUnretainedValue()
        reader.endRecord()
    }

    private func appendField(_ data: UnsafeMutableRawPointer?, _ length: Int) {
        guard failure == nil else { return }
        if fieldCount == 0 { recordLine = line }
        if fieldCount == dialect.maxFields {
            failure = DataError.bad("more than \(dialect.maxFields) fields in one record", file: path, line: line, column: fieldCount + 1)
            return
        }
        if recordLength + length > recordCapacity {
            var capacity = recordCapacity * 2
            while capacity < recordLength + length { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: recordBytes, count: recordLength)
            recordBytes.deallocate()
            recordBytes = grown
            recordCapacity = capacity
        }
        if fieldCount == fieldCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity * 2)
            grown.update(from: fieldEnds, count: fieldCount)
            fieldEnds.deallocate()
            fieldEnds = grown
            fieldCapacity *= 2
        }
        if let data, length > 0 {
            (recordBytes + recordLength).update(from: data.assumingMemoryBound(to: UInt8.self), count: length)
        }
        recordLength += length
        fieldEnds[fieldCount] = recordLength
        fieldCount += 1
    }

    private func endRecord() {
        defer {
            recordLength = 0
            fieldCount = 0
        }
        guard failure == nil, let handler else { return }
        let record = CSVRecord(line: recordLine, number: recordNumber, bytes: recordBytes, ends: fieldEnds, count: fieldCount)
        recordNumber += 1
        do {
            try handler.handle(record)
        } catch {
            failure = error
        }
    }
}
