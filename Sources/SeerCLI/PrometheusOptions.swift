// `--prometheus URL` with `--query PROMQL`: every command that reads series can read them from a
// Prometheus server's range API instead of a file. `--start`/`--end` take `now`, `now-6h`, epoch
// seconds or a date-time; `--resolution` is the query's step (named so because `backtest`
// already has a `--step`).
import ArgumentParser
import Foundation
import Seer

struct PrometheusOptions: ParsableArguments {
    @Option(help: "Read series from this Prometheus server (http://HOST:PORT) with --query PROMQL.")
    var prometheus: String?

    @Option(help: "With --prometheus: the range's start (now-6h, epoch seconds or a date-time).")
    var start = "now-1h"

    @Option(help: "With --prometheus: the range's end.")
    var end = "now"

    @Option(help: "With --prometheus: seconds between samples (Prometheus' step: 15s, 1m, 5m …).")
    var resolution = "60s"

    @Option(help: "With --prometheus: a file holding a bearer token for the server.")
    var prometheusTokenFile: String?

    func validate() throws {
        guard prometheus != nil else {
            if prometheusTokenFile != nil { throw ValidationError("--prometheus-token-file goes with --prometheus") }
            return
        }
        guard PrometheusTime.parse(start, now: 0) != nil else { throw ValidationError("--start is now, now-6h, epoch seconds or a date-time, not '\(start)'") }
        guard PrometheusTime.parse(end, now: 0) != nil else { throw ValidationError("--end is now, now-6h, epoch seconds or a date-time, not '\(end)'") }
        guard PrometheusTime.seconds(resolution) != nil else { throw ValidationError("--resolution is a duration such as 15s, 1m or 1h, not '\(resolution)'") }
    }

    /// The range query, with times read against the clock now.
    func query(_ promql: String, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> PrometheusQuery {
        let token = try prometheusTokenFile.map { path in
            String(decoding: try DurableFiles.readFile(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return PrometheusQuery(url: prometheus ?? "", query: promql, start: PrometheusTime.parse(start, now: now)!,
                               end: PrometheusTime.parse(end, now: now)!, step: PrometheusTime.seconds(resolution)!, token: token)
    }
}
