// `seer bench detect`: points per second of one long stream and memory per series of many
// streams at once, for each detector.
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct DetectBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Anomaly detectors as a stream scorer: points/s on one stream, memory per series with many streams.")

    @Option(help: "Points in the single stream.")
    var points = 200_000

    @Option(help: "Streams scored at once for the memory figure.")
    var streams = 1_000

    @Option(help: "Points fed to each of the many streams.")
    var pointsPerStream = 2_000

    @Option(help: "Detectors, comma-separated (\(DetectorModel.allCases.map(\.rawValue).joined(separator: ", "))); nt, dijiang and auto train a net per stream on its first 750 points, so give them fewer --streams.")
    var models = DetectorModel.allCases.filter { !$0.trainsNet }.map(\.rawValue).joined(separator: ",")

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            guard points >= 1, streams >= 1, pointsPerStream >= 1 else { throw ValidationError("--points, --streams and --points-per-stream must be positive") }
            let chosen = try modelList(models, known: DetectorModel.allCases.map(\.rawValue), option: "--models").map { DetectorModel(rawValue: $0)! }
            let result = try DetectSpeedBenchmark(points: points, streams: streams, pointsPerStream: pointsPerStream, models: chosen).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}

/// Internal: many streams of one detector in a fresh process, printed as JSON.
struct DetectChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "detect-child", shouldDisplay: false)

    @Option var model: DetectorModel
    @Option var streams: Int
    @Option var pointsPerStream: Int

    func run() throws {
        try reportingErrors { try printJSON(try DetectSpeedBenchmark.measureMemory(model: model, streams: streams, pointsPerStream: pointsPerStream)) }
    }
}
