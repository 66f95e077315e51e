// `seer inspect`'s reports: what is in a CSV, SQLite table or UCR/UEA file — per series the
// columns, row count, time range, inferred frequency, missing values, duplicates, gaps and
// min/mean/max; per classification dataset the cases, classes, dimensions and lengths. Codable
// for `--json`, with a text form for terminals.
import SeerData
import SeerEval

/// The inspection of a CSV or SQLite input.
public struct SeriesInspection: Codable, Sendable {
    public var input: String
    public var format: String
    public var layout: String?
    public var delimiter: String?
    public var timeColumn: String?
    public var seriesCount: Int
    public var series: [SeriesProfile]
    public var notes: [String]

    /// Profiles every series in `source`; a CSV from `streamingFrom` bytes up streams through in
    /// bounded memory (`DataSource.profileSeries`).
    public init(_ source: DataSource, streamingFrom threshold: Int = 64 << 20) throws {
        let (loaded, profiles) = try source.profileSeries(streamingFrom: threshold)
        self.init(input: loaded.source, format: loaded.format, layout: loaded.layout, delimiter: loaded.delimiter,
                  timeColumn: loaded.timeColumn, seriesCount: profiles.count, series: profiles, notes: loaded.notes)
    }

    init(input: String, format: String, layout: String?, delimiter: String?, timeColumn: String?, seriesCount: Int,
         series: [SeriesProfile], notes: [String]) {
        self.input = input
        self.format = format
        self.layout = layout
        self.delimiter = delimiter
        self.timeColumn = timeColumn
        self.seriesCount = seriesCount
        self.series = series
        self.notes = notes
    }

    /// The report as text, at most `maxSeries` series; `omitted` follows the count of series left out.
    public func text(maxSeries: Int, omitted: String = "") -> String {
        var lines: [String] = []
        var head = "\(input): \(format)"
        if let layout { head += ", \(layout) layout" }
        if let delimiter { head += ", delimiter '\(delimiter)'" }
        head += ", \(seriesCount) series"
        head += timeColumn.map { ", time column '\($0)'" } ?? ", no time column (row index)"
        lines.append(head)
        for profile in series.prefix(maxSeries) {
            lines.append("")
            var title = "series \(profile.id): \(profile.rows) rows"
            if let start = profile.start, let end = profile.end { title += ", \(start) → \(end)" }
            if let frequency = profile.frequency { title += ", frequency \(frequency)" }
            lines.append(title)
            if profile.start != nil {
                if profile.irregularSteps == 0 {
                    lines.append("  time axis: regular (no duplicates, out-of-order rows, gaps or off-step rows)")
                } else {
                    lines.append("  time axis: \(profile.duplicates) duplicate(s), \(profile.outOfOrder) out-of-order, "
                                 + "\(profile.gaps) gap(s) (\(profile.missingTimestamps) missing step(s)), \(profile.offStep) off-step")
                    lines += profile.examples.map { "    \($0)" }
                }
            }
            var table = TextTable(["column", "observed", "missing", "min", "mean", "max", "std"])
            for column in profile.columns {
                table.add([column.name, String(column.observed), String(column.missing), formatNumber(column.min),
                           formatNumber(column.mean), formatNumber(column.max), formatNumber(column.std)])
            }
            lines.append(table.render(indent: "  "))
        }
        if series.count > maxSeries {
            lines.append("")
            lines.append("… \(series.count - maxSeries) more series" + omitted)
        }
        if !notes.isEmpty {
            lines.append("")
            lines.append("notes:")
            lines += notes.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// The inspection of a UCR/UEA classification file.
public struct DatasetReport: Codable, Sendable {
    public struct ClassCount: Codable, Sendable {
        public var label: String
        public var cases: Int
    }
    public var input: String
    public var format: String
    public var problem: String
    public var cases: Int
    public var dimensions: Int
    public var minLength: Int
    public var maxLength: Int
    public var equalLength: Bool
    public var missingValues: Int
    public var classes: [ClassCount]

    public init(_ dataset: ClassificationDataset, path: String) {
        input = path
        format = path.hasSuffix(".ts") ? "ts" : "tsv"
        problem = dataset.name
        cases = dataset.caseCount
        dimensions = dataset.dimensions
        minLength = dataset.minLength
        maxLength = dataset.maxLength
        equalLength = dataset.isEqualLength
        missingValues = dataset.missingCount
        classes = zip(dataset.classNames, dataset.classCounts).map { ClassCount(label: $0, cases: $1) }
    }

    public var text: String {
        var lines = ["\(input): UCR/UEA \(format) classification data, problem \(problem)"]
        let length = equalLength ? "length \(maxLength)" : "lengths \(minLength)…\(maxLength) (variable)"
        lines.append("  \(cases) cases, \(classes.count) classes, \(dimensions) dimension(s), \(length), \(missingValues) missing value(s)")
        var table = TextTable(["class", "cases"])
        for entry in classes { table.add([entry.label, String(entry.cases)]) }
        lines.append(table.render(indent: "  "))
        return lines.joined(separator: "\n")
    }
}
