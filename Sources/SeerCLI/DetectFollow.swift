// `seer detect --prometheus URL --query PROMQL --follow`: scores the query's series from --start,
// then polls Prometheus every --resolution and scores each new sample as it arrives, one CSV row
// (or JSON line) per point on stdout, flushed. `--state DIR` keeps the detectors across restarts
// as `--stream` does (points already scored are recognised); SIGTERM or SIGINT stops it between
// polls. A Prometheus that is down is said on stderr and asked again at the next step.
import ArgumentParser
import CSignals
import Foundation
import Seer

/// Follows a Prometheus query until a stop signal.
func runFollow(_ options: StreamOptions, prometheus: PrometheusOptions, promql: String, rules: DetectRules, asJSON: Bool, quiet: Bool) throws {
    let store = options.state.map(DetectStateStore.init(directory:))
    let saved = try store?.load()
    var detector = try DetectStream(model: rules.model, threshold: rules.threshold, warmup: rules.warmup, season: rules.season,
                                    maxSeries: options.maxSeries, resuming: saved)
    var follow = PrometheusFollow(try prometheus.query(promql))
    seer_install_stop_handlers()
    var scored = 0, anomalies = 0, polls = 0, lastSave = monotonicSeconds()
    if !asJSON { print(CSVWriter.line(["unique_id", "timestamp", "value", "anomaly_score", "label"]), terminator: "") }
    while seer_stop_signal() == 0 {
        let now = Int64(Date().timeIntervalSince1970)
        do {
            for point in try follow.poll(now: now) {
                guard case .scored(let score) = detector.score(point) else { continue }
                scored += 1
                anomalies += score.label
                let text = String(format: "%.12g", score.score)
                if asJSON {
                    print("{\"unique_id\":\(JSONValue.quoted(point.id ?? "")),\"timestamp\":\(point.timestamp ?? 0),\"value\":\(point.value),\"anomaly_score\":\(text),\"label\":\(score.label)}")
                } else {
                    print(CSVWriter.line([point.id ?? "", point.timestampText ?? "", point.valueText, text, String(score.label)]), terminator: "")
                }
            }
            polls += 1
        } catch let error as DataError where error.kind == .unavailable || error.kind == .missingInput {
            printWarning("\(error.placedMessage); asking again in \(follow.query.step) s")
        }
        fflush(nil)
        if let store, monotonicSeconds() - lastSave >= options.stateInterval {
            do { try store.save(detector.state); lastSave = monotonicSeconds() } catch { printWarning("\(error) (saving again later)") }
        }
        // Sleep until the next step is due, waking at once on SIGTERM/SIGINT.
        let wait = follow.secondsUntilNext(now: Int64(Date().timeIntervalSince1970))
        let until = monotonicSeconds() + Double(max(1, wait))
        while seer_stop_signal() == 0 && monotonicSeconds() < until { _ = seer_wait_readable(-1, 100) }
    }
    try store?.save(detector.state)
    if !quiet {
        printNote("follow stopped: \(scored) point\(scored == 1 ? "" : "s") scored in \(detector.state.series.count) series over \(polls) polls, \(anomalies) anomalous"
            + (store.map { "; state saved in \($0.directory)" } ?? ""))
    }
}
