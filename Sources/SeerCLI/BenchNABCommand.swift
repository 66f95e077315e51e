// `seer bench nab`: detectors over a NAB-layout corpus, a NAB results folder, and NAB's scoring
// with each profile's corpus-optimised threshold beside the published rows (BENCHMARKS.md §2).
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct NABBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nab",
        abstract: "Anomaly detectors on the Numenta Anomaly Benchmark (NAB's scoring, three profiles) beside the published scores.")

    @Option(help: "A NAB-layout corpus: <category>/<file>.csv and labels/combined_windows.json.")
    var data = "../shared/data/nab"

    @Option(help: "Detectors, comma-separated: \(NABDetector.allCases.map(\.rawValue).joined(separator: ", ")).")
    var detectors = NABDetector.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Write a NAB results folder here (<detector>/<category>/<detector>_<file>.csv).")
    var output: String?

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let chosen = try modelList(detectors, known: NABDetector.allCases.map(\.rawValue), option: "--detectors").map { NABDetector(rawValue: $0)! }
            let result = try NABBenchmark(directory: data, detectors: chosen, output: output).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
