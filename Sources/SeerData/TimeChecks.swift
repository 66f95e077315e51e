// Checks and repairs of a series' time axis and values: duplicate and out-of-order timestamps,
// gaps and off-step rows against the inferred frequency, and the missing-value policies. Every
// finding carries the row and source line it refers to.
import SeerBase

/// One irregular step between consecutive rows.
public struct StepIssue: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case duplicate, backward, gap, offStep = "off-step" }
    public var kind: Kind
    /// The later row of the step (0-based) and its source line when known.
    public var row: Int
    public var line: Int?
    public var previous: Int64
    public var current: Int64
    /// For gaps: how many timestamps are missing between the two rows.
    public var missing: Int
}

/// What the time axis of a series looks like.
public struct TimeAxisReport: Sendable, Equatable {
    public var frequency: Frequency?
    public var start: Int64?
    public var end: Int64?
    public var duplicates = 0
    public var backward = 0
    public var gaps = 0
    /// Timestamps missing inside all gaps together.
    public var missingTimestamps = 0
    public var offStep = 0
    /// The first few issues of each kind, for messages.
    public var examples: [StepIssue] = []

    /// Steps that differ from the typical step (NAB's "off-step gaps" column counts these).
    public var irregularSteps: Int { duplicates + backward + gaps + offStep }
}

extension TimeSeries {
    /// Infers the frequency and classifies every step; nil for an index axis.
    public func timeReport(examplesPerKind: Int = 3) -> TimeAxisReport? {
        guard case .timestamps(let t) = time else { return nil }
        var report = TimeAxisReport(frequency: Frequency.infer(t), start: t.first, end: t.last)
        guard t.count > 1 else { return report }
        var shown: [StepIssue.Kind: Int] = [:]
        func record(_ kind: StepIssue.Kind, _ i: Int, missing: Int = 0) {
            guard shown[kind, default: 0] < examplesPerKind else { return }
            shown[kind, default: 0] += 1
            report.examples.append(StepIssue(kind: kind, row: i, line: lines.line(ofRow: i),
                                             previous: t[i - 1], current: t[i], missing: missing))
        }
        let frequency = report.frequency
        for i in 1..<t.count {
            let previous = t[i - 1], current = t[i]
            if current == previous { report.duplicates += 1; record(.duplicate, i); continue }
            if current < previous { report.backward += 1; record(.backward, i); continue }
            guard let frequency else { continue }
            let expected = frequency.advance(previous)
            if current == expected { continue }
            if let missing = TimeSeries.stepsBetween(previous, current, frequency), missing > 1 {
                report.gaps += 1
                report.missingTimestamps += missing - 1
                record(.gap, i, missing: missing - 1)
            } else {
                report.offStep += 1
                record(.offStep, i)
            }
        }
        return report
    }

    /// How many whole periods lead from `a` to `b`, or nil when `b` is off the grid started at `a`.
    static func stepsBetween(_ a: Int64, _ b: Int64, _ frequency: Frequency) -> Int? {
        if let seconds = frequency.fixedSeconds {
            let delta = b - a
            return delta % seconds == 0 ? Int(delta / seconds) : nil
        }
        var t = a
        var n = 0
        while t < b && n < 100_000 {
            t = frequency.advance(t)
            n += 1
        }
        return t == b ? n : nil
    }

    /// Applies the duplicate/out-of-order policy; `notes` collects what was kept or changed.
    public func applyingOrder(_ policy: OrderPolicy, notes: inout [String]) throws -> TimeSeries {
        guard case .timestamps(let t) = time else { return self }
        var disorder = 0
        var firstBad: Int?
        for i in 1..<max(1, t.count) where t[i] <= t[i - 1] {
            disorder += 1
            if firstBad == nil { firstBad = i }
        }
        guard let firstBad else { return self }
        switch policy {
        case .error:
            let what = t[firstBad] == t[firstBad - 1] ? "duplicate timestamp" : "timestamp earlier than the row before"
            let previousLine = lines.line(ofRow: firstBad - 1).map { " (line \($0) has \(CivilTime.format(t[firstBad - 1], dateOnly: false)))" } ?? ""
            throw DataError(.badInput, "\(what) \(CivilTime.format(t[firstBad], dateOnly: false))\(previousLine)",
                            at: location(ofRow: firstBad), remedy: Remedy(.duplicateTimestamps, ["keep", "sort"]))
        case .keep:
            notes.append("\(id): \(disorder) duplicate or out-of-order timestamp(s) kept in file order (first at \(location(ofRow: firstBad)))")
            return self
        case .sort:
            let order = t.indices.sorted { t[$0] != t[$1] ? t[$0] < t[$1] : $0 < $1 }
            notes.append("\(id): rows sorted by time (\(disorder) step(s) were out of order or repeated)")
            return selecting(rows: order)
        }
    }

    /// Applies the missing-value policy; `notes` says what was filled or dropped.
    public func fillingMissing(_ policy: MissingPolicy, notes: inout [String]) throws -> TimeSeries {
        guard policy != .keep else { return self }  // no pass over the data on the default path
        let missing = columns.map { $0.values.reduce(0) { $1.isNaN ? $0 + 1 : $0 } }
        let total = missing.reduce(0, +)
        guard total > 0 else { return self }
        var out = self
        switch policy {
        case .keep:
            return self
        case .error:
            let column = missing.firstIndex { $0 > 0 }!
            let row = columns[column].values.firstIndex { $0.isNaN }!
            throw DataError(.badInput, "missing value (\(total) missing in all)", at: location(ofRow: row, column: column),
                            remedy: Remedy(.missingValues, ["ffill", "interpolate", "drop", "keep"]))
        case .drop:
            let keep = (0..<rowCount).filter { row in !columns.contains { $0.values[row].isNaN } }
            notes.append("\(id): dropped \(rowCount - keep.count) row(s) with missing values")
            return selecting(rows: keep)
        case .ffill, .interpolate:
            for c in out.columns.indices where missing[c] > 0 {
                if policy == .ffill { MissingFill.forwardFill(&out.columns[c].values) } else { MissingFill.interpolate(&out.columns[c].values) }
            }
            notes.append("\(id): filled \(total) missing value(s) by \(policy == .ffill ? "forward fill" : "linear interpolation")")
            return out
        }
    }
}

/// In-place fills of NaN runs in one column.
public enum MissingFill {
    /// Carries the last value forward; leading NaNs take the first observed value. All-NaN stays NaN.
    public static func forwardFill(_ values: inout [Float]) {
        guard let first = values.firstIndex(where: { !$0.isNaN }) else { return }
        var last = values[first]
        for i in values.indices {
            if values[i].isNaN { values[i] = last } else { last = values[i] }
        }
    }

    /// Linear interpolation by row between observed neighbours; ends take the nearest observed value.
    public static func interpolate(_ values: inout [Float]) {
        guard let first = values.firstIndex(where: { !$0.isNaN }) else { return }
        for i in 0..<first { values[i] = values[first] }
        var left = first
        var i = first + 1
        while i < values.count {
            if values[i].isNaN {
                var right = i
                while right < values.count && values[right].isNaN { right += 1 }
                if right == values.count {
                    for k in i..<right { values[k] = values[left] }
                } else {
                    let a = values[left], b = values[right], span = Float(right - left)
                    for k in i..<right { values[k] = a + (b - a) * Float(k - left) / span }
                }
                i = right
            } else {
                left = i
                i += 1
            }
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[start...end])
    }
}
