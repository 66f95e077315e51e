// `seer bench retrain`: the nightly job at scale — generated series (trend + daily season + noise,
// every fifth with a level shift), one model per series, retrained by 1 or n `seer retrain`
// processes at once on one registry (SQLite, and PostgreSQL when a server is given). Reports wall
// time, keys per second, the largest process's peak RSS and the registry's share per key.
import Foundation
import SeerBase
import SeerEval
import SeerRegistry

/// One configuration's figures.
public struct RetrainBenchRow: Codable, Sendable {
    public var model: String
    public var registry: String
    public var shards: Int
    public var keys: Int
    public var failed: Int
    public var wallSeconds: Double
    public var keysPerSecond: Double
    /// The largest peak RSS among the shard processes.
    public var peakRSSMiB: Double
    /// Time in registry calls per key, summed over the processes.
    public var registryMillisecondsPerKey: Double
}

public struct RetrainBenchResult: Codable, Sendable {
    public var series: Int, length: Int
    public var rows: [RetrainBenchRow]

    public var text: String {
        var table = TextTable(["model", "registry", "shards", "keys", "failed", "wall s", "keys/s", "peak RSS MiB", "registry ms/key"])
        for r in rows {
            table.add([r.model, r.registry, String(r.shards), String(r.keys), String(r.failed), String(format: "%.1f", r.wallSeconds),
                       String(format: "%.1f", r.keysPerSecond), String(format: "%.0f", r.peakRSSMiB), String(format: "%.2f", r.registryMillisecondsPerKey)])
        }
        return "seer retrain at scale: series of \(length) hourly points (trend + daily season + noise, every fifth with a level shift), "
            + "horizon 24, one model per series; 2 cores\n" + table.render()
    }
}

public struct RetrainBenchmark {
    public var series = 1_000, length = 4_000
    public var models = ["rlinear", "nt"]
    /// Series for the nets (far slower per key than the linear model).
    public var netSeries = 40
    public var shards = [1, 4]
    /// A PostgreSQL URL whose user may create databases; nil: SQLite only.
    public var postgres: String?
    public var progress: ((String) -> Void)?

    public init() {}

    /// `count` series as a long CSV (`unique_id,ds,y`, hourly from 2024-01-01).
    static func csv(series count: Int, length: Int) -> String {
        var generator = SeededGenerator(seed: 2026)
        var text = "unique_id,ds,y\n"
        text.reserveCapacity(count * length * 32)
        let start = 1_704_067_200
        for s in 0..<count {
            let level = Double.random(in: 10...100, using: &generator), trend = Double.random(in: -0.002...0.004, using: &generator)
            let amplitude = Double.random(in: 1...10, using: &generator), noise = Double.random(in: 0.2...2, using: &generator)
            let shiftAt = s % 5 == 0 ? Int.random(in: length / 2..<(length - length / 10), using: &generator) : Int.max
            let shift = Double.random(in: -20...20, using: &generator)
            for t in 0..<length {
                let season: Double = amplitude * sin(2 * Double.pi * Double(t) / 24)
                let jitter: Double = noise * Double(generator.normal())
                let y: Double = level + trend * Double(t) + season + jitter + (t >= shiftAt ? shift : 0)
                text += "s\(s),\(start + 3_600 * t),\(String(format: "%.3f", y))\n"
            }
        }
        return text
    }

    public func run() throws -> RetrainBenchResult {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("seer-bench-retrain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var rows: [RetrainBenchRow] = []
        for model in models {
            let count = model.hasSuffix("linear") || model == "naive" ? series : min(series, netSeries)
            let data = root + "/\(model)-data.csv"
            try Self.csv(series: count, length: length).write(toFile: data, atomically: true, encoding: .utf8)
            for registry in ["sqlite"] + (postgres == nil ? [] : ["postgres"]) {
                for n in shards {
                    let name = "\(model)_\(registry)_\(n)"
                    let location = registry == "sqlite" ? root + "/" + name
                        : try ModelRegistry.createPostgresDatabase(named: "seer_bench_\(name)_\(UInt32.random(in: 0...UInt32.max))", adminURL: postgres!)
                    let job = root + "/\(name).yaml"
                    try "job: bench\nsources:\n  - csv: \(data)\nmodel: \(model)\nhorizon: 24\nseason: 24\n".write(toFile: job, atomically: true, encoding: .utf8)
                    progress?("\(model), \(registry), \(n) shard(s): \(count) keys")
                    rows.append(try measure(model: model, registry: registry, location: location, store: root + "/\(name)-models", job: job, shards: n))
                }
            }
        }
        return RetrainBenchResult(series: series, length: length, rows: rows)
    }

    /// `shards` retrain processes at once on one registry.
    func measure(model: String, registry: String, location: String, store: String, job: String, shards: Int) throws -> RetrainBenchRow {
        let began = monotonicSeconds()
        let processes = try (0..<shards).map { i -> (Process, Pipe, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: currentExecutablePath())
            process.arguments = ["retrain", job, "--registry", location, "--model-store", store, "--shard", "\(i)/\(shards)", "--json", "--quiet", "--batch", "bench"]
            let out = Pipe()
            process.standardOutput = out
            // A file, not a pipe: nobody reads it while the children run, and a full pipe would stall them.
            let errors = store + "-shard\(i)-of-\(shards).stderr"
            _ = FileManager.default.createFile(atPath: errors, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errors)
            try process.run()
            return (process, out, errors)
        }
        var keys = 0, failed = 0, registrySeconds = 0.0, peak = 0.0
        for (process, out, errors) in processes {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if data.isEmpty {
                let said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
                throw DataError(.other, "a retrain shard exited with status \(process.terminationStatus) and no summary: \(said.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            let summary = try JSONValue(parsing: Array(data), source: "seer retrain --json")
            keys += summary["keys"]?.intValue ?? 0
            failed += summary["failed"]?.intValue ?? 0
            registrySeconds += summary["registry_seconds"]?.doubleValue ?? 0
            peak = max(peak, (summary["peak_rss_bytes"]?.doubleValue ?? 0) / 1_048_576)
        }
        let wall = monotonicSeconds() - began
        return RetrainBenchRow(model: model, registry: registry, shards: shards, keys: keys, failed: failed, wallSeconds: wall,
                               keysPerSecond: Double(keys) / wall, peakRSSMiB: peak, registryMillisecondsPerKey: 1000 * registrySeconds / Double(max(1, keys)))
    }
}
