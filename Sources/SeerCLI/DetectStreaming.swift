// `seer detect --stream`: rows from stdin (CSV or JSON lines), one scored row out per row in,
// flushed at once, so `tail -n +1 -F metrics.csv | seer detect --stream` scores a live file. A
// line that cannot be scored is said on stderr with its line number and skipped; SIGTERM and
// SIGINT stop it between rows; `--state DIR` saves the detectors at an interval and on the way
// out, and a restart resumes from them. With `--out-sqlite` the rows go into a table instead, in
// batches of one transaction (committed when the input runs dry, every 1,000 rows, and at the end).
import ArgumentParser
import CSignals
import Foundation
import Seer

extension StreamFormat: ExpressibleByArgument {}

/// The options only a stream has.
struct StreamOptions: ParsableArguments {
    @Flag(help: "Score rows from stdin as they arrive (CSV lines with a header, or --format jsonl), one output row each, flushed.")
    var stream = false

    @Option(help: "Stream line format: csv or jsonl.")
    var format: StreamFormat = .csv

    @Option(help: "Field names of a CSV stream that has no header line, comma-separated (e.g. timestamp,value).")
    var header: String?

    @Option(help: "Keep the detectors' state in this directory: saved at an interval and on SIGTERM/SIGINT; a restart resumes from it.")
    var state: String?

    @Option(help: "Seconds between state saves.")
    var stateInterval: Double = 10

    @Option(help: "At most this many series in one stream (rows of further ids are skipped).")
    var maxSeries = 100_000

    func validate() throws {
        guard stateInterval > 0 else { throw ValidationError("--state-interval must be positive") }
        guard maxSeries >= 1 else { throw ValidationError("--max-series must be at least 1") }
        if !stream, header != nil || format != .csv { throw ValidationError("--format and --header go with --stream") }
    }
}

/// Counts for the closing line.
private struct StreamTally {
    var lines = 0, scored = 0, anomalies = 0, skipped = 0, alreadyScored = 0
}

/// Runs a stream until stdin ends or a stop signal arrives.
func runStream(_ options: StreamOptions, fields: StreamFields, model: DetectorModel, threshold: Double, warmup: Int, season: Int?,
               asJSON: Bool, quiet: Bool, table: (path: String, name: String)? = nil) throws {
    let store = options.state.map(DetectStateStore.init(directory:))
    let saved = try store?.load()
    var parser = try StreamLineParser(format: options.format, fields: fields,
                                      header: options.header.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
    var detector = try DetectStream(model: model, threshold: threshold, warmup: warmup, season: season, maxSeries: options.maxSeries, resuming: saved)
    seer_install_stop_handlers()
    var tally = StreamTally()
    var wroteHeader = saved != nil || asJSON || table != nil
    let writer = table.map { StreamScoreTable(path: $0.path, table: $0.name) }
    /// Commits the rows held; a failure is said and the rows are kept for the next try (up to
    /// 100,000 rows: beyond that the stream stops rather than grow without bound).
    func commit(final: Bool = false) throws {
        guard let writer else { return }
        do {
            try writer.flush()
        } catch {
            if final || writer.pendingRows >= 100_000 { throw error }
            printWarning("\(error) (\(writer.pendingRows) rows held; trying again)")
        }
    }
    var lastSave = monotonicSeconds()
    func save() throws {
        guard let store else { return }
        try store.save(detector.state)
        lastSave = monotonicSeconds()
    }
    var input = InputLines()
    while seer_stop_signal() == 0,
          let next = input.next(stop: { seer_stop_signal() != 0 }, beforeWaiting: { fflush(nil); try? commit() }) {
        tally.lines += 1
        guard case .text(let line) = next else {
            tally.skipped += 1
            if case .tooLong(let bytes) = next { printWarning("stdin:\(tally.lines): the line \(input.tooLongReason(bytes: bytes)); line skipped") }
            continue
        }
        if line.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        if parser.needsHeader {
            try parser.readHeader(line)
            continue
        }
        switch parser.point(line) {
        case .failure(let why):
            tally.skipped += 1
            printWarning("stdin:\(tally.lines): \(why); line skipped")
        case .success(let point):
            switch detector.score(point) {
            case .header: break
            case .alreadyScored: tally.alreadyScored += 1
            case .skipped(let why):
                tally.skipped += 1
                printWarning("stdin:\(tally.lines): \(why); line skipped")
            case .scored(let scored):
                tally.scored += 1
                tally.anomalies += scored.label
                if let writer {
                    if try writer.append(scored, ids: parser.hasIds, row: detector.state.series[point.id ?? ""]!.rows) { try commit() }
                    break
                }
                if !wroteHeader {
                    print(CSVWriter.line((parser.hasIds ? ["unique_id"] : []) + ["timestamp", "value", "anomaly_score", "label"]), terminator: "")
                    wroteHeader = true
                }
                // Flushed when the input runs dry (InputLines' beforeWaiting): at once for a live row.
                print(render(scored, ids: parser.hasIds, row: detector.state.series[point.id ?? ""]!.rows, asJSON: asJSON), terminator: "")
            }
        }
        if store != nil, monotonicSeconds() - lastSave >= options.stateInterval {
            do { try save() } catch { printWarning("\(error) (the stream goes on; saving again in \(options.stateInterval) s)") }
        }
    }
    fflush(nil)  // every stdio stream; `stdout` itself is not concurrency-safe to name
    do { try commit(final: true) } catch {
        try save()
        throw error
    }
    try save()
    let stop = seer_stop_signal()
    if !quiet {
        printNote("stream \(stop == 0 ? "ended" : "stopped by \(stop == SIGTERM ? "SIGTERM" : "SIGINT")"): \(tally.scored) row\(tally.scored == 1 ? "" : "s") scored"
            + " in \(detector.state.series.count) series, \(tally.anomalies) anomalous, \(tally.skipped) skipped"
            + (tally.alreadyScored > 0 ? ", \(tally.alreadyScored) already scored before the restart" : "")
            + (store.map { "; state saved in \($0.directory)" } ?? "") + (table.map { "; rows in \($0.path):\($0.name)" } ?? ""))
    }
    if stop == 0, tally.scored == 0, tally.alreadyScored == 0 {
        throw DataError.bad(tally.lines == 0 ? "the stream was empty" : "no line of the stream could be scored", file: "stdin")
    }
}

/// One output row: CSV (`unique_id` first when the stream has ids) or a JSON line.
private func render(_ scored: StreamScore, ids: Bool, row: Int, asJSON: Bool) -> String {
    let point = scored.point
    let time = point.timestampText ?? String(row)
    let score = String(format: "%.12g", scored.score)
    if asJSON {
        func quoted(_ s: String) -> String { (try? JSONValue.string(s).jsonText(indent: 0)) ?? "\"\"" }
        return "{" + (ids ? "\"unique_id\":\(quoted(point.id ?? "")),":  "") + "\"timestamp\":\(quoted(time)),\"value\":\(point.value),"
            + "\"anomaly_score\":\(score),\"label\":\(scored.label)}\n"
    }
    return CSVWriter.line((ids ? [point.id ?? ""] : []) + [time, point.valueText, score, String(scored.label)])
}
