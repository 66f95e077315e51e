// One line of a live stream → one point: its series id, timestamp and value. CSV lines are
// read against a header (the stream's first line, or names the user gives when the stream has
// none, as `tail -F` shows no header); JSON lines are objects whose keys name the fields. A line
// that cannot be read becomes a message that says why, so the stream reports it and goes on.
import Foundation
import SeerBase
import SeerData

/// How the lines of a stream are written.
public enum StreamFormat: String, CaseIterable, Sendable, Codable {
    /// Comma-separated fields (quotes allowed), a header naming them.
    case csv
    /// One JSON object per line.
    case jsonl
}

/// One point read from a stream line, with the texts echoed back in the output.
public struct StreamPoint: Sendable, Equatable {
    public var id: String?
    public var timestampText: String?
    /// Epoch seconds, when the stream has a time field.
    public var timestamp: Int64?
    public var valueText: String
    public var value: Double

    public init(id: String?, timestampText: String?, timestamp: Int64?, valueText: String, value: Double) {
        self.id = id
        self.timestampText = timestampText
        self.timestamp = timestamp
        self.valueText = valueText
        self.value = value
    }
}

/// Which fields of a stream hold the time, the value and the series id.
public struct StreamFields: Sendable, Equatable, Codable {
    /// Nil: `timestamp`, `ds`, `time` or `date`, whichever the stream has (none: points are in
    /// arrival order).
    public var time: String?
    /// Nil: `value` or `y`, or the only field left.
    public var target: String?
    /// Nil: `unique_id` when present (else one series).
    public var id: String?

    public init(time: String? = nil, target: String? = nil, id: String? = nil) {
        self.time = time
        self.target = target
        self.id = id
    }
}

/// Parses the lines of one stream.
public struct StreamLineParser: Sendable {
    public let format: StreamFormat
    public let fields: StreamFields
    /// CSV column positions, once the header is known.
    private var timeIndex: Int?, valueIndex = 0, idIndex: Int?
    private var header: [String]?

    /// `header`: the CSV field names when the stream carries no header line.
    public init(format: StreamFormat, fields: StreamFields, header: [String]? = nil) throws(DataError) {
        self.format = format
        self.fields = fields
        if let header { try useHeader(header, source: "--header") }
    }

    /// Whether the next CSV line is the header.
    public var needsHeader: Bool { format == .csv && header == nil }

    /// Whether points carry a series id.
    public var hasIds: Bool { format == .jsonl ? fields.id != nil : idIndex != nil }

    /// Reads the header line of a CSV stream.
    public mutating func readHeader(_ line: String) throws(DataError) {
        guard let names = Self.splitCSV(line) else { throw DataError.bad("the header has an unclosed quote", file: "stdin", line: 1) }
        try useHeader(names.map { $0.trimmingCharacters(in: .whitespaces) }, source: "stdin")
    }

    private mutating func useHeader(_ names: [String], source: String) throws(DataError) {
        func find(_ wanted: String?, _ defaults: [String], role: String) throws(DataError) -> Int? {
            if let wanted {
                guard let i = names.firstIndex(of: wanted) else {
                    throw DataError.bad("no \(role) field '\(wanted)' in the header (it has \(names.joined(separator: ", ")))", file: source, line: 1)
                }
                return i
            }
            return defaults.lazy.compactMap { names.firstIndex(of: $0) }.first
        }
        timeIndex = try find(fields.time, ["timestamp", "ds", "time", "date"], role: "time")
        idIndex = try find(fields.id, ["unique_id"], role: "id")
        if let value = try find(fields.target, ["value", "y"], role: "value") {
            valueIndex = value
        } else {
            let rest = names.indices.filter { $0 != timeIndex && $0 != idIndex }
            guard rest.count == 1 else {
                throw DataError.bad("cannot tell which field is the value among \(rest.map { names[$0] }.joined(separator: ", ")); name it with --target", file: source, line: 1)
            }
            valueIndex = rest[0]
        }
        header = names
    }

    /// The point on `line`, or why it cannot be read.
    public func point(_ line: String) -> Result<StreamPoint, StreamLineError> {
        switch format {
        case .csv: return csvPoint(line)
        case .jsonl: return jsonPoint(line)
        }
    }

    private func csvPoint(_ line: String) -> Result<StreamPoint, StreamLineError> {
        guard let header else { return .failure(StreamLineError("no header yet")) }
        guard let cells = Self.splitCSV(line) else { return .failure(StreamLineError("an unclosed quote")) }
        guard cells.count == header.count else {
            return .failure(StreamLineError("\(cells.count) field\(cells.count == 1 ? "" : "s") where the header has \(header.count)"))
        }
        return build(id: idIndex.map { cells[$0] }, time: timeIndex.map { cells[$0] }, value: cells[valueIndex], valueName: header[valueIndex])
    }

    private func jsonPoint(_ line: String) -> Result<StreamPoint, StreamLineError> {
        guard let object = try? JSONValue(parsing: Array(line.utf8), source: "stdin"), let members = object.objectValue else {
            return .failure(StreamLineError("not a JSON object"))
        }
        func text(_ key: String) -> String? {
            switch members[key] {
            case .string(let s)?: return s
            case .number(let n)?: return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            default: return nil
            }
        }
        let valueKey = fields.target ?? (members["value"] != nil ? "value" : "y")
        guard let raw = members[valueKey] else { return .failure(StreamLineError("no \"\(valueKey)\" field")) }
        let valueText: String
        switch raw {
        case .number(let n): valueText = "\(n)"
        case .string(let s): valueText = s
        case .null: valueText = "null"
        default: return .failure(StreamLineError("\"\(valueKey)\" is \(raw) where a number was expected"))
        }
        let timeKey = fields.time ?? ["timestamp", "ds", "time", "date"].first { members[$0] != nil }
        if let timeKey, members[timeKey] == nil { return .failure(StreamLineError("no \"\(timeKey)\" field")) }
        if let idKey = fields.id, members[idKey] == nil { return .failure(StreamLineError("no \"\(idKey)\" field")) }
        return build(id: fields.id.flatMap(text), time: timeKey.flatMap(text), value: valueText, valueName: valueKey)
    }

    private func build(id: String?, time: String?, value: String, valueName: String) -> Result<StreamPoint, StreamLineError> {
        let trimmed = Self.trimmed(value)
        guard let number = Double(trimmed) else {
            return .failure(StreamLineError("'\(trimmed)' in \(valueName) is not a number"))
        }
        guard number.isFinite else { return .failure(StreamLineError("\(valueName) is \(trimmed); only finite values are scored")) }
        var epoch: Int64?
        if let time {
            guard let t = TimestampParser.parse(Self.trimmed(time)) else {
                return .failure(StreamLineError("'\(time)' is not a timestamp"))
            }
            epoch = t
        }
        // Rounded to Float32 as the file and SQLite readers store values, so a stream scores a
        // file's rows exactly as `seer detect FILE` does.
        let stored = Float(number)
        guard stored.isFinite else { return .failure(StreamLineError("\(valueName) \(trimmed) is beyond the Float32 range Seer stores")) }
        return .success(StreamPoint(id: id, timestampText: time, timestamp: epoch, valueText: trimmed, value: Double(stored)))
    }

    /// `text` without spaces or tabs at either end.
    static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.first == 0x20 || bytes.first == 0x09 || bytes.last == 0x20 || bytes.last == 0x09 else { return text }
        return String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// The fields of one CSV line (double quotes around a field, "" inside it); nil for an
    /// unclosed quote. A trailing carriage return is dropped. Works on UTF-8 bytes: the
    /// delimiters are ASCII, and grapheme-by-grapheme iteration cost more than the scoring.
    static func splitCSV(_ line: String) -> [String]? {
        var bytes = Array(line.utf8)
        if bytes.last == 0x0D { bytes.removeLast() }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 0x22 {
                    // A doubled quote is a literal one; a single one closes the field.
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 { field.append(0x22); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == 0x22 && field.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if c == 0x2C {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
            } else { field.append(c) }
            i += 1
        }
        guard !quoted else { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}

/// Why a stream line was skipped.
public struct StreamLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
