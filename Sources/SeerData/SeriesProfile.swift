// A summary of a loaded series for `seer inspect` and for reports: per-column counts and
// statistics, the time range, the inferred frequency and the time-axis problems found.
// Codable so the CLI can print it as JSON unchanged.

/// Statistics of one value column (NaN skipped; nil when the column has no observed value).
public struct ColumnProfile: Sendable, Equatable, Codable {
    public var name: String
    public var observed: Int
    public var missing: Int
    public var min: Double?
    public var mean: Double?
    public var max: Double?
    /// Population standard deviation.
    public var std: Double?

    /// From running sums: `statistics` is (min, mean, max, std), nil when nothing was observed.
    init(name: String, observed: Int, missing: Int, statistics: (Double, Double, Double, Double)?) {
        self.name = name
        self.observed = observed
        self.missing = missing
        (min, mean, max, std) = (statistics?.0, statistics?.1, statistics?.2, statistics?.3)
    }

    public init(name: String, values: [Float]) {
        self.name = name
        var n = 0, sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        for v in values where !v.isNaN {
            let x = Double(v)
            n += 1
            sum += x
            lo = Swift.min(lo, x)
            hi = Swift.max(hi, x)
        }
        observed = n
        missing = values.count - n
        guard n > 0 else { return }
        let m = sum / Double(n)
        var squares = 0.0
        for v in values where !v.isNaN { squares += (Double(v) - m) * (Double(v) - m) }
        min = lo
        mean = m
        max = hi
        std = (squares / Double(n)).squareRoot()
    }
}

/// Summary of one series.
public struct SeriesProfile: Sendable, Equatable, Codable {
    public var id: String
    public var rows: Int
    public var columns: [ColumnProfile]
    /// First and last timestamp, ISO formatted; nil for an index axis.
    public var start: String?
    public var end: String?
    public var frequency: String?
    public var duplicates: Int
    public var outOfOrder: Int
    public var gaps: Int
    public var missingTimestamps: Int
    public var offStep: Int
    /// Steps that differ from the typical one (duplicates + out-of-order + gaps + off-step).
    public var irregularSteps: Int
    /// Human-readable examples of the problems, with source lines.
    public var examples: [String]
}

extension SeriesProfile {
    /// A profile from its parts: `report` is nil for an index axis; `dateOnly` prints times as dates.
    init(id: String, rows: Int, columns: [ColumnProfile], report: TimeAxisReport?, dateOnly: Bool) {
        let examples = (report?.examples ?? []).map { issue -> String in
            let place = issue.line.map { "line \($0)" } ?? "row \(issue.row + 1)"
            let from = CivilTime.format(issue.previous, dateOnly: dateOnly)
            let to = CivilTime.format(issue.current, dateOnly: dateOnly)
            switch issue.kind {
            case .duplicate: return "\(place): duplicate timestamp \(to)"
            case .backward: return "\(place): time steps back from \(from) to \(to)"
            case .gap: return "\(place): gap of \(issue.missing) missing step(s) between \(from) and \(to)"
            case .offStep: return "\(place): off-step from \(from) to \(to)"
            }
        }
        self.init(id: id, rows: rows, columns: columns,
                  start: report?.start.map { CivilTime.format($0, dateOnly: dateOnly) },
                  end: report?.end.map { CivilTime.format($0, dateOnly: dateOnly) },
                  frequency: report?.frequency?.description,
                  duplicates: report?.duplicates ?? 0, outOfOrder: report?.backward ?? 0, gaps: report?.gaps ?? 0,
                  missingTimestamps: report?.missingTimestamps ?? 0, offStep: report?.offStep ?? 0,
                  irregularSteps: report?.irregularSteps ?? 0, examples: examples)
    }
}

extension TimeSeries {
    /// Profiles the series (one pass per column plus one over the time axis).
    public func profile() -> SeriesProfile {
        SeriesProfile(id: id, rows: rowCount, columns: columns.map { ColumnProfile(name: $0.name, values: $0.values) }, report: timeReport(),
                      dateOnly: time.timestamps.map { $0.allSatisfy { $0 % 86_400 == 0 } } ?? false)
    }
}
