// Where a forecast goes (forecast, predict): CSV on stdout or in a file, a SQLite table, JSON,
// and the SVG plot and HTML report beside it; the summary line goes to stderr.
import ArgumentParser
import Foundation
import Seer

struct OutputOptions: ParsableArguments {
    @Option(help: "Write the CSV here instead of stdout.")
    var out: String?

    @Option(help: "Write the forecast into this SQLite database (with --out-table), in one transaction.")
    var outSqlite: String?

    @Option(help: "Table for --out-sqlite (replaced when it exists).")
    var outTable: String?

    @Option(help: "Write an SVG overlay of history and forecast (one panel per series, up to 8).")
    var plot: String?

    @Option(help: "History drawn before the forecast in the plot and report: a step count or 'all' (default: the last max(5·H, 200) steps).")
    var plotHistory: String?

    @Option(help: "Write a self-contained HTML report (inputs, model, held-out errors, plot, forecast table).")
    var report: String?

    @Flag(help: "Print one JSON document instead of CSV.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if (outSqlite == nil) != (outTable == nil) { throw ValidationError("--out-sqlite and --out-table go together") }
        _ = try history
    }

    /// The parsed --plot-history.
    var history: PlotHistory {
        get throws {
            guard let plotHistory else { return .recent }
            guard let parsed = PlotHistory(parsing: plotHistory) else {
                throw ValidationError("--plot-history takes a positive number of steps or 'all', not '\(plotHistory)'")
            }
            return parsed
        }
    }

    var progress: ConsoleProgress.Style? { quiet || json ? nil : .automatic }

    /// Writes `result` where asked (and its pictures) and the summary to stderr.
    func emit(_ result: ForecastResult, data: ForecastData, source: String) throws {
        if let plot { try writeFileAtomically(ForecastFigures.forecast(data, result, history: try history), to: plot) }
        if let report { try writeFileAtomically(ForecastFigures.report(data, result, source: source, history: try history), to: report) }
        try emitTable(csv: result.csv, json: { try printJSON(result) }, sqlite: result.writeSQLite, summary: result.summary,
                      out: out, outSqlite: outSqlite, outTable: outTable, asJSON: json, quiet: quiet, alsoWritten: [plot, report].compactMap { $0 })
    }
}

/// Writes a command's rows where asked — the SQLite table (with `outSqlite` and `outTable`), then
/// JSON, the CSV file or stdout (not stdout when only the table was asked for) — and the summary
/// with every file written (`alsoWritten` after the table's) on stderr unless quiet or JSON.
func emitTable(csv: String, json: () throws -> Void, sqlite: (String, String) throws -> Void, summary: String,
               out: String?, outSqlite: String?, outTable: String?, asJSON: Bool, quiet: Bool, alsoWritten: [String] = []) throws {
    if let outSqlite, let outTable { try sqlite(outSqlite, outTable) }
    if asJSON {
        try json()
    } else if let out {
        try writeFileAtomically(csv, to: out)
    } else if outSqlite == nil {
        print(csv, terminator: "")
    }
    if !quiet && !asJSON {
        let written = [out, outSqlite.map { "\($0):\(outTable ?? "")" }].compactMap { $0 } + alsoWritten
        FileHandle.standardError.write(Data((summary + written.map { "\nwrote \($0)" }.joined() + "\n").utf8))
    }
}
