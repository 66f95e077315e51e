// A retraining run in-process: the first night promotes every key, a rerun of the batch skips
// finished keys, a failing key is recorded while the others go on, a worse challenger never
// replaces its champion, and a champion whose files changed fails its key and nothing else.
import Foundation
import Testing
import SeerBase
import SeerTasks
@testable import SeerRegistry

@Suite struct RetrainRunTests {
    func run(_ jobPath: String, batch: String = "b1") throws -> (RetrainSummary, ModelRegistry) {
        let job = try RetrainJob.load(jobPath)
        let registry = try ModelRegistry(location: job.resolve(job.registry!))
        return (try RetrainRun(job: job, registry: registry, batch: batch).run(), registry)
    }

    @Test func firstNightPromotesThenARerunSkips() throws {
        let path = try RegistryFixtures.job(series: 3, short: ["s1"])
        let (first, registry) = try run(path)
        #expect(first.outcomes.map(\.status) == [.promoted, .failed, .promoted])
        #expect(first.outcomes[1].message.contains("s1") || first.outcomes[1].message.contains("short") || first.outcomes[1].message.contains("steps"))
        #expect(try registry.champion(of: "s0")?.version == 1)
        #expect(try registry.champion(of: "s1") == nil)
        #expect(try registry.work(job: "test-job", batch: "b1").map(\.state) == ["done", "failed", "done"])
        #expect(try registry.runs(job: "test-job").first?.status == "failed")
        let metrics = try #require(try registry.champion(of: "s0")?.metrics)
        #expect(metrics["metric"]?.stringValue == "mase" && (metrics["challenger"]?.doubleValue ?? .nan).isFinite)

        // The rerun retries only the failed key (still too short) and redoes nothing.
        let (second, _) = try run(path)
        #expect(second.outcomes.map(\.status) == [.skipped, .failed, .skipped])
        #expect(try registry.versions(of: "s0").count == 1)
    }

    @Test func aWorseChallengerNeverReplacesTheChampion() throws {
        let path = try RegistryFixtures.job(series: 2)
        let (_, registry) = try run(path)
        // The next night the job asks for a far worse model: it is registered, not promoted.
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "model: rlinear", with: "model: naive")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (second, _) = try run(path, batch: "b2")
        #expect(second.outcomes.map(\.status) == [.rejected, .rejected])
        for key in ["s0", "s1"] {
            #expect(try registry.champion(of: key)?.version == 1)
            #expect(try registry.aliases(of: key)["challenger"] == 2)
            let rejected = try #require(try registry.version(2, of: key))
            #expect(rejected.metrics["accepted"]?.boolValue == false)
            #expect((rejected.metrics["challenger"]?.doubleValue ?? 0) > (rejected.metrics["champion"]?.doubleValue ?? .infinity) * 1.02)
        }
    }

    @Test func aTamperedChampionFailsOnlyItsKey() throws {
        let path = try RegistryFixtures.job(series: 2)
        let (_, registry) = try run(path)
        let champion = try #require(try registry.champion(of: "s0"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: champion.path + "/config.json"))
        let (second, _) = try run(path, batch: "b2")
        #expect(second.outcomes.map(\.status) == [.failed, .promoted] || second.outcomes.map(\.status) == [.failed, .rejected])
        #expect(second.outcomes[0].message.contains("checksum"))
        #expect(try registry.champion(of: "s0")?.version == 1)
        #expect(try registry.versions(of: "s0").count == 1)
    }

    @Test func aGlobalModelIsOneKey() throws {
        let path = try RegistryFixtures.job(series: 3, extra: "models: global")
        let (summary, registry) = try run(path)
        #expect(summary.outcomes.map(\.key) == ["test-job"])
        #expect(summary.outcomes[0].status == .promoted)
        #expect(try registry.champion(of: "test-job")?.config["series"]?.arrayValue?.count == 3)
    }
}

extension RetrainRunTests {
    /// A detect job: each series' detector is fed every point, registered with its alarm share on
    /// the latest window, and its saved state scores the next point exactly as the live one would.
    @Test func aDetectJobRegistersDetectors() throws {
        let dir = try RegistryFixtures.folder()
        var csv = RegistryFixtures.salesCSV(series: 2, length: 1_200)
        // s1 jumps far out of its range three times inside the window.
        csv = csv.split(separator: "\n").map { line -> String in
            let parts = line.split(separator: ",")
            guard parts.count == 3, parts[0] == "s1", let t = Int(parts[1]), [1_100, 1_140, 1_180].contains(t) else { return String(line) }
            return "s1,\(t),400"
        }.joined(separator: "\n") + "\n"
        try csv.write(toFile: dir + "/data.csv", atomically: true, encoding: .utf8)
        try "job: det\nregistry: reg\nsources:\n  - csv: data.csv\ntask: detect\nmodel: linear\nwindow: 120\nmax_alarm_rate: 0.005\nseason: 12\n"
            .write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        let (summary, registry) = try run(dir + "/job.yaml")
        #expect(summary.outcomes.map(\.status) == [.promoted, .rejected], "\(summary.outcomes.map(\.message))")
        #expect(summary.outcomes[1].challengerScore ?? 0 > 0)
        #expect(try registry.champion(of: "s1") == nil && registry.aliases(of: "s1")["challenger"] == 1)
        // The saved state continues exactly where the live detector stopped.
        let saved = try #require(try registry.champion(of: "s0"))
        var (detector, threshold, steps) = try registry.loadDetector(saved)
        #expect(threshold == 0.5 && detector.count == 1_200 && steps == 1_200)
        var live = AnomalyDetector(model: .linear, season: 12)
        let values = RegistryFixtures.salesCSV(series: 1, length: 1_200).split(separator: "\n").dropFirst().compactMap { Double($0.split(separator: ",")[2]) }
        for v in values { _ = live.update(Double(Float(v))) }  // the job reads values as Float
        #expect(detector.update(55) == live.update(55))
        // A detect job's champions do not forecast.
        let job = try RetrainJob.load(dir + "/job.yaml")
        #expect(throws: DataError.self) { try ChampionForecasts(job: job, registry: registry) }
    }
}

extension RetrainRunTests {
    /// A job reading its series from a PostgreSQL query (the warehouse), times as timestamptz.
    @Test func seriesFromAPostgresQuery() throws {
        guard let url = try PostgresFixture.freshDatabase() else { return }
        let connection = try PostgresConnection(url: url)
        try connection.execute("CREATE TABLE sales (store text, at timestamptz, amount double precision)", [])
        for s in 0..<2 {
            for t in 0..<96 {
                try connection.execute("INSERT INTO sales VALUES (?, to_timestamp(?), ?)",
                                       [.text("store \(s)"), .integer(Int64(1_704_067_200 + 3_600 * t)), .real(10 + Double(s) + 3 * sin(Double(t) * 0.5236) + 0.01 * Double(t))])
            }
        }
        let dir = try RegistryFixtures.folder()
        try """
            job: warehouse
            registry: reg
            sources:
              - postgres: \(url)
                query: SELECT store, at, amount FROM sales
                id_column: store
                time_column: at
                value_column: amount
            model: rlinear
            horizon: 12
            season: 24
            max_steps: 40
            """.write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        let (summary, registry) = try run(dir + "/job.yaml")
        #expect(summary.outcomes.map(\.key) == ["store 0", "store 1"] && summary.outcomes.allSatisfy { $0.status == .promoted }, "\(summary.outcomes.map(\.message))")
        let job = try RetrainJob.load(dir + "/job.yaml")
        let forecasts = try ChampionForecasts(job: job, registry: registry)
        #expect(forecasts.forecasts.count == 2 && forecasts.csv.contains("store 0,store 0,2024-01-05 00:00:00,1,"), "\(forecasts.csv.prefix(300))")
        // A source query runs read-only.
        try "job: w\nregistry: reg\nsources:\n  - postgres: \(url)\n    query: DELETE FROM sales RETURNING store, at, amount\n    id_column: store\n    time_column: at\n    value_column: amount\nmodel: naive\nhorizon: 3\n"
            .write(toFile: dir + "/delete.yaml", atomically: true, encoding: .utf8)
        #expect(throws: DataError.self) { try run(dir + "/delete.yaml") }
        #expect(try connection.query("SELECT count(*) FROM sales", [])[0][0].int == 192)
    }
}
