// A nightly-retraining program written against Seer's public API only (`import Seer`): a job over
// the airline series, two nights of `RetrainRun` against a fresh registry, the champion and its
// scores read back, a forecast from it, and a rollback.
//
//   swift run seer-example-registry [data/airline_passengers.csv]
import Foundation
import Seer

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "data/airline_passengers.csv"
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seer-example-registry-\(getpid())").path

do {
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    try """
        job: airline
        registry: registry
        sources:
          - csv: \(absolute)
        model: rlinear
        horizon: 12
        season: 12
        max_steps: 200
        accept: {metric: mase, tolerance: 0.02}
        """.write(toFile: folder + "/job.yaml", atomically: true, encoding: .utf8)

    // 1. Two nights: the first has no champion, so its challenger is promoted; the second is judged.
    let job = try RetrainJob.load(folder + "/job.yaml")
    let registry = try ModelRegistry(location: job.resolve(job.registry!))
    for night in ["night-1", "night-2"] {
        let summary = try RetrainRun(job: job, registry: registry, batch: night).run()
        for outcome in summary.outcomes { print("\(night): \(outcome.key) v\(outcome.version ?? 0) \(outcome.status.rawValue) — \(outcome.message)") }
    }

    // 2. The champion, its scores, and a forecast from the latest history.
    let key = try registry.keys()[0]
    let champion = try registry.champion(of: key)!
    print("champion of \(key): v\(champion.version), \(champion.metrics["metric"]?.stringValue ?? "?") \(champion.metrics["challenger"]?.doubleValue ?? .nan)")
    let history = try CSVLoader.load(path, options: CSVOptions()).series[0].columns[0].values
    let forecast = try registry.loadForecaster(champion).predict([history])[0]
    print("next 12 steps: " + forecast.map { String(format: "%.0f", $0) }.joined(separator: " "))

    // 3. Every version, and a rollback when there is an earlier champion.
    for version in try registry.versions(of: key) { print("v\(version.version) \(version.status) \(version.checksum.prefix(19))") }
    if let back = try? registry.rollback(key) { print("rolled back to v\(back)") }
} catch {
    print("seer-example-registry: \(error)")
    exit(1)
}
