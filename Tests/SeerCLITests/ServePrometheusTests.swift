// `seer serve` and Debian's Prometheus together, for real, on loopback: Prometheus scrapes the
// server's /metrics (with the bearer token) every second while the test posts an hourly series
// with one spike; Prometheus' own API then shows `seer_anomaly_score` above the threshold only
// from the moment the spike was posted until the next normal point, and `seer detect
// --prometheus` reads the stored series back sample for sample, `--follow` polls it, and a
// retraining job takes it as its source. Refused PromQL, an empty answer and an unreachable
// server get their exit codes. Skips with a message where `prometheus` is not installed (`make
// test` installs it).
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

struct ServePrometheusTests {
    static let prometheusBinary = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A free loopback port (bound, read, released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// GET → status and JSON object.
    static func get(_ url: String) -> (Int, [String: Any]) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: (Int, [String: Any]) = (-1, [:])
        URLSession.shared.dataTask(with: URLRequest(url: URL(string: url)!, timeoutInterval: 10)) { data, response, _ in
            answer = ((response as? HTTPURLResponse)?.statusCode ?? -1, data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:])
            done.signal()
        }.resume()
        done.wait()
        return answer
    }

    /// The latest value of an instant query, if Prometheus has one.
    static func latest(_ prometheus: String, _ query: String) -> Double? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let (_, object) = get("\(prometheus)/api/v1/query?query=\(encoded)")
        let result = ((object["data"] as? [String: Any])?["result"] as? [[String: Any]])?.first
        return ((result?["value"] as? [Any])?.last as? String).flatMap(Double.init)
    }

    /// Waits up to `seconds` for `condition`.
    static func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return condition()
    }

    @Test(.enabled(if: prometheusBinary != nil, "Debian's prometheus is not installed (make test installs it): the end-to-end Prometheus test is skipped"))
    func prometheusScrapesTheAnomalyAndSeerReadsItBack() throws {
        let folder = DetectCLITests.temporary("prometheus")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "scrape-token\n".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        let served = try ServeCLITests.Served.start(["--token-file", folder + "/token", "--warmup", "100"], folder: folder)
        defer { _ = served.stop() }
        let port = Self.freePort()
        try """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: seer
                authorization:
                  credentials_file: \(folder)/token
                static_configs:
                  - targets: ['127.0.0.1:\(served.port)']
            """.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: Self.prometheusBinary!)
        prometheus.arguments = ["--config.file", folder + "/prometheus.yml", "--storage.tsdb.path", folder + "/tsdb",
                                "--web.listen-address", "127.0.0.1:\(port)"]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle.nullDevice
        try prometheus.run()
        defer { prometheus.terminate(); prometheus.waitUntilExit() }
        let url = "http://127.0.0.1:\(port)"
        #expect(Self.waitFor(30) { Self.get(url + "/-/ready").0 == 200 }, "Prometheus is ready")

        // 240 hourly points, then (once Prometheus holds a normal score) a spike, then normal again.
        let query = "seer_anomaly_score{series=\"cpu\"}"
        func point(_ t: Int, _ value: Double) -> String { "{\"series\":\"cpu\",\"timestamp\":\(1_700_000_000 + t * 3600),\"value\":\(value)}" }
        func normal(_ t: Int) -> Double { 10 + 3 * sin(2 * Double.pi * Double(t) / 24) + 0.2 * sin(Double(t) * 1.7) }
        let warm = try served.post("/v1/detect", "{\"points\":[\((0..<240).map { point($0, normal($0)) }.joined(separator: ","))]}", token: "scrape-token")
        #expect(warm.status == 200)
        #expect(Self.waitFor(20) { Self.latest(url, query).map { $0 < 0.5 } == true }, "Prometheus scraped the normal score")
        let before = Date().timeIntervalSince1970
        let spike = try served.post("/v1/detect", "{\"points\":[\(point(240, normal(240) + 25))]}", token: "scrape-token")
        #expect(spike.body.contains("\"anomaly\":1"), "the spike is an anomaly: \(spike.body)")
        #expect(Self.waitFor(20) { (Self.latest(url, query) ?? 0) >= 0.5 }, "Prometheus scraped the anomalous score")
        Thread.sleep(forTimeInterval: 2)
        let after = Date().timeIntervalSince1970
        _ = try served.post("/v1/detect", "{\"points\":[\(point(241, normal(241)))]}", token: "scrape-token")
        #expect(Self.waitFor(20) { Self.latest(url, query).map { $0 < 0.5 } == true }, "the score fell back")
        let end = Date().timeIntervalSince1970

        // Prometheus' own range API: above the threshold only between the spike and the next point.
        let range = "\(url)/api/v1/query_range?query=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&start=\(Int(before) - 20)&end=\(Int(end) + 1)&step=1"
        let (status, object) = Self.get(range)
        #expect(status == 200)
        let values = (((object["data"] as? [String: Any])?["result"] as? [[String: Any]])?.first?["values"] as? [[Any]]) ?? []
        let samples = values.compactMap { pair -> (Int, Double)? in
            guard let t = pair.first as? Double ?? (pair.first as? Int).map(Double.init), let v = (pair.last as? String).flatMap(Double.init) else { return nil }
            return (Int(t), v)
        }
        let high = samples.filter { $0.1 >= 0.5 }.map(\.0)
        #expect(!high.isEmpty && samples.contains { $0.1 < 0.5 })
        #expect(high.allSatisfy { Double($0) >= before.rounded(.down) && Double($0) <= after + 2 }, "anomalous samples at \(high), spike posted at \(before), next point at \(after)")

        // Read back through --prometheus: the same samples, one row each.
        let read = try CLITests.seer(["detect", "--prometheus", url, "--query", query, "--start", String(Int(before) - 20), "--end", String(Int(end) + 1),
                                      "--resolution", "1s", "--warmup", "1", "--quiet"])
        #expect(read.status == 0, "\(read.stderr)")
        let rows = read.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == samples.count, "\(rows.count) rows for \(samples.count) samples")
        // One series, so the columns are timestamp, value, anomaly_score, label; the values as
        // written (6 significant digits) are the stored samples, in time order.
        let readValues = rows.compactMap { $0.count == 4 ? Double(String($0[1])) : nil }
        #expect(readValues.count == samples.count && zip(readValues, samples).allSatisfy { abs($0 - $1.1) <= 1e-5 * max(1, abs($1.1)) },
                "read back \(readValues), stored \(samples.map(\.1))")

        // --follow: the range so far, then a poll a second; SIGTERM stops it with the state saved.
        let follow = Process()
        follow.executableURL = URL(fileURLWithPath: CLITests.binary)
        follow.arguments = ["detect", "--prometheus", url, "--query", query, "--start", String(Int(before) - 20), "--resolution", "1s",
                            "--warmup", "1", "--follow", "--state", folder + "/follow-state"]
        let output = Pipe()
        follow.standardOutput = output
        follow.standardError = FileHandle.nullDevice
        try follow.run()
        Thread.sleep(forTimeInterval: 3.5)
        follow.terminate()
        let followed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        follow.waitUntilExit()
        #expect(follow.terminationStatus == 0)
        #expect(followed.first == "unique_id,timestamp,value,anomaly_score,label")
        #expect(followed.count - 1 >= samples.count, "the range and the new samples: \(followed.count - 1) rows, \(samples.count) in the range")
        #expect(FileManager.default.fileExists(atPath: folder + "/follow-state/detect-state.json"))

        // A retraining job whose source is the same query: one key per returned series, named by its labels.
        try """
            job: from-prometheus
            registry: registry
            sources:
              - prometheus: \(url)
                query: '\(query)'
                start: '\(Int(before) - 20)'
                end: '\(Int(end) + 1)'
                step: 1s
            model: naive
            horizon: 2
            """.write(toFile: folder + "/job.yaml", atomically: true, encoding: .utf8)
        let retrain = try CLITests.seer(["retrain", folder + "/job.yaml"])
        #expect(retrain.status == 0 && retrain.stderr.contains("v1 promoted"), "\(retrain.stderr)")
        let listed = try CLITests.seer(["models", "list", "--registry", folder + "/registry"])
        #expect(listed.stdout.contains("seer_anomaly_score{instance=\"127.0.0.1:\(served.port)\",job=\"seer\",series=\"cpu\"}"), "\(listed.stdout)")

        // Bad queries, an empty answer and an unreachable server.
        let refused = try CLITests.seer(["inspect", "--prometheus", url, "--query", "seer_anomaly_score{"])
        #expect(refused.status == 64 && refused.stderr.contains("Prometheus refused the query (400 bad_data)"), "\(refused.stderr)")
        let empty = try CLITests.seer(["inspect", "--prometheus", url, "--query", "no_such_metric"])
        #expect(empty.status == 66 && empty.stderr.contains("matched no series"), "\(empty.stderr)")
        let away = try CLITests.seer(["inspect", "--prometheus", "http://127.0.0.1:\(Self.freePort())", "--query", "up"])
        #expect(away.status == 69 && away.stderr.contains("cannot reach Prometheus"), "\(away.stderr)")
    }
}
