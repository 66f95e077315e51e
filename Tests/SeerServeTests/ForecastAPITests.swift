// `POST /v1/forecast` and `GET /v1/models`: a model directory by name and a registry champion
// by key give the forecast the library gives for the same history, set the forecast gauges, and
// unknown models, keys and malformed histories get a 4xx that says which.
import Foundation
import Testing
import SeerBase
import SeerRegistry
import SeerTasks
@testable import SeerServe

@Suite struct ForecastAPITests {
    /// A folder with two model directories and a registry whose key `k` has a champion.
    static func fixture(modelName: String = "last", key: String = "k") throws -> (models: String, registry: String) {
        let root = temporaryFolder("models")
        let models = root + "/models"
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let naive = Forecaster(model: .naive, lookback: 4, horizon: 3)
        try naive.fit([[1, 2, 3, 4, 5, 6, 7, 8]])
        try naive.save(to: models + "/" + modelName)
        let drift = Forecaster(model: .seasonalNaive, lookback: 8, horizon: 2)
        try drift.fit([[1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]])
        try drift.save(to: models + "/seasonal")
        let registry = try ModelRegistry(location: root + "/registry")
        let version = try registry.nextVersion(of: key)
        try naive.save(to: try registry.directory(for: key, version: version))
        _ = try registry.register(NewVersion(key: key, version: version, dataFingerprint: "f", config: .object([:]), metrics: .object([:]), aliases: ["champion"]))
        return (models, root + "/registry")
    }

    /// A server forecasting with a fresh fixture; stopping it removes the fixture's files.
    static func serving(modelName: String = "last", key: String = "k") async throws -> RunningServer {
        let (models, registry) = try fixture(modelName: modelName, key: key)
        var configuration = ServeConfiguration()
        configuration.modelsDirectory = models
        configuration.registry = registry
        var server = try await RunningServer.start(configuration)
        server.cleanup = DurableFiles.parent(of: models)
        return server
    }

    @Test func modelsAndChampionsForecastLikeTheLibrary() async throws {
        let server = try await Self.serving()
        defer { Task { await server.stop() } }

        let listing = try await server.request("GET", "/v1/models")
        #expect(listing.status == 200)
        let names = (listing.object["models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names == ["last", "seasonal"])
        let keys = ((listing.object["registry"] as? [String: Any])?["keys"] as? [[String: Any]]) ?? []
        #expect(keys.first?["key"] as? String == "k")
        #expect((keys.first?["aliases"] as? [String: Any])?["champion"] as? Int == 1)

        let history = "\"series\":[{\"id\":\"cpu\",\"timestamps\":[1700000000,1700003600,1700007200,1700010800,1700014400],\"values\":[1,2,3,4,9.5]}]"
        let byName = try await server.request("POST", "/v1/forecast", body: "{\"model\":\"last\",\(history)}")
        #expect(byName.status == 200, "\(byName.body)")
        let rows = byName.object["rows"] as? [[String: Any]] ?? []
        #expect(rows.count == 3)
        #expect(rows.map { $0["value"] as? Double } == [9.5, 9.5, 9.5])
        #expect(rows.map { $0["unique_id"] as? String } == ["cpu", "cpu", "cpu"])
        #expect(rows.first?["ds"] as? String == "2023-11-15T01:00:00Z" || (rows.first?["ds"] as? String)?.hasPrefix("2023-11-15") == true)
        let byKey = try await server.request("POST", "/v1/forecast", body: "{\"key\":\"k\",\(history)}")
        #expect(byKey.status == 200, "\(byKey.body)")
        #expect((byKey.object["rows"] as? [[String: Any]] ?? []).map { $0["value"] as? Double } == [9.5, 9.5, 9.5])
        #expect((byKey.object["chosenBy"] as? String)?.contains("version 1 of 'k'") == true)

        let metrics = try await server.request("GET", "/metrics")
        for step in 1...3 { #expect(metrics.body.contains("seer_forecast{series=\"cpu\",step=\"\(step)\"} 9.5\n"), "step \(step)") }
        // A shorter forecast for the same series drops the steps it no longer has.
        _ = try await server.request("POST", "/v1/forecast", body: "{\"model\":\"seasonal\",\"series\":[{\"id\":\"cpu\",\"values\":[1,2,3,4,1,2,3,4]}]}")
        let after = try await server.request("GET", "/metrics")
        #expect(after.body.contains("seer_forecast{series=\"cpu\",step=\"2\"} 4.0\n"), "\(after.body)")
        #expect(!after.body.contains("seer_forecast{series=\"cpu\",step=\"3\"}"))
    }

    @Test func wrongForecastRequestsSayWhich() async throws {
        let server = try await Self.serving()
        defer { Task { await server.stop() } }
        let series = "\"series\":[{\"values\":[1,2,3,4,5]}]"
        let cases: [(String, Int, String)] = [
            ("{\"model\":\"nope\",\(series)}", 404, "model: no model 'nope' (this server has last, seasonal)"),
            ("{\"model\":\"../models\",\(series)}", 400, "is not a model name"),
            ("{\"key\":\"nope\",\(series)}", 404, "key: "),
            ("{\"key\":\"k\",\"version\":\"v7\",\(series)}", 404, "no version or alias 'v7'"),
            ("{\(series)}", 400, "give \"model\""),
            ("{\"model\":\"last\",\"key\":\"k\",\(series)}", 400, "one of them"),
            ("{\"model\":\"last\",\"series\":[]}", 400, "series: empty"),
            ("{\"model\":\"last\",\"series\":[{\"values\":[1,\"2\"]}]}", 400, "series[0].values[1]: expected a number, found a string"),
            ("{\"model\":\"last\",\"series\":[{\"values\":[null,null]}]}", 400, "series[0].values: no number"),
            ("{\"model\":\"last\",\"series\":[{\"values\":[1,2],\"timestamps\":[5]}]}", 400, "series[0].timestamps: 1 timestamps for 2 values"),
            ("{\"model\":\"last\",\"series\":[{\"values\":[1,2],\"timestamps\":[5,5]}]}", 400, "series[0].timestamps[1]: not after"),
            ("{\"model\":\"last\",\"series\":[{\"id\":\"a\",\"values\":[1]},{\"id\":\"a\",\"values\":[1]}]}", 400, "series[1].id: 'a' is given twice"),
            ("{\"model\":\"last\",\"series\":[{\"values\":[1,2]}]}", 422, "series: "),
        ]
        for (body, status, message) in cases {
            let answer = try await server.request("POST", "/v1/forecast", body: body)
            #expect(answer.status == status, "\(body) → \(answer.status) \(answer.body)")
            #expect(answer.errorMessage.contains(message), "\(body) → \(answer.errorMessage)")
        }
    }
}
