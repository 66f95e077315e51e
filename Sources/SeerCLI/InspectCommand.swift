// `seer inspect`: what is in a CSV, SQLite table or UCR/UEA file — per series the columns, row
// count, time range, inferred frequency, missing values, duplicates, gaps and min/mean/max; per
// classification dataset the cases, classes, dimensions and lengths. `--json` for machines.
import ArgumentParser
import Seer

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise the series (or classification cases) in a file or SQLite table.")

    @OptionGroup var input: InputOptions

    func validate() throws { try input.requireInput() }

    @Flag(help: "Print one JSON document instead of tables.")
    var json = false

    @Option(help: "Print at most this many series in text mode (JSON always has all).")
    var maxSeries = 20

    func run() throws {
        try reportingErrors {
            let source = try input.source
            if case .classification(let path) = source {
                let report = DatasetReport(try source.loadCases(), path: path)
                if json { try printJSON(report) } else { print(report.text) }
                return
            }
            let report = try SeriesInspection(source)
            if json { try printJSON(report) } else { print(report.text(maxSeries: maxSeries, omitted: " (use --json or --max-series to see them)")) }
        }
    }
}
