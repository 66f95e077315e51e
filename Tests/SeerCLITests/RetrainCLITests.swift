// `seer retrain` and `seer models` end to end, as the nightly job runs them: the exit codes, the
// JSON summary, four shard processes at once on one registry with every key done exactly once,
// and 100 runs killed with SIGKILL at random points, after each of which every champion still
// loads and predicts and a rerun finishes the batch without redoing a finished key.
import Foundation
import Testing
import SeerBase
import SeerData
@testable import SeerRegistry

@Suite struct RetrainCLITests {
    /// A job folder: `series` seasonal series in data.csv, job.yaml over them, registry `reg`.
    static func job(series: Int, model: String = "naive", length: Int = 60) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seer-retrain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var csv = "unique_id,ds,y\n"
        for s in 0..<series {
            for t in 0..<length { csv += "k\(s),\(t),\(String(format: "%.3f", 5 + Double(s) + 2 * sin(Double(t) * 0.52) + 0.01 * Double(t)))\n" }
        }
        try csv.write(toFile: dir + "/data.csv", atomically: true, encoding: .utf8)
        try "job: cli-job\nregistry: reg\nsources:\n  - csv: data.csv\nmodel: \(model)\nhorizon: 6\nseason: 12\nmax_steps: 30\n"
            .write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    /// Starts `seer` with extra environment variables (not waiting).
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func finish(_ started: (Process, Pipe, Pipe)) -> CLITests.Run {
        let stdout = started.1.fileHandleForReading.readDataToEndOfFile(), stderr = started.2.fileHandleForReading.readDataToEndOfFile()
        started.0.waitUntilExit()
        return CLITests.Run(status: started.0.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Every alias of every key points at a ready version whose files match their checksum, and
    /// every champion loads and forecasts finite values.
    static func checkConsistent(_ registry: ModelRegistry) throws {
        for key in try registry.keys() {
            for (alias, number) in try registry.aliases(of: key) {
                let version = try #require(try registry.version(number, of: key), "\(key) \(alias) → v\(number) has no row")
                #expect(version.status == "ready")
                try registry.verify(version)
            }
            if let champion = try registry.champion(of: key) {
                let forecast = try registry.loadForecaster(champion).predict([(0..<40).map { Float($0 % 12) }])
                #expect(forecast[0].count == 6 && forecast[0].allSatisfy(\.isFinite))
            }
        }
    }

    @Test func retrainThenSteerTheRegistry() throws {
        let dir = try Self.job(series: 3, model: "rlinear")
        let first = try CLITests.seer(["retrain", dir + "/job.yaml", "--json", "--batch", "n1"])
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(summary["promoted"] as? Int == 3 && summary["failed"] as? Int == 0)
        #expect(first.stderr.contains("[1/3] k0 v1 promoted: mase"))
        #expect(try CLITests.seer(["retrain", dir + "/job.yaml", "--batch", "n2", "--quiet"]).status == 0)
        let list = try CLITests.seer(["models", "list", "--registry", dir + "/reg"])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 4, "\(list.stdout)")
        let rollback = try CLITests.seer(["models", "rollback", "k1", "--registry", dir + "/reg"])
        #expect(rollback.status == 0 && rollback.stdout == "k1: champion is now v1\n", "\(rollback.stderr)")
        let promote = try CLITests.seer(["models", "promote", "k1", "v2", "--registry", dir + "/reg"])
        #expect(promote.stdout == "k1: champion is now v2\n")
        let show = try CLITests.seer(["models", "show", "k1", "--registry", dir + "/reg"])
        #expect(show.stdout.contains("v2       challenger,champion  ready"), "\(show.stdout)")
        // The morning: every champion forecasts into one table; one key's champion from the registry.
        let morning = try CLITests.seer(["predict", "--job", dir + "/job.yaml", "--out-sqlite", dir + "/fc.db", "--out-table", "fc"])
        #expect(morning.status == 0 && morning.stderr.contains("3 champions forecast, 0 failed"), "\(morning.stderr)")
        let rows = try SQLiteSeriesReader.read(dir + "/fc.db", from: .query(sql: "SELECT count(*) AS n, max(step) AS s, sum(version) AS v FROM fc", parameters: []),
                                               options: SQLiteReadOptions(timeColumn: "none"))
        #expect(rows.series.first?.columns.map { $0.values.first } == [18, 6, 36], "3 keys × 6 steps, each from its champion v2 (k1 rolled back, then promoted again)")
        let one = try CLITests.seer(["predict", "--registry", dir + "/reg", "--key", "k0", dir + "/data.csv"])
        #expect(one.status == 0 && one.stderr.contains("loaded from version 2 of 'k0'"), "\(one.stderr)")
        // `seer forecast --registry R --key K`: the same champion, the same forecast, no training.
        let viaForecast = try CLITests.seer(["forecast", "--registry", dir + "/reg", "--key", "k0", "--horizon", "6", dir + "/data.csv"])
        #expect(viaForecast.status == 0 && viaForecast.stdout == one.stdout && viaForecast.stderr.contains("loaded from version 2 of 'k0'"),
                "\(viaForecast.stderr)")
        let longer = try CLITests.seer(["forecast", "--registry", dir + "/reg", "--key", "k0", "--horizon", "7", dir + "/data.csv"])
        #expect(longer.status == 64 && longer.stderr.contains("forecasts 6 steps; give --horizon 6"), "\(longer.stderr)")
        #expect(try CLITests.seer(["forecast", "--registry", dir + "/reg", "--key", "k0", "--horizon", "6", "--model", "nt", dir + "/data.csv"]).status == 64)
        #expect(try CLITests.seer(["forecast", "--key", "k0", "--horizon", "6", dir + "/data.csv"]).status == 64)
        let gc = try CLITests.seer(["models", "gc", "--keep", "0", "--registry", dir + "/reg"])
        #expect(gc.status == 0 && gc.stdout.hasPrefix("deleted "), "\(gc.stderr)")
        #expect(try CLITests.seer(["models", "show", "nope", "--registry", dir + "/reg"]).status == 66)
        #expect(try CLITests.seer(["models", "promote", "k1", "v9", "--registry", dir + "/reg"]).status == 66)
    }

    @Test func failuresAndBadJobs() throws {
        let dir = try Self.job(series: 2)
        try "unique_id,ds,y\nshort,0,1\nshort,1,2\nshort,2,2\nshort,3,2\nshort,4,2\n".write(toFile: dir + "/data2.csv", atomically: true, encoding: .utf8)
        try String(contentsOfFile: dir + "/job.yaml", encoding: .utf8).replacingOccurrences(of: "csv: data.csv", with: "csv: \"data*.csv\"")
            .write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["retrain", dir + "/job.yaml"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("short failed: ") && run.stderr.contains("has 5 steps") && run.stderr.contains("3 keys") && run.stderr.contains("1 failed"))
        try "job: j\nsources: []\nmodel: naive\nhorizon: 3\nregistry: r\nhorizn: 4\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try CLITests.seer(["retrain", dir + "/bad.yaml"])
        #expect(bad.status == 65 && bad.stderr.contains("bad.yaml:6:1: the job: unknown key 'horizn'"), "\(bad.stderr)")
        try "job: j\nsources:\n  - csv: none*.csv\nmodel: naive\nhorizon: 3\nregistry: r\n".write(toFile: dir + "/none.yaml", atomically: true, encoding: .utf8)
        let none = try CLITests.seer(["retrain", dir + "/none.yaml"])
        #expect(none.status == 66 && none.stderr.contains("no file matches"), "\(none.stderr)")
        // A query that fails: a clear message, the run recorded as failed, nothing registered.
        try "job: q\nregistry: rq\nsources:\n  - sqlite: w.db\n    query: SELECT nope FROM missing\nmodel: naive\nhorizon: 3\n"
            .write(toFile: dir + "/q.yaml", atomically: true, encoding: .utf8)
        _ = try SQLiteSeriesWriter.write(try TimeSeries(id: "a", time: .index(count: 1), columns: [SeriesColumn(name: "y", values: [1])], source: "t"),
                                         to: dir + "/w.db", table: "t")
        let query = try CLITests.seer(["retrain", dir + "/q.yaml"])
        #expect(query.status == 64 && query.stderr.contains("w.db:query: cannot prepare the SQL: no such table: missing"), "\(query.stderr)")
        let failedRun = try #require(try ModelRegistry(location: dir + "/rq").runs().first)
        #expect(failedRun.status == "failed" && failedRun.error?.contains("no such table") == true)
        #expect(try ModelRegistry(location: dir + "/rq").keys().isEmpty)
    }

    /// Four processes at once on one SQLite registry, sharded and then all competing for every key.
    @Test func fourProcessesDoEveryKeyExactlyOnce() throws {
        let dir = try Self.job(series: 24)
        for (batch, shards) in [("sharded", true), ("competing", false)] {
            let started = try (0..<4).map { i in
                try Self.start(["retrain", dir + "/job.yaml", "--batch", batch, "--quiet", "--json"] + (shards ? ["--shard", "\(i)/4"] : []))
            }
            let runs = started.map(Self.finish)
            for run in runs { #expect(run.status == 0, "\(run.stderr)") }
            let promoted = try runs.map { run -> Int in
                let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
                return summary["promoted"] as? Int ?? -1
            }
            #expect(promoted.reduce(0, +) == 24, "\(batch): \(promoted)")
            let registry = try ModelRegistry(location: dir + "/reg")
            let work = try registry.work(job: "cli-job", batch: batch)
            #expect(work.count == 24 && work.allSatisfy { $0.state == "done" && $0.attempts == 1 })
            #expect(Set(work.compactMap(\.version)).count <= 2)
        }
        let registry = try ModelRegistry(location: dir + "/reg")
        for key in try registry.keys() { #expect(try registry.versions(of: key).count == 2, "\(key)") }
        try Self.checkConsistent(registry)
    }

    /// The same against one PostgreSQL registry (a database of its own on the test server).
    @Test func fourProcessesOnPostgres() throws {
        guard let admin = ProcessInfo.processInfo.environment["SEER_TEST_POSTGRES"], !admin.isEmpty, let slash = admin.lastIndex(of: "/") else {
            print("SEER_TEST_POSTGRES is not set (make test starts a server): skipping four processes on PostgreSQL")
            return
        }
        let name = "seer_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try PostgresConnection(url: admin).execute("CREATE DATABASE \(name)", [])
        let url = String(admin[..<slash]) + "/" + name
        let dir = try Self.job(series: 24)
        let started = try (0..<4).map { i in
            try Self.start(["retrain", dir + "/job.yaml", "--registry", url, "--model-store", dir + "/store", "--batch", "pg", "--quiet", "--shard", "\(i)/4"])
        }
        for run in started.map(Self.finish) { #expect(run.status == 0, "\(run.stderr)") }
        let registry = try ModelRegistry(location: url, store: dir + "/store")
        let work = try registry.work(job: "cli-job", batch: "pg")
        #expect(work.count == 24 && work.allSatisfy { $0.state == "done" && $0.attempts == 1 })
        #expect(try registry.runs(job: "cli-job").map(\.shard).sorted() == ["0/4", "1/4", "2/4", "3/4"])
        for key in try registry.keys() { #expect(try registry.versions(of: key).count == 1, "\(key)") }
        try Self.checkConsistent(registry)
        let list = try CLITests.seer(["models", "list", "--registry", url, "--model-store", dir + "/store"])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 25, "\(list.stderr)")
        // The morning, into a PostgreSQL table in one transaction.
        try String(contentsOfFile: dir + "/job.yaml", encoding: .utf8).replacingOccurrences(of: "registry: reg", with: "registry: \(url)\nmodel_store: store")
            .write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        let morning = try CLITests.seer(["predict", "--job", dir + "/job.yaml", "--out-postgres", url, "--out-postgres-table", "morning"])
        #expect(morning.status == 0 && morning.stderr.contains("24 champions forecast, 0 failed"), "\(morning.stderr)")
        #expect(try PostgresConnection(url: url).query("SELECT count(*), max(step) FROM morning", []).first?.map(\.int) == [144, 6])
    }

    /// The example program retrains two nights, reads the champion back and forecasts with it.
    @Test func theRegistryExampleRuns() throws {
        let run = try CLITests.run(CLITests.executable("seer-example-registry"), ["data/airline_passengers.csv"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("night-1: airline_passengers v1 promoted") || run.stdout.contains("night-1: value v1 promoted"), "\(run.stdout)")
        #expect(run.stdout.contains("night-2: ") && run.stdout.contains("champion of ") && run.stdout.contains("next 12 steps: "))
        let steps = run.stdout.split(separator: "\n").first { $0.hasPrefix("next 12 steps: ") }?.split(separator: " ").dropFirst(3)
        #expect(steps?.count == 12 && steps?.allSatisfy { Double($0) != nil } == true)
    }

    /// `seer bench retrain` on a few short series: every key done, the same figures in the table and the JSON.
    @Test func benchRetrainReportsEveryKey() throws {
        let run = try CLITests.seer(["bench", "retrain", "--series", "6", "--length", "200", "--models", "naive", "--shards", "1,2", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["shards"] as? Int } == [1, 2])
        #expect(rows.allSatisfy { $0["keys"] as? Int == 6 && $0["failed"] as? Int == 0 && ($0["keysPerSecond"] as? Double ?? 0) > 0 })
        #expect(rows.allSatisfy { ($0["peakRSSMiB"] as? Double ?? 0) > 1 && ($0["registryMillisecondsPerKey"] as? Double ?? 0) > 0 })
        let table = try CLITests.seer(["bench", "retrain", "--series", "3", "--length", "200", "--models", "naive", "--shards", "1"])
        #expect(table.stdout.contains("registry ms/key") && table.stdout.contains("naive  sqlite         1     3       0"), "\(table.stdout)")
    }

    @Test func killedRunsLoseNothingAndRerunsFinishTheBatch() throws {
        let dir = try Self.job(series: 3)
        try (try String(contentsOfFile: dir + "/job.yaml", encoding: .utf8) + "lease_seconds: 0.1\n")
            .write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        let points = ["claimed", "trained", "versioned", "saved", "registering", "committed"]
        var generator = SeededGenerator(seed: 17)
        var killed = 0
        for trial in 0..<100 {
            let batch = "trial\(trial)"
            let registry = try ModelRegistry(location: dir + "/reg")
            let before = try registry.keys().reduce(into: [String: Int]()) { $0[$1] = try registry.versions(of: $1).count }
            let point = points[Int.random(in: 0..<points.count, using: &generator)], hit = Int.random(in: 1...3, using: &generator)
            let crashed = Self.finish(try Self.start(["retrain", dir + "/job.yaml", "--batch", batch, "--quiet"],
                                                     environment: ["SEER_CRASH_AT": "\(point):\(hit)"]))
            #expect(crashed.status == SIGKILL, "trial \(trial) at \(point):\(hit) exited \(crashed.status): \(crashed.stderr)")
            if crashed.status == SIGKILL { killed += 1 }
            try Self.checkConsistent(try ModelRegistry(location: dir + "/reg"))
            // The dead run's claim lapses after the job's lease (0.1 s here); the rerun takes it over.
            Thread.sleep(forTimeInterval: 0.15)
            let rerun = Self.finish(try Self.start(["retrain", dir + "/job.yaml", "--batch", batch, "--quiet"]))
            #expect(rerun.status == 0, "trial \(trial): \(rerun.stderr)")
            let after = try ModelRegistry(location: dir + "/reg")
            #expect(try after.work(job: "cli-job", batch: batch).allSatisfy { $0.state == "done" })
            for key in try after.keys() {
                #expect(try after.versions(of: key).count == (before[key] ?? 0) + 1, "trial \(trial) at \(point):\(hit): \(key)")
            }
            try Self.checkConsistent(after)
        }
        #expect(killed == 100)
    }
}
