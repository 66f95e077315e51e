// `seer inspect` on files larger than memory: every series is profiled as its rows go by, in
// memory that does not grow with the file — running sums for the columns (Welford's mean and
// variance), the first and last timestamps, and the step checks of `timeReport` made one step at
// a time. The frequency is inferred from a series' first `inferenceRows` timestamps (all of them
// in memory mode), the one difference from `TimeSeries.profile()`; a series no longer than that
// gets the same profile either way (tested).
import SeerBase

/// Running statistics of one value column.
struct ColumnAccumulator {
    let name: String
    private var observed = 0, missing = 0
    private var mean = 0.0, squares = 0.0
    private var low = Double.infinity, high = -Double.infinity

    init(name: String) { self.name = name }

    mutating func add(_ value: Float) {
        guard !value.isNaN else { missing += 1; return }
        let x = Double(value)
        observed += 1
        let delta = x - mean
        mean += delta / Double(observed)
        squares += delta * (x - mean)
        low = Swift.min(low, x)
        high = Swift.max(high, x)
    }

    var profile: ColumnProfile {
        ColumnProfile(name: name, observed: observed, missing: missing,
                      statistics: observed > 0 ? (low, mean, high, (squares / Double(observed)).squareRoot()) : nil)
    }
}

/// One series' profile, built a batch of rows at a time.
final class SeriesProfiler {
    static let inferenceRows = 4_096

    let id: String
    private var columns: [ColumnAccumulator]
    private var rows = 0
    private var hasTime: Bool
    private var first: Int64?, previous: Int64?
    private var dateOnly = true
    /// Timestamps (with their lines) waiting for the frequency to be inferred.
    private var waiting: [(time: Int64, row: Int, line: Int?)] = []
    private var inferred = false
    private var report = TimeAxisReport()
    /// The source line of the first row whose timestamp repeats or goes back.
    private(set) var firstDisorderLine: Int?
    private var shown: [StepIssue.Kind: Int] = [:]

    init(id: String, names: [String], hasTime: Bool) {
        self.id = id
        columns = names.map(ColumnAccumulator.init)
        self.hasTime = hasTime
    }

    /// Rows `rows ..< rows + count`: their timestamps (when the file has a time column), their
    /// column values, and the source line of each row (by its number in the whole series).
    func add(timestamps: [Int64], columns values: [[Float]], count: Int, line: (Int) -> Int?) {
        for k in columns.indices { for x in values[k] { columns[k].add(x) } }
        if hasTime {
            for (i, t) in timestamps.enumerated() {
                if t % 86_400 != 0 { dateOnly = false }
                if first == nil { first = t }
                if inferred { step(to: t, row: rows + i, line: line(rows + i)) } else { waiting.append((t, rows + i, line(rows + i))) }
            }
            if !inferred && waiting.count >= Self.inferenceRows { inferFrequency() }
        }
        rows += count
    }

    /// Infers the frequency from the waiting timestamps, then classifies their steps.
    private func inferFrequency() {
        inferred = true
        report.frequency = Frequency.infer(waiting.map(\.time))
        for entry in waiting { step(to: entry.time, row: entry.row, line: entry.line) }
        waiting = []
    }

    /// Classifies the step from the previous timestamp to `t` as `timeReport` does.
    private func step(to t: Int64, row: Int, line: Int?) {
        defer { previous = t }
        guard let before = previous else { return }
        func record(_ kind: StepIssue.Kind, missing: Int = 0) {
            guard shown[kind, default: 0] < 3 else { return }
            shown[kind, default: 0] += 1
            report.examples.append(StepIssue(kind: kind, row: row, line: line, previous: before, current: t, missing: missing))
        }
        if t <= before && report.duplicates + report.backward == 0 { firstDisorderLine = line }
        if t == before { report.duplicates += 1; record(.duplicate); return }
        if t < before { report.backward += 1; record(.backward); return }
        guard let frequency = report.frequency, frequency.advance(before) != t else { return }
        if let missing = TimeSeries.stepsBetween(before, t, frequency), missing > 1 {
            report.gaps += 1
            report.missingTimestamps += missing - 1
            record(.gap, missing: missing - 1)
        } else {
            report.offStep += 1
            record(.offStep)
        }
    }

    /// The note `applyingOrder(.keep)` adds for the same series, nil when its time only moves forward.
    func disorderNote(source: String) -> String? {
        let disorder = report.duplicates + report.backward
        guard disorder > 0 else { return nil }
        return "\(id): \(disorder) duplicate or out-of-order timestamp(s) kept in file order (first at \(SourceLocation(file: source, line: firstDisorderLine)))"
    }

    func finish() -> SeriesProfile {
        if hasTime && !inferred { inferFrequency() }
        report.start = first
        report.end = previous
        return SeriesProfile(id: id, rows: rows, columns: columns.map(\.profile), report: hasTime ? report : nil, dateOnly: dateOnly)
    }
}
