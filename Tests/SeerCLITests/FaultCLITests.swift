// Faults a nightly job meets: a full disk, a read-only output folder, a SQLite database another
// process has locked, a PostgreSQL registry that goes away mid-run. Each time the run fails with a
// clear message and its exit code, what was saved before is intact byte for byte (forecasts, model
// directories, the registry's champions), and the same command succeeds once the fault is gone.
// The disk faults need a small tmpfs, so they run as root (CI, containers) and skip elsewhere; the
// PostgreSQL fault needs the test server `make test` starts.
import Foundation
import Testing
import SeerBase
import SeerData
@testable import SeerRegistry

@Suite(.serialized) struct FaultCLITests {
    /// A tmpfs of `size` mounted at a fresh folder, or nil (saying why) where this process may not mount one.
    static func tmpfs(size: String) throws -> String? {
        guard getuid() == 0 else {
            print("not root: skipping a fault test that needs its own small tmpfs")
            return nil
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seer-fault-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let mount = try CLITests.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir])
        guard mount.status == 0 else {
            print("cannot mount a tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))): skipping a fault test")
            return nil
        }
        return dir
    }

    static func shell(_ command: String) throws -> CLITests.Run { try CLITests.run("/bin/sh", ["-c", command]) }

    /// A registry folder `dir/job` with one night retrained, a forecast CSV and a saved model beside it.
    static func populate(_ dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir + "/job", withIntermediateDirectories: true)
        var csv = "unique_id,ds,y\n"
        for s in 0..<3 { for t in 0..<60 { csv += "k\(s),\(t),\(5 + s + t % 12)\n" } }
        try csv.write(toFile: dir + "/job/data.csv", atomically: true, encoding: .utf8)
        try "job: faults\nregistry: reg\nsources:\n  - csv: data.csv\nmodel: naive\nhorizon: 6\nseason: 12\n"
            .write(toFile: dir + "/job/job.yaml", atomically: true, encoding: .utf8)
        #expect(try CLITests.seer(["retrain", dir + "/job/job.yaml", "--batch", "b1", "--quiet"]).status == 0)
        #expect(try CLITests.seer(["forecast", "data/airline_passengers.csv", "--model", "naive", "--horizon", "12", "--out", dir + "/forecast.csv"]).status == 0)
        #expect(try CLITests.seer(["train", "data/airline_passengers.csv", "--model", "naive", "--horizon", "12", "--save", dir + "/model"]).status == 0)
    }

    /// Everything under `dir` that a failed run must leave as it was: file bytes, and the registry's listing.
    static func snapshot(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in ["forecast.csv", "model/config.json", "model/model.safetensors"] {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        let list = try CLITests.seer(["models", "list", "--registry", dir + "/job/reg"])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 4, "\(list.stderr)")
        files["models list"] = Data(list.stdout.utf8)
        return files
    }

    /// The writes a nightly job makes, each expected to fail with exit 74 and `reason` in its message.
    static func failingWrites(_ dir: String, reason: String, registryReason: String) throws {
        let forecast = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--model", "naive", "--horizon", "12", "--out", dir + "/forecast.csv"])
        #expect(forecast.status == 74 && forecast.stderr == "seer: error: \(dir)/forecast.csv: \(reason) (the previous one is unchanged)\n", "\(forecast.stderr)")
        let save = try CLITests.seer(["train", "data/airline_passengers.csv", "--model", "naive", "--horizon", "6", "--save", dir + "/model"])
        #expect(save.status == 74 && save.stderr.contains("\(dir)/model: ") && save.stderr.contains("(the previous one is unchanged)")
                && !save.stderr.contains(".tmp-"), "\(save.stderr)")
        let retrain = try CLITests.seer(["retrain", dir + "/job/job.yaml", "--batch", "b2", "--quiet"])
        #expect(retrain.status == 74 && retrain.stderr.contains("registry.db") && retrain.stderr.contains(registryReason), "\(retrain.stderr)")
        // No staging file is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!left.contains { $0.contains(".tmp-") }, "\(left)")
    }

    @Test func aFullDiskFailsClearlyKeepsWhatWasSavedAndARerunSucceeds() throws {
        guard let dir = try Self.tmpfs(size: "8m") else { return }
        defer { _ = try? CLITests.run("/bin/umount", [dir]) }
        try Self.populate(dir)
        let before = try Self.snapshot(dir)
        _ = try Self.shell("cat /dev/zero > '\(dir)/filler' 2>/dev/null")
        try Self.failingWrites(dir, reason: "cannot write: No space left on device", registryReason: "(its file system is full)")
        try FileManager.default.removeItem(atPath: dir + "/filler")
        #expect(try Self.snapshot(dir) == before)
        #expect(try CLITests.seer(["retrain", dir + "/job/job.yaml", "--batch", "b2", "--quiet"]).status == 0)
        #expect(try CLITests.seer(["forecast", "data/airline_passengers.csv", "--model", "naive", "--horizon", "12", "--out", dir + "/forecast.csv"]).status == 0)
    }

    @Test func aReadOnlyFolderFailsClearlyStillServesReadsAndARerunSucceeds() throws {
        guard let dir = try Self.tmpfs(size: "8m") else { return }
        defer { _ = try? CLITests.run("/bin/umount", [dir]) }
        try Self.populate(dir)
        let before = try Self.snapshot(dir)
        #expect(try CLITests.run("/bin/mount", ["-o", "remount,ro", dir]).status == 0)
        try Self.failingWrites(dir, reason: "cannot create: Read-only file system", registryReason: "(its file system is read-only)")
        // A registry snapshot mounted read-only still lists and forecasts (SQLite is told it is immutable).
        #expect(try Self.snapshot(dir) == before)
        let morning = try CLITests.seer(["predict", "--job", dir + "/job/job.yaml"])
        #expect(morning.status == 0 && morning.stderr.contains("3 champions forecast, 0 failed"), "\(morning.stderr)")
        #expect(try CLITests.run("/bin/mount", ["-o", "remount,rw", dir]).status == 0)
        #expect(try CLITests.seer(["retrain", dir + "/job/job.yaml", "--batch", "b2", "--quiet"]).status == 0)
    }

    @Test func aLockedSQLiteDatabaseFailsWith75KeepsItsRowsAndARerunSucceeds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seer-fault-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func forecast(_ horizon: Int) -> [String] {
            ["forecast", "data/airline_passengers.csv", "--model", "naive", "--horizon", "\(horizon)", "--out-sqlite", dir + "/fc.db", "--out-table", "fc"]
        }
        #expect(try CLITests.seer(forecast(12)).status == 0)
        // Another process's write transaction on the output database (this test process holds it).
        let holder = try SQLiteDatabase(path: dir + "/fc.db", mode: .readWrite)
        _ = try holder.execute("BEGIN EXCLUSIVE")
        let locked = try CLITests.seer(forecast(6))
        #expect(locked.status == 75 && locked.stderr.contains("database is locked (another process holds its lock; try again when it is done)"),
                "\(locked.stderr)")
        _ = try holder.execute("ROLLBACK")
        let rows = try SQLiteSeriesReader.read(dir + "/fc.db", from: .query(sql: "SELECT count(*) AS n FROM fc", parameters: []),
                                               options: SQLiteReadOptions(timeColumn: "none"))
        #expect(rows.series.first?.columns.first?.values == [12], "the 12 rows written before the lock are all there")
        #expect(try CLITests.seer(forecast(6)).status == 0)

        // The registry: one second's wait (SEER_REGISTRY_LOCK_WAIT), then 75; its champions intact.
        let job = try RetrainCLITests.job(series: 2)
        #expect(try CLITests.seer(["retrain", job + "/job.yaml", "--batch", "b1", "--quiet"]).status == 0)
        let registryLock = try SQLiteDatabase(path: job + "/reg/registry.db", mode: .readWrite)
        _ = try registryLock.execute("BEGIN EXCLUSIVE")
        let waited = RetrainCLITests.finish(try RetrainCLITests.start(["retrain", job + "/job.yaml", "--batch", "b2", "--quiet"],
                                                                      environment: ["SEER_REGISTRY_LOCK_WAIT": "1"]))
        #expect(waited.status == 75 && waited.stderr.contains("database is locked"), "\(waited.stderr)")
        _ = try registryLock.execute("ROLLBACK")
        let registry = try ModelRegistry(location: job + "/reg", create: false)
        #expect(try registry.keys().allSatisfy { try registry.versions(of: $0).count == 1 })
        try RetrainCLITests.checkConsistent(registry)
        #expect(try CLITests.seer(["retrain", job + "/job.yaml", "--batch", "b2", "--quiet"]).status == 0)
    }

    @Test func aPostgresRegistryGoingAwayStopsTheRunClearlyAndARerunFinishes() throws {
        guard let admin = ProcessInfo.processInfo.environment["SEER_TEST_POSTGRES"], !admin.isEmpty, let slash = admin.lastIndex(of: "/") else {
            print("SEER_TEST_POSTGRES is not set (make test starts a server): skipping PostgreSQL going away mid-run")
            return
        }
        let name = "seer_fault_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        let server = try PostgresConnection(url: admin)
        try server.execute("CREATE DATABASE \(name)", [])
        let url = String(admin[..<slash]) + "/" + name
        let dir = try RetrainCLITests.job(series: 120, model: "dlinear")
        try (String(contentsOfFile: dir + "/job.yaml", encoding: .utf8) + "lease_seconds: 2\n").write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        let arguments = ["retrain", dir + "/job.yaml", "--registry", url, "--model-store", dir + "/store", "--batch", "b1"]
        let started = try RetrainCLITests.start(arguments)
        // Once a few keys are done, the database refuses new connections and drops the live ones,
        // as a server restarting or failing over does.
        let watcher = try PostgresConnection(url: url)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, started.0.isRunning,
              ((try? watcher.query("SELECT count(*) FROM work WHERE state = 'done'", []).first?.first?.int) ?? 0) < 3 {  // no table yet: 0
            Thread.sleep(forTimeInterval: 0.05)
        }
        try server.execute("ALTER DATABASE \(name) ALLOW_CONNECTIONS false", [])
        _ = try server.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'", [])
        let stopped = RetrainCLITests.finish(started)
        try server.execute("ALTER DATABASE \(name) ALLOW_CONNECTIONS true", [])
        #expect(stopped.status == 74, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("since every later key needs the registry") && stopped.stderr.contains("rerun batch b1 to finish"),
                "\(stopped.stderr.suffix(600))")
        // One line says why and how to finish, not a failure per remaining key.
        #expect(stopped.stderr.components(separatedBy: "the PostgreSQL server").count <= 4, "\(stopped.stderr.suffix(2000))")
        let registry = try ModelRegistry(location: url, store: dir + "/store")
        try RetrainCLITests.checkConsistent(registry)
        let rerun = try CLITests.seer(arguments + ["--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let work = try registry.work(job: "cli-job", batch: "b1")
        #expect(work.count == 120 && work.allSatisfy { $0.state == "done" }, "\(work.filter { $0.state != "done" })")
        #expect(try registry.keys().allSatisfy { try registry.champion(of: $0) != nil })
        try RetrainCLITests.checkConsistent(registry)
    }
}
