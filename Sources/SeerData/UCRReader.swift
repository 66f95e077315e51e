// Reads the UCR/UEA time-series classification archive: the sktime/UEA `.ts` text format
// (`#` comments, `@` header tags, then one case a line) and the UCR 2018 `.tsv` layout (class
// label, then values). Archive files are a few MB, so each is read whole with POSIX calls and
// parsed as bytes; values go through NumberParser, and Strings are made only for header words
// and class labels.
import SeerBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads UCR/UEA classification datasets.
public enum UCRReader {
    /// Loads `path`, choosing the format by extension: `.ts` (UEA/sktime) or `.tsv`/`.txt`
    /// (UCR 2018, label first).
    public static func load(_ path: String) throws -> ClassificationDataset {
        let fileName = path.split(separator: "/").last ?? Substring(path)
        switch fileName.lastIndex(of: ".").map({ fileName[fileName.index(after: $0)...].lowercased() }) {
        case "ts": return try loadTS(path)
        case "tsv", "txt": return try loadTSV(path)
        default:
            throw DataError(.usage, "cannot tell the UCR format from the file name: expected a .ts, .tsv or .txt extension",
                            at: SourceLocation(file: path))
        }
    }

    /// Loads a `.ts` file: header tags up to `@data`, then one case a line, dimensions
    /// separated by `:`, values by `,`, the class label after the final `:`. Missing values
    /// are `?`, `NaN` or empty. Time-stamped and regression files are refused.
    public static func loadTS(_ path: String) throws -> ClassificationDataset {
        let bytes = try readFile(path)
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = TSParser(path: path)
            var lines = ByteLines(buffer)
            while let line = lines.next() { try parser.consume(trimmed(line.bytes), line: line.number) }
            return try parser.finish(lastLine: lines.number)
        }
    }

    /// Loads a UCR 2018 `.tsv` (or `.txt`) file: one univariate case a line, the class label
    /// first, then the values, separated by tabs, commas or runs of spaces (whichever the first
    /// case uses). Trailing missing values are padding for variable-length data and are dropped.
    public static func loadTSV(_ path: String) throws -> ClassificationDataset {
        let bytes = try readFile(path)
        return try bytes.withUnsafeBufferPointer { buffer in
            var classes = ClassTable()
            var labels: [Int] = [], values: [Float] = [], offsets: [Int] = [], lengths: [Int] = []
            values.reserveCapacity(buffer.count / 8)
            var separator: UInt8?  // nil until the first case; 0x20 means runs of blanks
            var lines = ByteLines(buffer)
            while let next = lines.next() {
                // Tabs are kept: a leading tab is an empty label, not indentation.
                let number = next.number, line = trimmed(next.bytes, keepingTabs: true)
                guard let first = line.first, first != hashSign else { continue }
                let sep = separator ?? (line.contains(tab) ? tab : line.contains(comma) ? comma : space)
                separator = sep
                var cursor = 0, field = 0
                let offset = values.count
                while let range = nextField(line, from: &cursor, separator: sep) {
                    field += 1
                    let text = UnsafeBufferPointer(rebasing: line[range])
                    if field == 1 {
                        labels.append(try classes.index(of: trimmed(text), path: path, line: number, column: 1,
                                                       where: "field 1"))
                        continue
                    }
                    values.append(try parseValue(text, path: path, line: number, column: field, where: "field \(field)",
                                                  columnIs: "field number"))
                }
                // UCR 2018 pads variable-length cases with NaN up to the longest one.
                while values.count > offset, values[values.count - 1].isNaN { values.removeLast() }
                guard values.count > offset else {
                    throw DataError.bad("case has a class label but no values (column = field number)", file: path, line: number, column: 2)
                }
                offsets.append(offset)
                lengths.append(values.count - offset)
            }
            guard !lengths.isEmpty else {
                throw DataError.bad("no cases: expected one line per case, class label first", file: path, line: lines.number)
            }
            return try ClassificationDataset(name: problemName(fromPath: path), classNames: classes.names, labels: labels,
                                             dimensions: 1, values: values, offsets: offsets, lengths: lengths)
        }
    }
}

// MARK: - The .ts format

/// Header state and the cases read so far, fed one trimmed line at a time.
private struct TSParser {
    let path: String
    var problemName: String?
    var inData = false
    var dataLine = 0
    /// From `@dimensions` or `@univariate true`, else from the first case.
    var dimensions: Int?
    var dimensionsSource = "the first case"
    var equalLength: Bool?
    var seriesLength: Int?
    var labelled = true
    var classes = ClassTable()
    /// The length every series must have once `@equalLength true` holds and the first is read.
    var commonLength: Int?

    // The cases, laid out as ClassificationDataset stores them.
    var labels: [Int] = [], values: [Float] = [], offsets: [Int] = [], lengths: [Int] = []

    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws {
        guard let first = line.first, first != hashSign else { return }
        if first == atSign {
            guard !inData else {
                throw DataError.bad("header tag after @data: tags must all come before @data", file: path, line: number, column: 1)
            }
            return try headerTag(line, line: number)
        }
        guard inData else {
            throw DataError.bad("data before @data: expected a '#' comment or an '@' header tag", file: path, line: number, column: 1)
        }
        try appendCase(line, line: number)
    }

    mutating func headerTag(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws {
        guard let text = String(validating: line, as: UTF8.self) else {
            let byte = firstInvalidUTF8(line) + 1
            throw DataError.bad("invalid UTF-8 in the header at byte \(byte) (column = byte position)", file: path, line: number, column: byte)
        }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let tagWord = words.first ?? text
        let tag = tagWord.lowercased()
        let arguments = Array(words.dropFirst())
        func bad(_ message: String) -> DataError { DataError.bad("\(tagWord): \(message)", file: path, line: number) }
        func flag() throws -> Bool {
            switch arguments.first?.lowercased() {
            case "true": return true
            case "false": return false
            default: throw bad("expected true or false, found '\(arguments.first ?? "")'")
            }
        }
        func positive() throws -> Int {
            guard arguments.count == 1, let n = Int(arguments[0]), n > 0 else {
                throw bad("expected a positive whole number, found '\(arguments.joined(separator: " "))'")
            }
            return n
        }
        switch tag {
        case "@problemname":
            guard !arguments.isEmpty else { throw bad("expected the problem name") }
            problemName = arguments.joined(separator: " ")
        case "@timestamps":
            if try flag() {
                throw bad("time-stamped .ts files (@timeStamps true) are not supported; Seer reads series without time stamps")
            }
        case "@missing":
            _ = try flag()  // '?' reads as missing whatever this says; the tag only has to be well formed
        case "@univariate":
            if try flag() { try declareDimensions(1, from: "@univariate true", line: number) }
        case "@dimensions":
            try declareDimensions(try positive(), from: "@dimensions", line: number)
        case "@equallength":
            equalLength = try flag()
        case "@serieslength":
            seriesLength = try positive()
        case "@classlabel":
            labelled = try flag()
            if labelled {
                for name in arguments.dropFirst() where !classes.declare(name) {
                    throw bad("class label '\(name)' is listed twice")
                }
            } else if arguments.count > 1 {
                throw bad("@classLabel false takes no labels")
            }
        case "@targetlabel":
            if try flag() {
                throw bad("regression .ts files (@targetLabel true) are not supported; Seer reads classification data (@classLabel)")
            }
        case "@data":
            inData = true
            dataLine = number
        default:
            throw bad("unknown header tag; expected @problemName, @timeStamps, @missing, @univariate, @dimensions, @equalLength, @seriesLength, @classLabel or @data")
        }
    }

    mutating func declareDimensions(_ n: Int, from source: String, line number: Int) throws {
        if let dimensions, dimensions != n {
            throw DataError.bad("\(source) says \(n) dimension(s) but \(dimensionsSource) said \(dimensions)", file: path, line: number)
        }
        dimensions = n
        dimensionsSource = source
    }

    mutating func appendCase(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws {
        // The label follows the last ':'; everything before it is the dimensions.
        var end = line.count
        if labelled {
            guard let labelColon = line.lastIndex(of: colon) else {
                throw DataError.bad("expected the class label after a final ':' (the header says @classLabel true)",
                                    file: path, line: number, column: 1)
            }
            end = labelColon
        }
        var found = 1
        for i in 0..<end where line[i] == colon { found += 1 }
        let expected = dimensions ?? found
        guard found == expected else {
            let which = found < expected ? "dimension \(found + 1) is missing" : "dimension \(expected + 1) is extra"
            throw DataError.bad("case has \(found) dimension(s) but \(dimensionsSource) has \(expected): \(which) (column = dimension number)",
                                file: path, line: number, column: min(found, expected) + 1)
        }
        if dimensions == nil { dimensions = found }

        var start = 0
        for dimension in 1...found {
            var stop = start
            while stop < end && line[stop] != colon { stop += 1 }
            try appendSeries(UnsafeBufferPointer(rebasing: line[start..<stop]), dimension: dimension, line: number)
            start = stop + 1
        }
        if labelled {
            let label = trimmed(UnsafeBufferPointer(rebasing: line[(end + 1)...]))
            labels.append(try classes.index(of: label, path: path, line: number, column: found + 1,
                                            where: "column \(found + 1) (the field after dimension \(found))"))
        }
    }

    mutating func appendSeries(_ text: UnsafeBufferPointer<UInt8>, dimension: Int, line number: Int) throws {
        guard !trimmed(text).isEmpty else {
            throw DataError.bad("dimension \(dimension) has no values (column = dimension number)", file: path, line: number, column: dimension)
        }
        let offset = values.count
        var cursor = 0, position = 0
        while let range = nextField(text, from: &cursor, separator: comma) {
            position += 1
            values.append(try parseValue(UnsafeBufferPointer(rebasing: text[range]), path: path, line: number, column: position,
                                         where: "value \(position) of dimension \(dimension)", columnIs: "value position"))
        }
        let length = values.count - offset
        offsets.append(offset)
        lengths.append(length)

        // @seriesLength alone also implies equal length; only an explicit `false` turns it off.
        guard equalLength ?? (seriesLength != nil) else { return }
        if let expected = seriesLength ?? commonLength, length != expected {
            let rule = seriesLength != nil ? "@seriesLength is \(expected)" : "@equalLength is true and earlier series have \(expected)"
            throw DataError.bad("dimension \(dimension) has \(length) values but \(rule) (column = dimension number)",
                                file: path, line: number, column: dimension)
        }
        commonLength = length
    }

    func finish(lastLine: Int) throws -> ClassificationDataset {
        guard inData else {
            throw DataError.bad("no @data line: expected the header tags, then @data, then one case a line", file: path, line: lastLine)
        }
        guard let dimensions, !lengths.isEmpty else {
            throw DataError.bad("no cases after @data", file: path, line: dataLine)
        }
        return try ClassificationDataset(name: problemName ?? UCRReader.problemName(fromPath: path),
                                         classNames: classes.names, labels: labels, dimensions: dimensions,
                                         values: values, offsets: offsets, lengths: lengths)
    }
}

// MARK: - Shared pieces

private let tab: UInt8 = 0x09, space: UInt8 = 0x20, comma: UInt8 = 0x2C, colon: UInt8 = 0x3A
private let hashSign: UInt8 = 0x23, atSign: UInt8 = 0x40, question: UInt8 = 0x3F

private func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == 0x0D }

/// `text` without leading and trailing spaces, CRs and (unless kept) tabs.
private func trimmed(_ text: UnsafeBufferPointer<UInt8>, keepingTabs: Bool = false) -> UnsafeBufferPointer<UInt8> {
    func strip(_ byte: UInt8) -> Bool { isBlank(byte) && !(keepingTabs && byte == tab) }
    var lo = 0, hi = text.count
    while lo < hi && strip(text[lo]) { lo += 1 }
    while hi > lo && strip(text[hi - 1]) { hi -= 1 }
    return UnsafeBufferPointer(rebasing: text[lo..<hi])
}

/// The next field of `text` at or after `cursor`, or nil at the end. With `space` as the
/// separator, runs of blanks separate fields; with any other, every separator ends a field
/// (so `1,,2` has an empty middle field).
private func nextField(_ text: UnsafeBufferPointer<UInt8>, from cursor: inout Int, separator: UInt8) -> Range<Int>? {
    if separator == space {
        while cursor < text.count && isBlank(text[cursor]) { cursor += 1 }
        guard cursor < text.count else { return nil }
        let start = cursor
        while cursor < text.count && !isBlank(text[cursor]) { cursor += 1 }
        return start..<cursor
    }
    guard cursor <= text.count else { return nil }
    let start = cursor
    while cursor < text.count && text[cursor] != separator { cursor += 1 }
    defer { cursor += 1 }  // step over the separator; past the end means no more fields
    return start..<cursor
}

/// One value: a number, or NaN for `?`, `NaN`, an empty field and the other missing markers.
private func parseValue(_ text: UnsafeBufferPointer<UInt8>, path: String, line: Int, column: Int,
                        where place: String, columnIs meaning: String) throws -> Float {
    guard let base = text.baseAddress else { return .nan }
    switch NumberParser.parse(base, count: text.count) {
    case .value(let x): return x
    case .missing: return .nan
    case .invalid:
        let word = trimmed(text)
        if word.count == 1 && word[0] == question { return .nan }
        let shown = String(decoding: word.prefix(40), as: UTF8.self)
        throw DataError.bad("\(place) is not a number: '\(shown)' (column = \(meaning))", file: path, line: line, column: column)
    case .outOfRange:
        throw DataError.bad("\(place) is too large for Float32 (column = \(meaning))", file: path, line: line, column: column)
    }
}

/// The 0-based offset of the first byte that is not part of valid UTF-8.
private func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    while case .scalarValue(let scalar) = decoder.decode(&iterator) { offset += UTF8.width(scalar) }
    return offset
}
