// `POST /v1/detect` against the library's own stream: the same points give the same scores and
// labels as `seer detect --stream` (DetectStream), in order, with `rows` counting each series'
// points; replays after a restart are `already_scored`; the series table stays within its cap.
import Foundation
import Testing
import SeerBase
import SeerTasks
@testable import SeerServe

@Suite struct DetectAPITests {
    static let start: Int64 = 1_700_000_000

    /// The JSON of one point.
    static func point(_ series: String, _ t: Int, _ value: Double) -> String {
        "{\"series\":\(JSONValue.quoted(series)),\"timestamp\":\(start + Int64(t) * 3600),\"value\":\(value)}"
    }

    @Test func scoresEqualTheStreamAndRowsCountEveryPoint() async throws {
        var configuration = ServeConfiguration()
        configuration.rules = DetectRules(model: .linear, threshold: 0.5, warmup: 100)
        let server = try await RunningServer.start(configuration)
        defer { Task { await server.stop() } }
        let a = hourlySeries(length: 300, spike: 250, seed: 1), b = hourlySeries(length: 300, spike: 200, seed: 2)
        var reference = try DetectStream(model: .linear, threshold: 0.5, warmup: 100)
        var served: [[String: Any]] = []
        // Both series interleaved, seven points per request.
        let points = (0..<300).flatMap { t in [("a", t, a[t]), ("b", t, b[t])] }
        for chunk in stride(from: 0, to: points.count, by: 7).map({ Array(points[$0..<min($0 + 7, points.count)]) }) {
            let body = "{\"points\":[" + chunk.map { Self.point($0.0, $0.1, $0.2) }.joined(separator: ",") + "]}"
            let answer = try await server.request("POST", "/v1/detect", body: body)
            #expect(answer.status == 200, "\(answer.body)")
            served += answer.object["results"] as? [[String: Any]] ?? []
        }
        #expect(served.count == points.count)
        var labelled: [String: [Int]] = [:]
        for (i, (series, t, value)) in points.enumerated() where i < served.count {
            let stored = Double(Float(value))
            guard case .scored(let expected) = reference.score(StreamPoint(id: series, timestampText: nil, timestamp: Self.start + Int64(t) * 3600, valueText: "", value: stored)) else {
                Issue.record("the reference did not score point \(i)"); continue
            }
            let result = served[i]
            #expect(result["series"] as? String == series)
            #expect(result["status"] as? String == "scored")
            #expect((result["score"] as? Double).map { abs($0 - expected.score) < 1e-12 } == true, "point \(i): \(result) vs \(expected.score)")
            #expect(result["anomaly"] as? Int == expected.label)
            #expect(result["rows"] as? Int == t + 1, "rows counts every point of the series once")
            if expected.label == 1 { labelled[series, default: []].append(t) }
        }
        // The spikes are found (the check is only meaningful if the detector works through HTTP too).
        #expect(labelled["a"]?.contains(250) == true && labelled["b"]?.contains(200) == true, "\(labelled)")
        let health = try await server.request("GET", "/healthz")
        #expect(health.object["series"] as? Int == 2)
    }

    @Test func restartResumesAndReplaysAreAlreadyScored() async throws {
        let folder = temporaryFolder("state")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = ServeConfiguration()
        configuration.stateDirectory = folder
        configuration.rules = DetectRules(model: .linear, threshold: 0.5, warmup: 10)
        let values = hourlySeries(length: 40, spike: -1, seed: 3)
        let first = try await RunningServer.start(configuration)
        for t in 0..<30 { _ = try await first.request("POST", "/v1/detect", body: "{\"points\":[\(Self.point("m", t, values[t]))]}") }
        await first.stop()
        let saved = try #require(try DetectStateStore(directory: folder).load())
        #expect(saved.series["m"]?.rows == 30)
        let second = try await RunningServer.start(configuration)
        defer { Task { await second.stop() } }
        let replay = try await second.request("POST", "/v1/detect", body: "{\"points\":[\(Self.point("m", 28, values[28])),\(Self.point("m", 29, values[29])),\(Self.point("m", 30, values[30]))]}")
        let results = replay.object["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["status"] as? String } == ["already_scored", "already_scored", "scored"])
        #expect(results.last?["rows"] as? Int == 31)
    }

    @Test func seriesBeyondTheCapAreSkippedNotKept() async throws {
        var configuration = ServeConfiguration()
        configuration.limits.maxSeries = 2
        let server = try await RunningServer.start(configuration)
        defer { Task { await server.stop() } }
        let answer = try await server.request("POST", "/v1/detect", body: "{\"points\":[\(Self.point("a", 0, 1)),\(Self.point("b", 0, 1)),\(Self.point("c", 0, 1)),\(Self.point("a", 1, 2))]}")
        let results = answer.object["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["status"] as? String } == ["scored", "scored", "skipped", "scored"])
        #expect((results[2]["reason"] as? String)?.contains("at most 2") == true)
        #expect(try await server.request("GET", "/healthz").object["series"] as? Int == 2)
    }
}
