// `seer bench serve`: requests/s and p50/p99 latency of single-point `/v1/detect` updates over
// many series against a `seer serve` process on loopback, with the sequence check.
import ArgumentParser
import Seer
import SeerBench

struct BenchServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "seer serve under load: single-point /v1/detect updates over many series (loopback; closed and open loop).")

    @Option(help: "Series updated.")
    var series = 1_000

    @Option(help: "Keep-alive connections (each owns a share of the series, one request in flight).")
    var connections = 32

    @Option(help: "Open-loop rate, requests per second (the closed loop sends as many requests).")
    var rate = 20_000.0

    @Option(help: "Seconds of the open-loop run.")
    var seconds = 15.0

    @Option(help: "Detector the server runs.")
    var model: DetectorModel = .linear

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            guard series >= 1, connections >= 1, connections <= 1_000, rate > 0, seconds > 0, seconds * rate <= 10_000_000 else {
                throw ValidationError("--series, --connections (≤ 1000), --rate and --seconds must be positive, at most 10 M requests")
            }
            let result = try ServeLoadBenchmark(series: series, connections: connections, rate: rate, seconds: seconds, detector: model.rawValue)
                .run(progress: { printNote("seer bench serve: \($0)") })
            if json { try printJSON(result) } else { print(result.text) }
            if result.serverScored != result.pointsSent || result.runs.contains(where: { $0.failed + $0.sequenceErrors > 0 }) { throw ExitCode(1) }
        }
    }
}
