// `seer bench ingest`: CSV ingestion speed and memory beside pandas.read_csv, each reader in a
// fresh process (`ingest-child`).
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct IngestBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "CSV ingestion: rows/s, MB/s and peak memory on a large numeric CSV, beside pandas.read_csv.")

    @Option(help: "ETT-layout CSV whose rows are repeated to build the test file.")
    var source: String = IngestBenchCommand.defaultSource()

    @Option(help: "Size of the generated CSV in MB.")
    var sizeMb = 200

    @Option(help: "Timed runs per reader (the median is reported).")
    var runs = 3

    @Flag(help: "Skip the pandas comparison.")
    var noPandas = false

    @Option(help: "Use this existing CSV instead of generating one.")
    var file: String?

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    static func defaultSource() -> String {
        for candidate in ["../shared/data/ett/ETTh1.csv", "shared/data/ett/ETTh1.csv", "data/ETTh1-head.csv"]
        where FileManager.default.fileExists(atPath: candidate) { return candidate }
        return "../shared/data/ett/ETTh1.csv"
    }

    func run() throws {
        try reportingErrors {
            let benchmark = IngestBenchmark(source: source, sizeMB: sizeMb, runs: max(1, runs),
                                            pandas: !noPandas, existingFile: file, log: !json)
            let result = try benchmark.run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}

/// Internal: loads one CSV in a fresh process and prints timing and peak-memory figures as JSON,
/// so each measurement starts from an empty heap.
struct IngestChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest-child", shouldDisplay: false)

    @Argument var file: String

    @Option var threads: Int?

    func run() throws {
        try reportingErrors { try printJSON(try IngestMeasurement.measure(file, threads: threads)) }
    }
}
