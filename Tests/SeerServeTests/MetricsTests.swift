// `GET /metrics` in Prometheus' text format: each series' latest score and 0/1 label, the
// points counted by outcome, and every request counted by route, method and status.
import Foundation
import Testing
import SeerTasks
@testable import SeerServe

@Suite struct MetricsTests {
    @Test func scoresLabelsAndRequestsAreExposed() async throws {
        var configuration = ServeConfiguration()
        configuration.rules = DetectRules(model: .linear, threshold: 0.5, warmup: 50)
        let server = try await RunningServer.start(configuration)
        defer { Task { await server.stop() } }
        let values = hourlySeries(length: 120, spike: 119, seed: 4)
        var last: [String: Any] = [:]
        for t in 0..<120 {
            let answer = try await server.request("POST", "/v1/detect", body: "{\"points\":[\(DetectAPITests.point("db \"main\"", t, values[t]))]}")
            last = (answer.object["results"] as? [[String: Any]])?.first ?? [:]
        }
        #expect(last["anomaly"] as? Int == 1, "the spike at the end is labelled: \(last)")
        _ = try await server.request("POST", "/v1/detect", body: "nonsense")
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let lines = metrics.body.split(separator: "\n").map(String.init)
        // Label values are escaped as the format says (quote → \").
        let scoreLine = try #require(lines.first { $0.hasPrefix("seer_anomaly_score{series=\"db \\\"main\\\"\"}") }, "\(metrics.body)")
        let exposed = try #require(Double(scoreLine.split(separator: " ").last ?? ""))
        #expect(abs(exposed - (last["score"] as? Double ?? -1)) < 1e-9)
        #expect(lines.contains("seer_anomaly{series=\"db \\\"main\\\"\"} 1.0"))
        #expect(lines.contains("seer_detect_points_total{outcome=\"scored\"} 120"))
        #expect(lines.contains("seer_series 1.0"))
        #expect(lines.contains("seer_http_requests_total{method=\"POST\",route=\"/v1/detect\",status=\"200\"} 120") ||
                lines.contains("seer_http_requests_total{route=\"/v1/detect\",method=\"POST\",status=\"200\"} 120"), "\(lines.filter { $0.contains("requests_total") })")
        #expect(lines.contains { $0.contains("seer_http_requests_total") && $0.contains("status=\"400\"") && $0.hasSuffix(" 1") })
        #expect(lines.contains { $0.hasPrefix("seer_http_request_duration_seconds_count{route=\"/v1/detect\"}") })
        #expect(lines.contains("# TYPE seer_anomaly_score gauge"))
    }
}
