// `seer inspect`: what is in a CSV, SQLite table or UCR/UEA file — per series the columns, row
// count, time range, inferred frequency, missing values, duplicates, gaps and min/mean/max; per
// classification dataset the cases, classes, dimensions and lengths. `--json` for machines.
import ArgumentParser
import Foundation
import Seer

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise the series (or classification cases) in a file or SQLite table.")

    @OptionGroup var input: InputOptions

    @Flag(help: "Print one JSON document instead of tables.")
    var json = false

    @Option(help: "Print at most this many series in text mode (JSON always has all).")
    var maxSeries = 20

    func run() throws {
        try reportingErrors {
            if input.isClassificationFile {
                let report = DatasetReport(try UCRReader.load(input.file!), path: input.file!)
                if json { try printJSON(report) } else { print(report.text) }
                return
            }
            let report = try SeriesInspection.load(input)
            if json { try printJSON(report) } else { print(report.text(maxSeries: maxSeries)) }
        }
    }
}

/// The inspection of a CSV or SQLite input.
struct SeriesInspection: Codable {
    var input: String
    var format: String
    var layout: String?
    var delimiter: String?
    var timeColumn: String?
    var seriesCount: Int
    var series: [SeriesProfile]
    var notes: [String]

    static func load(_ input: InputOptions) throws -> SeriesInspection {
        if let database = input.sqlite {
            let loaded = try SQLiteInput.read(input, database: database)
            return SeriesInspection(input: loaded.source, format: "sqlite", layout: nil, delimiter: nil,
                                    timeColumn: loaded.timeColumn, seriesCount: loaded.series.count,
                                    series: loaded.series.map { $0.profile() }, notes: loaded.notes)
        }
        let file = input.file!
        let loaded = try CSVLoader.load(file, options: input.csvOptions)
        let delimiter = loaded.delimiter == 0x09 ? "tab" : String(UnicodeScalar(loaded.delimiter))
        return SeriesInspection(input: file, format: "csv", layout: loaded.layout.rawValue, delimiter: delimiter,
                                timeColumn: loaded.timeColumn, seriesCount: loaded.series.count,
                                series: loaded.series.map { $0.profile() }, notes: loaded.notes)
    }

    func text(maxSeries: Int) -> String {
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
            lines.append("… \(series.count - maxSeries) more series (use --json or --max-series to see them)")
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
struct DatasetReport: Codable {
    struct ClassCount: Codable {
        var label: String
        var cases: Int
    }
    var input: String
    var format: String
    var problem: String
    var cases: Int
    var dimensions: Int
    var minLength: Int
    var maxLength: Int
    var equalLength: Bool
    var missingValues: Int
    var classes: [ClassCount]

    init(_ dataset: ClassificationDataset, path: String) {
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

    var text: String {
        var lines = ["\(input): UCR/UEA \(format) classification data, problem \(problem)"]
        let length = equalLength ? "length \(maxLength)" : "lengths \(minLength)…\(maxLength) (variable)"
        lines.append("  \(cases) cases, \(classes.count) classes, \(dimensions) dimension(s), \(length), \(missingValues) missing value(s)")
        var table = TextTable(["class", "cases"])
        for entry in classes { table.add([entry.label, String(entry.cases)]) }
        lines.append(table.render(indent: "  "))
        return lines.joined(separator: "\n")
    }
}
