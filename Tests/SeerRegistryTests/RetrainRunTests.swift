// A retraining run in-process: the first night promotes every key, a rerun of the batch skips
// finished keys, a failing key is recorded while the others go on, a worse challenger never
// replaces its champion, and a champion whose files changed fails its key and nothing else.
import Foundation
import Testing
import SeerBase
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
