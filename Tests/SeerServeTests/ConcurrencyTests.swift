// Many clients at once, while the state is being saved every 50 ms: eight tasks post to the same
// four series concurrently. Every point gets exactly one answer; the points of a series that were
// scored are counted once each (`rows` ends at the number of `scored` answers, and the metric
// agrees); nothing is lost when the server stops; a restart resumes with the same counts.
import Foundation
import Testing
import SeerBase
import SeerTasks
@testable import SeerServe

@Suite struct ConcurrencyTests {
    /// One point's answer, as the fields the checks read.
    struct Answer: Sendable {
        var series: String, status: String, rows: Int?, reason: String?
        init(_ object: [String: Any]) {
            series = object["series"] as? String ?? ""
            status = object["status"] as? String ?? ""
            rows = object["rows"] as? Int
            reason = object["reason"] as? String
        }
    }

    @Test func concurrentClientsWhileSavingLoseNothing() async throws {
        let folder = temporaryFolder("concurrent")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = ServeConfiguration()
        configuration.stateDirectory = folder
        configuration.stateInterval = .milliseconds(50)
        configuration.rules = DetectRules(model: .linear, threshold: 0.5, warmup: 10)
        let server = try await RunningServer.start(configuration)
        // Client c posts points t = c, c + 8, c + 16, … of every series, in batches of four:
        // arrivals interleave, so some points come after a newer one and are skipped, never twice.
        let answers = try await withThrowingTaskGroup(of: [Answer].self) { group in
            for client in 0..<8 {
                group.addTask {
                    var results: [Answer] = []
                    for t in stride(from: client, to: 200, by: 8) {
                        let body = "{\"points\":[" + (0..<4).map { DetectAPITests.point("s\($0)", t, Double(t % 24) + Double($0)) }.joined(separator: ",") + "]}"
                        let answer = try await server.request("POST", "/v1/detect", body: body)
                        results += (answer.object["results"] as? [[String: Any]] ?? []).map(Answer.init)
                    }
                    return results
                }
            }
            var all: [Answer] = []
            for try await part in group { all += part }
            return all
        }
        #expect(answers.count == 800, "one answer per point")
        var scored: [String: Int] = [:], highest: [String: Int] = [:]
        for answer in answers {
            switch answer.status {
            case "scored":
                scored[answer.series, default: 0] += 1
                highest[answer.series] = max(highest[answer.series] ?? 0, answer.rows ?? 0)
            case "skipped": #expect(answer.reason?.contains("before the series' newest point") == true || answer.reason?.contains("duplicate") == true)
            default: Issue.record("unexpected \(answer)")
            }
        }
        #expect(scored == highest, "rows ends at the number of scored points of each series: \(scored) vs \(highest)")
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.body.contains("seer_detect_points_total{outcome=\"scored\"} \(scored.values.reduce(0, +))\n"))
        await server.stop()
        let saved = try #require(try DetectStateStore(directory: folder).load())
        #expect(saved.series.mapValues(\.rows) == scored, "the final save holds every scored point")
        let again = try await RunningServer.start(configuration)
        defer { Task { await again.stop() } }
        let next = try await again.request("POST", "/v1/detect", body: "{\"points\":[\(DetectAPITests.point("s0", 500, 3))]}")
        #expect((next.object["results"] as? [[String: Any]])?.first?["rows"] as? Int == (scored["s0"] ?? 0) + 1)
    }
}
