// `seer bench retrain`: the nightly retraining job at scale (issue 17's benchmark) — wall time,
// keys/s, peak RSS and registry overhead per key, one shard and several, SQLite and PostgreSQL.
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct RetrainBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "seer retrain at scale: generated series, one model each, 1 and n shard processes on one registry.")

    @Option(help: "Series (one model each) for the linear models.")
    var series = 1_000

    @Option(help: "Points per series (hourly).")
    var length = 4_000

    @Option(help: "Models, comma-separated.")
    var models = "rlinear,nt"

    @Option(help: "Series for the nets (slower per key).")
    var netSeries = 40

    @Option(help: "Shard process counts, comma-separated.")
    var shards = "1,4"

    @Option(help: "A PostgreSQL URL whose user may create databases: also measure a PostgreSQL registry.")
    var postgres: String?

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            var bench = RetrainBenchmark()
            guard series >= 1, length >= 100, netSeries >= 1 else { throw DataError(.usage, "--series and --net-series must be ≥ 1, --length ≥ 100") }
            bench.series = series
            bench.length = length
            bench.netSeries = netSeries
            bench.models = try modelList(models, known: ModelFamily.allCases.map(\.rawValue), option: "--models")
            bench.shards = try numberList(shards, option: "--shards", minimum: 1)
            bench.postgres = postgres
            bench.progress = { FileHandle.standardError.write(Data(("bench retrain: " + $0 + "\n").utf8)) }
            let result = try bench.run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
