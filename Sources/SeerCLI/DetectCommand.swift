// `seer detect FILE`: score every row of every series for anomalies (causal: each score uses only
// the rows before it) and label the rows at or above a threshold — a fixed one, or the one that
// flags a target share of rows after the warm-up — writing NAB's layout
// `timestamp,value,anomaly_score,label` (`unique_id` first for several series) as CSV, JSON or a
// SQLite table.
import ArgumentParser
import Foundation
import Seer

extension DetectorModel: ExpressibleByArgument {}

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Score every row of a series for anomalies and label the ones above a threshold.")

    @OptionGroup var input: InputOptions
    @OptionGroup(title: "Streams") var streaming: StreamOptions

    @Option(help: "Detector: \(DetectorModel.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).")
    var model: DetectorModel = .linear

    @Option(help: "Label rows whose score is at least this (default: the detector's alarm level, 0.5; gaussian 0.99999).")
    var threshold: Double?

    @Option(help: "Instead of --threshold: the share of rows (after the warm-up) to label, e.g. 0.001.")
    var fpRate: Double?

    @Option(help: "Rows of each series learnt before any label (default: 15 % of the series, at most 750; 750 for a stream).")
    var warmup: Int?

    @Option(help: "The daily cycle in rows (seasonal lags, the seen-yesterday rule) (default: from the time step; 1 for none).")
    var season: Int?

    @Option(help: "Write the CSV here instead of stdout (atomically).")
    var out: String?

    @Option(help: "Also write the scores into this SQLite database (with --out-table), in one transaction (a stream: appended in batches, instead of stdout).")
    var outSqlite: String?

    @Option(help: "Table for --out-sqlite (replaced when it exists).")
    var outTable: String?

    @Option(help: "Known anomalies (NAB JSON: file key → windows [[start, end], …] or anomaly timestamps): print point-wise and event-wise confusion.")
    var labels: String?

    @Option(help: "With --labels: write the confusion counts as CSV here.")
    var confusion: String?

    @Option(help: "Write the values, label windows, detections and scores as an SVG here.")
    var plot: String?

    @Option(help: "Write a self-contained HTML report here (plots, and the confusion tables with --labels).")
    var report: String?

    @Flag(help: "With --prometheus: after the range, poll every --resolution and score new samples as they arrive (until SIGTERM/SIGINT).")
    var follow = false

    @Flag(help: "Print one JSON document instead of CSV.")
    var json = false

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if follow {
            guard input.prometheus.prometheus != nil, !streaming.stream else { throw ValidationError("--follow goes with --prometheus URL --query PROMQL, not --stream") }
            if fpRate != nil || out != nil || outSqlite != nil || labels != nil || plot != nil || report != nil {
                throw ValidationError("--follow writes rows to stdout; --fp-rate, --out, --out-sqlite, --labels, --plot and --report go with a finished range")
            }
        } else if streaming.stream {
            if input.file != nil || input.sqlite != nil { throw ValidationError("--stream reads stdin; give no FILE or --sqlite") }
            if fpRate != nil { throw ValidationError("--fp-rate needs every row first; a stream takes --threshold") }
            if out != nil { throw ValidationError("a stream writes its rows to stdout (redirect it) or, with --out-sqlite, into a table; not --out") }
            if labels != nil || plot != nil || report != nil { throw ValidationError("--labels, --plot and --report go with a file, not --stream") }
        } else {
            try input.requireInput()
        }
        if streaming.state != nil && !streaming.stream && !follow { throw ValidationError("--state goes with --stream or --follow") }
        if let season, season < 1 { throw ValidationError("--season must be at least 1") }
        if confusion != nil && labels == nil { throw ValidationError("--confusion needs --labels") }
        if threshold != nil && fpRate != nil { throw ValidationError("give --threshold or --fp-rate, not both") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold is a score between 0 and 1, not \(threshold)") }
        if let fpRate, !(fpRate > 0 && fpRate < 1) { throw ValidationError("--fp-rate is a share between 0 and 1 (exclusive), not \(fpRate)") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must be 0 or more rows") }
        if (outSqlite == nil) != (outTable == nil) { throw ValidationError("--out-sqlite and --out-table go together") }
        if input.isClassificationFile { throw ValidationError("\(input.file!) is a classification file; detect needs a CSV or SQLite series") }
    }

    func run() throws {
        try reportingErrors {
            if follow {
                return try runFollow(streaming, prometheus: input.prometheus, promql: input.query ?? "",
                                     rules: DetectRules(model: model, threshold: threshold, warmup: warmup ?? 750, season: season), asJSON: json, quiet: quiet)
            }
            if streaming.stream {
                return try runStream(streaming, fields: StreamFields(time: input.time, target: input.target, id: input.id), model: model,
                                     threshold: threshold ?? model.alarmThreshold, warmup: warmup ?? 750, season: season, asJSON: json, quiet: quiet,
                                     table: outSqlite.map { ($0, outTable!) })
            }
            let rule: DetectThreshold = fpRate.map { .falsePositiveRate($0) } ?? threshold.map { .fixed($0) } ?? .standard(for: model)
            let request = DetectRequest(model: model, threshold: rule, warmup: warmup, season: season)
            let data = try input.forecastData(checkingExtremes: false)
            let detection = DetectRun(data: data, request: request)
            let result = try detection.run()
            if !quiet { for warning in detection.orderWarnings { printWarning(warning + "; --on-duplicate error refuses them, sort orders them") } }
            let truth = try labels.map(AnomalyLabels.load)
            let matched = try truth.map { try DetectionConfusion.evaluate(result, data: data, labels: $0, input: input.file, warmup: detection.warmup) }
            try emitTable(csv: result.csv, json: { try printJSON(result) }, sqlite: result.writeSQLite, summary: result.summary,
                          out: out, outSqlite: outSqlite, outTable: outTable, asJSON: json, quiet: quiet)
            if let matched {
                if !quiet { printNote(matched.text) }
                if let confusion { try writeFileAtomically(matched.csv, to: confusion) }
            }
            if let plot { try writeFileAtomically(DetectFigures.plot(result, data: data, labels: truth, input: input.file), to: plot) }
            if let report {
                try writeFileAtomically(DetectFigures.report(result, data: data, request: request, labels: truth, confusion: matched, input: input.file), to: report)
            }
        }
    }
}
