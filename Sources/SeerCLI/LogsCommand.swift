// `seer logs FILE|- --count|--rate|--mean F|--quantile Q F --bucket 1m [--by F]`: metrics from log
// lines — an access log in the common or combined format (Apache, nginx), JSON lines, or any line a
// regex with named groups matches — as one `unique_id,ds,y` series per group, a CSV any Seer
// command reads (`seer logs access.log --count --bucket 1m --out hits.csv && seer detect hits.csv`).
// Lines that do not match are counted and reported, never fatal.
import ArgumentParser
import Foundation
import Seer

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Turn log lines into per-bucket series: counts, rates, means or quantiles of a field, per group.")

    @Argument(help: "The log file, or - for standard input.")
    var file: String

    @Option(help: "The lines' format: combined or common (access logs), jsonl (a JSON object per line); --pattern for any other.")
    var format: String = "combined"

    @Option(help: "A regular expression whose named groups (?<name>…) are the fields (instead of --format).")
    var pattern: String?

    @Option(help: "The field holding each line's time: access-log time, ISO 8601 or epoch seconds.")
    var timeField = "time"

    @Option(help: "Bucket width: seconds, or a number with s, m, h or d (e.g. 1m).")
    var bucket = "1m"

    @Flag(help: "Lines per bucket (the default).") var count = false
    @Flag(help: "Lines per second in each bucket.") var rate = false
    @Option(help: "The mean of a numeric field in each bucket.") var mean: String?
    @Option(parsing: .upToNextOption, help: "A quantile of a numeric field in each bucket: --quantile 0.95 FIELD.") var quantile: [String] = []

    @Option(help: "One series per value of this field (e.g. status).")
    var by: String?

    @Option(help: "Write the CSV here (atomically) instead of stdout.")
    var out: String?

    func validate() throws {
        guard [count, rate, mean != nil, !quantile.isEmpty].filter({ $0 }).count <= 1 else {
            throw ValidationError("give one of --count, --rate, --mean FIELD, --quantile Q FIELD")
        }
        if !quantile.isEmpty && (quantile.count != 2 || Double(quantile[0]) == nil) {
            throw ValidationError("--quantile takes a level and a field, e.g. --quantile 0.95 request_time")
        }
        if pattern == nil && !["combined", "common", "jsonl"].contains(format) {
            throw ValidationError("--format is combined, common or jsonl (or give --pattern), not '\(format)'")
        }
        guard LogMetrics.seconds(of: bucket) != nil else { throw ValidationError("--bucket '\(bucket)' is not a duration like 30s, 1m, 1h or 1d") }
    }

    func run() throws {
        try reportingErrors {
            let chosen: LogFormat = pattern.map { .pattern($0) } ?? (format == "jsonl" ? .jsonLines : format == "common" ? .common : .combined)
            let aggregation: LogAggregation = rate ? .rate : mean.map { .mean(field: $0) }
                ?? (quantile.count == 2 ? .quantile(Double(quantile[0])!, field: quantile[1]) : .count)
            var metrics = try LogMetrics(format: chosen, timeField: timeField, bucketSeconds: LogMetrics.seconds(of: bucket)!, aggregation: aggregation, by: by)
            // Line by line, so a log of any size is read in bounded memory.
            let descriptor = file == "-" ? 0 : try LogMetrics.open(file)
            defer { if descriptor != 0 { close(descriptor) } }
            var lines = InputLines(descriptor: descriptor)
            while let line = lines.next(stop: { false }) {
                switch line {
                case .text(let text): metrics.add(Substring(text))
                case .tooLong(let bytes): metrics.skipUnread(lines.tooLongReason(bytes: bytes))
                }
            }
            let source = file == "-" ? "stdin" : file
            printNote("\(source): \(metrics.lines) lines, \(metrics.matched) used, \(metrics.skipped) skipped"
                + metrics.firstSkipped.map { " (line \($0.line) \($0.why))" }.prefix(3).joined(separator: ";"))
            guard metrics.matched > 0 else {
                throw DataError(.badInput, "no line could be used; the first skipped: "
                    + (metrics.firstSkipped.first.map { "line \($0.line) \($0.why)" } ?? "none (the input is empty)"), file: source)
            }
            if let out { try writeFileAtomically(metrics.csv(), to: out) } else { print(try metrics.csv(), terminator: "") }
        }
    }
}
