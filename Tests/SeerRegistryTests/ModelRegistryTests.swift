// The registry on its own: versions that only go up, aliases and their history, promote and
// rollback, checksums that catch a changed file, gc that keeps champions, schema versions, and
// claims that give a key to one process at a time.
import Foundation
import Testing
import SeerBase
import SeerTasks
@testable import SeerRegistry

@Suite struct ModelRegistryTests {
    /// Registers a naive forecaster as a new version of `key`.
    func add(_ registry: ModelRegistry, _ key: String, aliases: [String] = ["challenger"]) throws -> Int {
        let version = try registry.nextVersion(of: key)
        let forecaster = Forecaster(model: .naive, lookback: 4, horizon: 2)
        try forecaster.fit([[1, 2, 3, 4, 5, 6, 7, 8]])
        try forecaster.save(to: try registry.directory(for: key, version: version))
        _ = try registry.register(NewVersion(key: key, version: version, dataFingerprint: "f", config: .object([:]),
                                             metrics: .object(["challenger": .number(Double(version))]), tags: ["t": "x"], aliases: aliases))
        return version
    }

    @Test(arguments: Backend.allCases) func versionsOnlyGoUpAndAliasesMove(_ backend: Backend) throws {
        guard let registry = try backend.registry() else { return }
        #expect(try add(registry, "a/b", aliases: ["challenger", "champion"]) == 1)
        #expect(try add(registry, "a/b") == 2)
        _ = try registry.nextVersion(of: "a/b")  // taken by a run that died before registering
        #expect(try add(registry, "a/b") == 4)
        #expect(try registry.aliases(of: "a/b") == ["champion": 1, "challenger": 4])
        #expect(try registry.versions(of: "a/b").map(\.version) == [1, 2, 4])
        #expect(try registry.tags(of: "a/b", version: 2) == ["t": "x"])
        #expect(try registry.resolve("v2", of: "a/b").version == 2)
        #expect(try registry.resolve("challenger", of: "a/b").version == 4)
        #expect(throws: DataError.self) { try registry.resolve("v9", of: "a/b") }
        // The key's folder name is safe for the file system and the files load.
        let champion = try #require(try registry.champion(of: "a/b"))
        #expect(champion.path.hasSuffix("/a%2Fb/v1"))
        #expect(try registry.loadForecaster(champion).predict([[1, 2, 3, 4]]) == [[4, 4]])
    }

    @Test(arguments: Backend.allCases) func promoteAndRollback(_ backend: Backend) throws {
        guard let registry = try backend.registry() else { return }
        for _ in 0..<3 { _ = try add(registry, "k", aliases: ["challenger", "champion"]) }
        #expect(try registry.champion(of: "k")?.version == 3)
        // Rollbacks step back through the champions (3 → 2 → 1), not back and forth.
        #expect(try registry.rollback("k") == 2)
        #expect(try registry.rollback("k") == 1)
        #expect(throws: DataError.self) { try registry.rollback("k") }
        try registry.promote("k", version: 3)
        #expect(try registry.champion(of: "k")?.version == 3)
        #expect(throws: DataError.self) { try registry.promote("k", version: 7) }
    }

    @Test(arguments: Backend.allCases) func aChangedFileIsRefusedAndCannotBePromoted(_ backend: Backend) throws {
        guard let registry = try backend.registry() else { return }
        _ = try add(registry, "k", aliases: ["champion"])
        _ = try add(registry, "k")
        let second = try #require(try registry.version(2, of: "k"))
        let handle = try #require(FileHandle(forWritingAtPath: second.path + "/model.safetensors"))
        handle.seekToEndOfFile()
        handle.write(Data([0]))
        try handle.close()
        let error = #expect(throws: DataError.self) { try registry.loadForecaster(second) }
        #expect(error?.message.contains("no longer matches its checksum") == true)
        #expect(throws: DataError.self) { try registry.promote("k", version: 2) }
        #expect(try registry.champion(of: "k")?.version == 1)
    }

    @Test(arguments: Backend.allCases) func gcKeepsAliasedAndNewestVersions(_ backend: Backend) throws {
        guard let registry = try backend.registry() else { return }
        let root = String(registry.store.dropLast("/models".count))
        _ = try add(registry, "k", aliases: ["champion"])
        for _ in 0..<4 { _ = try add(registry, "k") }
        // A directory left by a run that died before registering.
        try FileManager.default.createDirectory(atPath: root + "/models/k/v99", withIntermediateDirectories: true)
        let removed = try registry.gc(keep: 2, orphanAge: -1)
        #expect(removed.map(\.version) == [2, 3])
        #expect(try registry.versions(of: "k").map(\.status) == ["ready", "deleted", "deleted", "ready", "ready"])
        for version in try registry.versions(of: "k") {
            #expect(FileManager.default.fileExists(atPath: version.path) == (version.status == "ready"))
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/models/k/v99"))
        #expect(try registry.champion(of: "k")?.version == 1)
    }

    /// Readers never create a registry, and a model store serves one registry only.
    @Test func readersNeedAnExistingRegistryAndStoresAreNotShared() throws {
        let root = try RegistryFixtures.folder()
        let error = #expect(throws: DataError.self) { try ModelRegistry(location: root + "/typo", create: false) }
        #expect(error?.kind == .missingInput && !FileManager.default.fileExists(atPath: root + "/typo"))
        _ = try ModelRegistry(location: root + "/a")
        _ = try ModelRegistry(location: root + "/a", create: false)
        let shared = #expect(throws: DataError.self) { try ModelRegistry(location: root + "/b", store: root + "/a/models") }
        #expect(shared?.message.contains("belongs to another registry") == true)
        // gc's sweep deletes only version directories, never other files in the store.
        try FileManager.default.createDirectory(atPath: root + "/a/models/k/notes", withIntermediateDirectories: true)
        try ModelRegistry(location: root + "/a").gc(keep: 1, orphanAge: -1)
        #expect(FileManager.default.fileExists(atPath: root + "/a/models/k/notes"))
        #expect(ModelRegistry.isVersionDirectoryName("v12") && ModelRegistry.isVersionDirectoryName("v3.tmp-1-abc"))
        #expect(!ModelRegistry.isVersionDirectoryName("v") && !ModelRegistry.isVersionDirectoryName("vault") && !ModelRegistry.isVersionDirectoryName("x1"))
    }

    @Test func aNewerSchemaIsRefusedAndMigrationIsIdempotent() throws {
        let root = try RegistryFixtures.folder()
        _ = try ModelRegistry(location: root)
        _ = try ModelRegistry(location: root)  // opening again migrates nothing
        let connection = try SQLiteRegistryConnection(path: root + "/registry.db")
        try connection.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'", [])
        let error = #expect(throws: DataError.self) { try ModelRegistry(location: root) }
        #expect(error?.message.contains("schema is version 99") == true)
    }

    @Test(arguments: Backend.allCases) func aClaimGoesToOneOwnerUntilItsLeaseEnds(_ backend: Backend) throws {
        guard let registry = try backend.registry() else { return }
        try registry.enqueue(job: "j", batch: "b", keys: ["x"])
        #expect(try registry.claim(job: "j", batch: "b", key: "x", owner: "A", lease: 60) == .claimed)
        #expect(try registry.claim(job: "j", batch: "b", key: "x", owner: "B", lease: 60) == .held(by: "A"))
        // A's lease runs out (it died): B takes over, and A can no longer finish the key.
        #expect(try registry.renew(job: "j", batch: "b", key: "x", owner: "A", lease: -1))
        #expect(try registry.claim(job: "j", batch: "b", key: "x", owner: "B", lease: 60) == .claimed)
        #expect(throws: DataError.self) { try registry.finish(job: "j", batch: "b", key: "x", owner: "A") }
        #expect(!(try registry.renew(job: "j", batch: "b", key: "x", owner: "A", lease: 60)))
        try registry.finish(job: "j", batch: "b", key: "x", owner: "B")
        #expect(try registry.claim(job: "j", batch: "b", key: "x", owner: "C", lease: 60) == .done(version: nil))
        #expect(try registry.work(job: "j", batch: "b").map(\.attempts) == [2])
    }

    /// Shards that start together create one new SQLite registry at the same moment. Switching the
    /// new file to WAL needs its exclusive lock, and SQLite answers "database is locked" at once,
    /// without waiting, where waiting could deadlock; CI saw a shard of `seer bench retrain` exit
    /// 75 that way. Six threads, each with its own connection, open twenty new registries at once.
    @Test func shardsCreatingOneSQLiteRegistryAtOnceAllOpenIt() throws {
        for _ in 0..<20 {
            let directory = try RegistryFixtures.folder()
            let failures = Locked<[String]>([])
            let start = DispatchSemaphore(value: 0), done = DispatchGroup()
            for _ in 0..<6 {
                done.enter()
                Thread.detachNewThread {
                    start.wait()
                    do {
                        let registry = try ModelRegistry(location: directory)
                        _ = try registry.nextVersion(of: "k")
                    } catch { failures.withLock { $0.append("\(error)") } }
                    done.leave()
                }
            }
            for _ in 0..<6 { start.signal() }
            done.wait()
            #expect(failures.withLock { $0 } == [])
            let registry = try ModelRegistry(location: directory)
            #expect(try registry.nextVersion(of: "k") == 7)
        }
    }

    /// Four connections migrate a new PostgreSQL registry at once: one migrates, the others find it current.
    @Test func concurrentMigrationsOnPostgres() async throws {
        guard let url = try PostgresFixture.freshDatabase() else { return }
        let store = try RegistryFixtures.folder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try ModelRegistry(location: url, store: store) } }
            try await group.waitForAll()
        }
        let connection = try PostgresConnection(url: url)
        #expect(try connection.query("SELECT value FROM meta WHERE name = 'schema_version'", []).map { $0[0].text } == [String(RegistrySchema.current)])
        #expect(try connection.query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'work'", [])[0][0].int == 1)
    }

    @Test func postgresErrorsNameTheServerNotThePassword() throws {
        let error = #expect(throws: DataError.self) { try ModelRegistry(location: "postgres://seer:hunter2@127.0.0.1:1/x", store: "/tmp") }
        #expect(error?.kind == .unavailable && error?.message.contains("cannot connect") == true)
        #expect(error?.location?.file == "postgres://seer:***@127.0.0.1:1/x")
        #expect(throws: DataError.self) { try ModelRegistry(location: "postgres://127.0.0.1:1/x") }
    }

    /// A backend terminated under a live connection (a restart, a failover) is I/O, exit 74, not
    /// "other" (exit 1) — whether libpq got the server's FATAL 57P01 or only a closed socket.
    @Test func aPostgresConnectionWhoseServerGoesAwayFailsAsIO() throws {
        #expect(PostgresConnection.kind(sqlState: "", connectionLost: true) == .io)  // "server closed the connection unexpectedly"
        #expect(PostgresConnection.kind(sqlState: "57P01", connectionLost: false) == .io)  // admin shutdown
        #expect(PostgresConnection.kind(sqlState: "08006", connectionLost: false) == .io)
        #expect(PostgresConnection.kind(sqlState: "40001", connectionLost: false) == .temporary)
        #expect(PostgresConnection.kind(sqlState: "42601", connectionLost: false) == .other)  // a syntax error stays a bug
        guard let url = try PostgresFixture.freshDatabase(), let admin = PostgresFixture.adminURL else { return }
        let doomed = try PostgresConnection(url: url)
        let pid = try #require(try doomed.query("SELECT pg_backend_pid()", []).first?.first?.int)
        _ = try PostgresConnection(url: admin).query("SELECT pg_terminate_backend(\(pid))", [])
        let error = #expect(throws: DataError.self) { try doomed.query("SELECT 1", []) }
        #expect(error?.kind == .io, "\(String(describing: error))")
    }

    @Test func shardsSplitKeysExactlyOnce() throws {
        let keys = (0..<500).map { "series-\($0)" }
        let shards = try (0..<4).map { try Shard(index: $0, count: 4) }
        for key in keys { #expect(shards.filter { $0.owns(key) }.count == 1) }
        #expect(shards.allSatisfy { s in keys.filter(s.owns).count > 80 })
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        #expect(throws: DataError.self) { try Shard(parsing: "4/4") }
        #expect(throws: DataError.self) { try Shard(parsing: "x") }
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "1", "JOB_COMPLETIONS": "3"]) == Shard(index: 1, count: 3))
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"]) == Shard(index: 3, count: 4))
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "4"])
                == Shard(index: 2, count: 4))
        #expect(throws: DataError.self) { try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "4"]) }
        #expect(throws: DataError.self) { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "x", "JOB_COMPLETIONS": "4"]) }
        #expect(try Shard.fromEnvironment([:]) == nil)
    }
}
