// Metrics from log lines: each line is matched (a regex with named groups, a built-in access-log
// format, or a JSON object per line), its time read from one field, and its bucket (a fixed
// width, aligned to the epoch) gets a count, a sum, or a value for a quantile — per value of an
// optional `by` field. The buckets become one series per group: counts and rates with 0 where no
// line fell (no line *is* the measurement), means and quantiles missing there (no value to
// average). A line that does not match, or whose time or value cannot be read, is counted and its
// first few line numbers kept — logs mix formats, so one bad line must not stop the rest.
import Foundation
import SeerBase

/// How log lines are read.
public enum LogFormat: Sendable, Equatable {
    /// Apache/nginx common log format: host ident user [time] "request" status bytes.
    case common
    /// The combined format: common plus "referer" "user-agent" (what nginx writes by default).
    case combined
    /// One JSON object per line; fields are its top-level keys.
    case jsonLines
    /// A regular expression whose named groups are the fields.
    case pattern(String)

    /// The built-in access-log pattern (the combined fields optional, so both formats match it):
    /// the specification `AccessLogFields` implements and is tested against.
    static let accessLog = #"^(?<host>\S+) (?<ident>\S+) (?<user>\S+) \[(?<time>[^\]]+)\] "(?<method>[A-Z]+) (?<path>\S+)(?: (?<protocol>[^"]*))?" (?<status>\d{3}) (?<bytes>\d+|-)(?: "(?<referer>[^"]*)" "(?<agent>[^"]*)")?"#

    /// The fields a line of this format can have (nil: any, for JSON lines).
    public var fields: Set<String>? {
        switch self {
        case .common, .combined: return Set(AccessLogFields.names)
        case .jsonLines: return nil
        case .pattern(let text): return Self.groupNames(text)
        }
    }

    /// The names of a pattern's named groups, `(?<name>…)`.
    static func groupNames(_ pattern: String) -> Set<String> {
        var names = Set<String>(), rest = Substring(pattern)
        while let open = rest.range(of: "(?<") {
            let after = rest[open.upperBound...]
            // `(?<=` and `(?<!` are look-behinds, not names.
            if after.first == "=" || after.first == "!" { rest = after; continue }
            guard let close = after.firstIndex(of: ">") else { break }
            if close > after.startIndex { names.insert(String(after[..<close])) }
            rest = after[close...]
        }
        return names
    }
}

/// What each bucket reports.
public enum LogAggregation: Sendable, Equatable {
    case count
    /// Lines per second.
    case rate
    case mean(field: String)
    case quantile(Double, field: String)

    var field: String? {
        switch self {
        case .count, .rate: return nil
        case .mean(let field), .quantile(_, let field): return field
        }
    }
}

/// Log lines turned into per-bucket series.
public struct LogMetrics {
    public let format: LogFormat
    public let timeField: String
    public let bucketSeconds: Int64
    public let aggregation: LogAggregation
    public let by: String?
    let regex: Regex<AnyRegexOutput>?
    /// Per group, per bucket index: (lines, sum of values, values for a quantile).
    var buckets: [String: [Int64: (count: Int, sum: Double, values: [Double])]] = [:]
    public private(set) var lines = 0, matched = 0
    /// Lines not used, and the first few of their numbers with why.
    public private(set) var skipped = 0
    public private(set) var firstSkipped: [(line: Int, why: String)] = []
    /// Buckets one group may span from its first line to its last (every bucket between them is
    /// written). Found by fuzzing: one line dated years away from the rest made millions of empty
    /// rows and ran for minutes; now that is an error naming the span.
    public var maxBuckets = 2_000_000

    /// Checks the options: a pattern that compiles and has the fields asked for, a positive bucket.
    public init(format: LogFormat, timeField: String, bucketSeconds: Int64, aggregation: LogAggregation, by: String? = nil) throws(DataError) {
        guard bucketSeconds > 0 else { throw DataError(.usage, "the bucket must be at least one second", file: "--bucket") }
        if case .quantile(let q, _) = aggregation, !(q >= 0 && q <= 1) {
            throw DataError(.usage, "the quantile must be between 0 and 1, not \(q)", file: "--quantile")
        }
        // Access logs are read by AccessLogFields (which matches what `accessLog` matches), JSON
        // lines by the JSON parser; only a user's pattern needs a Regex.
        if case .pattern(let text) = format {
            do { regex = try Regex(text) } catch {
                throw DataError(.usage, "the pattern is not a regular expression: \(error)", file: "--pattern")
            }
        } else {
            regex = nil
        }
        if let fields = format.fields {
            for (role, name) in [("--time-field", timeField), ("--by", by), ("the value field", aggregation.field)] {
                guard let name, !fields.contains(name) else { continue }
                throw DataError(.usage, "\(role) '\(name)' is not a field of the lines; they have: \(fields.sorted().joined(separator: ", "))", file: "--pattern")
            }
        }
        self.format = format
        self.timeField = timeField
        self.bucketSeconds = bucketSeconds
        self.aggregation = aggregation
        self.by = by
    }

    /// Reads one line (its number counted from 1).
    public mutating func add(_ line: Substring) {
        lines += 1
        guard !line.allSatisfy(\.isWhitespace) else { return }
        guard let fields = self.fields(of: line) else { return skip("does not match the format") }
        guard let timeText = fields(timeField) else { return skip("has no \(timeField)") }
        guard let time = Self.parseTime(timeText) else { return skip("\(timeField) '\(timeText.prefix(40))' is not a time") }
        var value = 0.0
        if let field = aggregation.field {
            guard let text = fields(field), let number = Double(text), number.isFinite else { return skip("\(field) is not a number") }
            value = number
        }
        let group = by.map { fields($0) ?? "" } ?? "all"
        let index = time >= 0 ? time / bucketSeconds : (time - bucketSeconds + 1) / bucketSeconds
        let keepsValues = if case .quantile = aggregation { true } else { false }
        // One in-place update of the bucket (no copy of its values out and back).
        Self.update(&buckets[group, default: [:]][index, default: (0, 0, [])], value, keepingValues: keepsValues)
        matched += 1
    }

    /// Counts a line that could not be read at all (too long to hold), skipped with `why`.
    public mutating func skipUnread(_ why: String) {
        lines += 1
        skip(why)
    }

    static func update(_ entry: inout (count: Int, sum: Double, values: [Double]), _ value: Double, keepingValues: Bool) {
        entry.count += 1
        entry.sum += value
        if keepingValues { entry.values.append(value) }
    }

    mutating func skip(_ why: String) {
        skipped += 1
        if firstSkipped.count < 5 { firstSkipped.append((lines, why)) }
    }

    /// A lookup of the line's fields, or nil when the line does not match.
    func fields(of line: Substring) -> ((String) -> String?)? {
        if format == .common || format == .combined {
            guard let fields = AccessLogFields.parse(line) else { return nil }
            return { fields($0) }
        }
        if let regex {
            guard let match = try? regex.firstMatch(in: line) else { return nil }
            return { name in match.output[name]?.substring.map(String.init) }
        }
        guard let object = try? JSONValue(parsing: Array(line.utf8), source: "line"), object.objectValue != nil else { return nil }
        return { name in
            guard let value = object[name] else { return nil }
            if let text = value.stringValue { return text }
            return value.doubleValue.map(LogMetrics.number)
        }
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Epoch seconds of a log time: the access-log form `10/Oct/2000:13:55:36 -0700`, ISO 8601 (or
    /// any form the CSV reader takes), or epoch seconds (fractions dropped).
    public static func parseTime(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        if parts.count == 2, let clock = Self.accessLogTime(parts[0], zone: parts[1]) { return clock }
        if let seconds = TimestampParser.parse(text) { return seconds }
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 { return Int64(seconds.rounded(.down)) }
        return nil
    }

    static func accessLogTime(_ stamp: Substring, zone: Substring) -> Int64? {
        // dd/Mon/yyyy:HH:MM:SS ±hhmm
        let pieces = stamp.split(separator: "/", maxSplits: 2)
        guard pieces.count == 3, let day = Int(pieces[0]), let month = months.firstIndex(of: String(pieces[1])) else { return nil }
        let clock = pieces[2].split(separator: ":")
        // Four-digit years only, as the access-log format writes them: a year of 17 digits (a fuzzed
        // line) overflowed the seconds since 1970 and trapped.
        guard clock.count == 4, clock[0].utf8.count == 4, let year = Int(clock[0]), (0...9999).contains(year),
              let hour = Int(clock[1]), let minute = Int(clock[2]), let second = Int(clock[3]),
              zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", zone.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              let offset = Int(zone.dropFirst()), offset % 100 < 60,
              (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              day <= CivilTime.daysInMonth(year: year, month: month + 1) else { return nil }
        let local = CivilTime.daysFromCivil(year: year, month: month + 1, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let zoneSeconds = Int64((offset / 100) * 3600 + (offset % 100) * 60)
        return local - (sign == "-" ? -zoneSeconds : zoneSeconds)
    }

    /// The series: per group (sorted), every bucket from its first to its last, with the bucket's
    /// start time and value (nil where a mean or quantile had no line). Throws when a group spans
    /// more than `maxBuckets`.
    public func series() throws(DataError) -> [(id: String, points: [(time: Int64, value: Double?)])] {
        for (group, entries) in buckets {
            let first = entries.keys.min()!, last = entries.keys.max()!
            guard last - first < Int64(maxBuckets) else {
                let span = { (index: Int64) in CivilTime(epochSeconds: index * bucketSeconds).formatted(dateOnly: false) }
                throw DataError(.badInput, "\(by == nil ? "the lines" : "group '\(group)'") run from \(span(first)) to \(span(last)): "
                    + "\(last - first + 1) buckets of \(bucketSeconds) s, more than \(maxBuckets) (a line with a wrong date? a larger --bucket?)",
                    file: "the log")
            }
        }
        return buckets.keys.sorted().map { group in
            let entries = buckets[group]!
            let first = entries.keys.min()!, last = entries.keys.max()!
            let points = (first...last).map { index -> (Int64, Double?) in
                let entry = entries[index]
                let value: Double?
                switch aggregation {
                case .count: value = Double(entry?.count ?? 0)
                case .rate: value = Double(entry?.count ?? 0) / Double(bucketSeconds)
                case .mean: value = entry.map { $0.sum / Double($0.count) }
                case .quantile(let q, _): value = entry.map { Self.quantile($0.values, q) }
                }
                return (index * bucketSeconds, value)
            }
            return (group, points)
        }
    }

    /// The q-quantile by linear interpolation between order statistics (NumPy's default).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(sorted.count - 1, low + 1)
        return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
    }

    /// `unique_id,ds,y` rows (ISO 8601 UTC times; an empty y where a bucket has no value).
    public func csv() throws(DataError) -> String {
        var out = "unique_id,ds,y\n"
        for (id, points) in try series() {
            let quoted = CSVWriter.field(id)
            for (time, value) in points {
                out += quoted + "," + CivilTime(epochSeconds: time).formatted(dateOnly: false) + "," + (value.map { Self.number($0) } ?? "") + "\n"
            }
        }
        return out
    }

    /// Seconds in a duration: a whole number, or one with s, m, h or d; nil when it is not one.
    public static func seconds(of text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        guard let amount = Int64(unit == nil ? text : String(text.dropLast())), amount > 0, amount <= 366 * 86_400 else { return nil }
        return amount * (unit ?? 1)
    }

    /// A log file's text (bytes that are not UTF-8 become U+FFFD, so such a line is skipped, not fatal).
    /// Opens the log file `path` for reading and returns its descriptor (the caller closes it).
    public static func open(_ path: String) throws(DataError) -> Int32 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw DataError(.missingInput, "no such log file", file: path)
        }
        let descriptor = openForReading(path)
        guard descriptor >= 0 else { throw DataError(.io, "cannot open: \(DurableFiles.reason())", file: path) }
        return descriptor
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// open(2) read-only, outside `LogMetrics`, whose own `open` would shadow it.
private func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }
