// `seer bench serve`: `seer serve` under load on loopback, as an operator would run it — a
// separate server process (this binary, `seer serve --bind 127.0.0.1:0`), single-point
// `/v1/detect` updates over many series from keep-alive connections, first as fast as the server
// answers (closed loop), then at a fixed rate (open loop) for honest latencies. At the end the
// server's own count of scored points must equal the points sent: none lost, none twice.
import Foundation
import SeerBase
import SeerEval

public struct ServeLoadResult: Codable, Sendable {
    public var detector: String
    public var runs: [LoadRunFigures]
    /// `seer_detect_points_total{outcome="scored"}` at the end, and the points sent.
    public var serverScored: Int
    public var pointsSent: Int
    /// The server's peak resident memory and CPU seconds (user + system) over all runs.
    public var serverPeakRSSBytes: Int
    public var serverCPUSeconds: Double
    public var cores: Int

    public var text: String {
        var table = TextTable(["mode", "connections", "series", "requests", "seconds", "requests/s", "p50 ms", "p99 ms", "max ms", "failed", "sequence errors"])
        for r in runs {
            table.add([r.mode + (r.targetRate.map { String(format: " at %.0f/s", $0) } ?? ""), String(r.connections), String(r.series), String(r.requests),
                       String(format: "%.2f", r.seconds), String(format: "%.0f", r.requestsPerSecond), String(format: "%.2f", r.p50Milliseconds),
                       String(format: "%.2f", r.p99Milliseconds), String(format: "%.2f", r.maxMilliseconds), String(r.failed), String(r.sequenceErrors)])
        }
        return "seer serve under load: single-point POST /v1/detect (\(detector) detector), server and generator on the same \(cores) cores, loopback (target ≥ 20,000 updates/s, p99 ≤ 10 ms):\n"
            + table.render(indent: "  ")
            + "\n  server scored \(serverScored) of \(pointsSent) points sent (\(serverScored == pointsSent ? "none lost, none twice" : "MISMATCH"));"
            + String(format: " server peak RSS %.0f MiB, %.1f CPU s", Double(serverPeakRSSBytes) / 1_048_576, serverCPUSeconds)
    }
}

public struct ServeLoadBenchmark {
    public var series: Int
    public var connections: Int
    public var rate: Double
    public var seconds: Double
    public var detector: String

    public init(series: Int, connections: Int, rate: Double, seconds: Double, detector: String) {
        self.series = series
        self.connections = connections
        self.rate = rate
        self.seconds = seconds
        self.detector = detector
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> ServeLoadResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seer-bench-serve-\(UUID().uuidString)").path
        try DurableFiles.makeDirectory(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: currentExecutablePath())
        process.arguments = ["serve", "--bind", "127.0.0.1:0", "--port-file", folder + "/port", "--model", detector,
                             "--max-series", String(series), "--log-level", "warning"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let port = try waitForPort(folder + "/port", process: process)
        // Closed loop first, then the open loop on the same series, which continue where they
        // were (the sequence check runs across both): the open loop measures a server in its
        // steady state, every series already created.
        var client = HTTPLoadClient(port: port, seriesNames: (0..<series).map { "series-\($0)" })
        progress("closed loop: \(connections) connections, \(series) series, \(Int(seconds * rate)) requests")
        let closedRun = try client.run(requests: Int(seconds * rate), connections: connections, rate: nil)
        progress(String(format: "open loop: %.0f requests/s for %.0f s", rate, seconds))
        let openRun = try client.run(requests: Int(seconds * rate), connections: connections, rate: rate)
        let scored = try scoredPoints(port: port)
        let (rss, cpu) = Self.usage(of: process.processIdentifier)
        return ServeLoadResult(detector: detector, runs: [closedRun, openRun], serverScored: scored, pointsSent: closedRun.requests + openRun.requests,
                               serverPeakRSSBytes: rss, serverCPUSeconds: cpu, cores: ProcessInfo.processInfo.activeProcessorCount)
    }

    private func waitForPort(_ path: String, process: Process) throws -> UInt16 {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && process.isRunning {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let port = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return port }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw DataError(.unavailable, "seer serve did not start (no port within 30 s)")
    }

    /// The server's `seer_detect_points_total{outcome="scored"}`.
    private func scoredPoints(port: UInt16) throws -> Int {
        let fd = try HTTPLoadClient.connect(port: port)
        defer { close(fd) }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let (_, body, _) = HTTPLoadClient.response(in: received) {
                for line in String(decoding: Array(body), as: UTF8.self).split(separator: "\n") where line.hasPrefix("seer_detect_points_total{outcome=\"scored\"}") {
                    return Int(Double(line.split(separator: " ").last ?? "") ?? -1)
                }
                return -1
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, 100)
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { received.append(contentsOf: buffer[0..<n]) } else if n == 0 { break }
        }
        throw DataError(.io, "no answer from GET /metrics")
    }

    /// Peak RSS (VmHWM) and CPU seconds of a running process, from /proc.
    static func usage(of pid: Int32) -> (rss: Int, cpu: Double) {
        var rss = 0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
            rss = (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        var cpu = 0.0
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
            if fields.count > 13 { cpu = (Double(fields[11]) ?? 0) / 100 + (Double(fields[12]) ?? 0) / 100 }
        }
        return (rss, cpu)
    }
}
