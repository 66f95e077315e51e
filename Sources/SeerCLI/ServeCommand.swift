// `seer serve`: the HTTP/JSON API (`POST /v1/detect`, `POST /v1/forecast`, `GET /v1/models`,
// `GET /healthz`) and Prometheus' `GET /metrics`, on 127.0.0.1:8080 unless told otherwise. The
// options become a `ServeConfiguration`; SeerServe does the rest. Stops gracefully on SIGTERM or
// SIGINT, saving the detector state last when --state is given.
import ArgumentParser
import Foundation
import Seer
import SeerServe

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve anomaly scores, forecasts and Prometheus metrics over HTTP/JSON.",
        discussion: """
            Routes: POST /v1/detect, POST /v1/forecast, GET /v1/models, GET /healthz, GET /metrics \
            (schemas: README and docs/openapi.yaml). With --token-file every route but /healthz \
            needs 'Authorization: Bearer <token>'.
            """)

    @Option(help: "Address to listen on, HOST:PORT (port 0: any free port).")
    var bind = "127.0.0.1:8080"

    @Option(help: "Write the port listened on to this file once the server is up.")
    var portFile: String?

    @Option(help: "A file holding the bearer token callers must send (one line).")
    var tokenFile: String?

    @Option(help: "Detector for /v1/detect: \(DetectorModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: DetectorModel = .linear

    @Option(help: "A point is an anomaly when its score is at least this (default: the detector's alarm level, 0.5; gaussian 0.99999).")
    var threshold: Double?

    @Option(help: "Points of each series learnt before any anomaly is labelled.")
    var warmup = 750

    @Option(help: "The daily cycle in points (default: from each series' first time step).")
    var season: Int?

    @Option(help: "Keep the detectors' state in this directory (shared with `seer detect --stream --state`): loaded at start, saved at an interval and on shutdown.")
    var state: String?

    @Option(help: "Seconds between state saves.")
    var stateInterval: Double = 10

    @Option(help: "A folder of model directories (`seer train --save`), served by folder name.")
    var models: String?

    @Option(help: "A registry (directory or postgres:// URL) whose model versions are served by key.")
    var registry: String?

    @Option(help: "With a PostgreSQL registry: the folder holding the model files.")
    var modelStore: String?

    @Option(help: "Largest request body in bytes.")
    var maxBody = 1 << 20

    @Option(help: "Most points in one /v1/detect request.")
    var maxPoints = 10_000

    @Option(help: "Most series the detector keeps (points of further series are skipped).")
    var maxSeries = 10_000

    @Option(help: "Most values in one /v1/forecast request.")
    var maxHistory = 1_000_000

    @Option(help: "Threads reading and writing sockets (default: one per core).")
    var ioThreads: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "notice"

    func validate() throws {
        guard (try? parseBind()) != nil else { throw ValidationError("--bind is HOST:PORT (e.g. 127.0.0.1:8080, [::1]:0), not '\(bind)'") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold is a score between 0 and 1, not \(threshold)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        if let season, season < 1 { throw ValidationError("--season must be at least 1") }
        if let ioThreads, !(1...64).contains(ioThreads) { throw ValidationError("--io-threads is 1 to 64") }
        guard stateInterval > 0 else { throw ValidationError("--state-interval must be positive") }
        guard maxBody >= 1024, maxPoints >= 1, maxSeries >= 1, maxHistory >= 1 else {
            throw ValidationError("--max-body is at least 1024; --max-points, --max-series and --max-history at least 1")
        }
        guard ServeConfiguration.logLevels.contains(logLevel) else { throw ValidationError("--log-level is one of trace, debug, info, notice, warning, error, critical") }
    }

    /// HOST and PORT of --bind; IPv6 hosts in brackets.
    func parseBind() throws -> (host: String, port: Int) {
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("bad --bind")
        }
        var host = String(bind[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("bad --bind") }
        return (host, port)
    }

    func run() async throws {
        try await reportingErrorsAsync {
            var configuration = ServeConfiguration()
            (configuration.host, configuration.port) = try parseBind()
            configuration.portFile = portFile
            configuration.token = try tokenFile.map(readToken)
            configuration.rules = DetectRules(model: model, threshold: threshold, warmup: warmup, season: season)
            configuration.stateDirectory = state
            configuration.stateInterval = .milliseconds(Int64(stateInterval * 1000))
            configuration.modelsDirectory = models
            configuration.registry = registry
            configuration.modelStore = modelStore
            configuration.limits.maxBodyBytes = maxBody
            configuration.limits.maxPointsPerRequest = maxPoints
            configuration.limits.maxSeries = maxSeries
            configuration.limits.maxHistory = maxHistory
            configuration.serverName = "seer/\(seerVersion)"
            configuration.logLevel = logLevel
            configuration.eventLoopThreads = ioThreads
            if configuration.token == nil && !["127.0.0.1", "::1", "localhost"].contains(configuration.host) {
                printWarning("serving on \(configuration.address) with no --token-file: anyone who can reach it can post points and read forecasts")
            }
            try await SeerServer(configuration).run()
        }
    }

    /// The token: the file's first line, which must not be empty.
    private func readToken(_ path: String) throws -> String {
        let text = String(decoding: try DurableFiles.readFile(path), as: UTF8.self)
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { throw DataError(.badInput, "holds no token (expected one line)", file: path) }
        return token
    }
}
