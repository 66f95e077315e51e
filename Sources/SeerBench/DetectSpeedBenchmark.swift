// `seer bench detect`: how fast and how small the detectors are as an operator runs them — one
// long stream (points per second) and many streams at once (resident memory per series, and the
// bytes each series adds to a `--state` file). The streams are synthetic metrics with a daily
// cycle (5-minute steps), noise, spikes and level shifts, from a seeded generator, so every run
// scores the same points.
import Foundation
import SeerBase
import SeerEval
import SeerModels
import SeerTasks

public struct DetectSpeedFigures: Codable, Sendable {
    public var model: String
    public var points: Int
    public var seconds: Double
    public var pointsPerSecond: Double
}

public struct DetectMemoryFigures: Codable, Sendable {
    public var model: String
    public var streams: Int
    public var pointsPerStream: Int
    public var residentBytesPerSeries: Double
    public var stateBytesPerSeries: Double
    public var peakRSSBytes: Int
    /// Contexts the first series' CAD member holds at the end (ensemble only).
    public var contexts: Int?
    /// Points scored per second over all the streams (their states no longer fit a cache).
    public var pointsPerSecond: Double
}

public struct DetectBenchResult: Codable, Sendable {
    public var speed: [DetectSpeedFigures]
    public var memory: [DetectMemoryFigures]

    public var text: String {
        var speedTable = TextTable(["detector", "points", "seconds", "points/s"])
        for s in speed { speedTable.add([s.model, String(s.points), String(format: "%.2f", s.seconds), String(format: "%.0f", s.pointsPerSecond)]) }
        var memoryTable = TextTable(["detector", "streams", "points each", "points/s (all)", "RSS per series (KiB)", "state per series (KiB)", "peak RSS (MiB)", "contexts"])
        for m in memory {
            memoryTable.add([m.model, String(m.streams), String(m.pointsPerStream), String(format: "%.0f", m.pointsPerSecond), String(format: "%.1f", m.residentBytesPerSeries / 1024),
                             String(format: "%.1f", m.stateBytesPerSeries / 1024), String(format: "%.1f", Double(m.peakRSSBytes) / 1_048_576),
                             m.contexts.map(String.init) ?? "–"])
        }
        return "One stream (synthetic 5-minute metric with a daily cycle, noise, spikes and level shifts; target ≥ 20,000 points/s):\n"
            + speedTable.render(indent: "  ") + "\nMany streams at once (one detector per series, each detector in a fresh process; RSS growth ÷ streams):\n"
            + memoryTable.render(indent: "  ")
    }
}

public struct DetectSpeedBenchmark {
    public var points: Int
    public var streams: Int
    public var pointsPerStream: Int
    public var models: [DetectorModel]

    public init(points: Int, streams: Int, pointsPerStream: Int, models: [DetectorModel]) {
        self.points = points
        self.streams = streams
        self.pointsPerStream = pointsPerStream
        self.models = models
    }

    /// A synthetic metric: daily sine (288 steps), noise, a spike every ~3 days, a level shift every ~9.
    static func metric(_ count: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        var level = 50.0
        return (0..<count).map { i in
            if i > 0 && i % 2_600 == 0 { level += Double.random(in: -15...15, using: &random) }
            let spike = i % 863 == 431 ? 40.0 : 0
            return level + 10 * sin(Double(i) * 2 * .pi / 288) + Double.random(in: -2...2, using: &random) + spike
        }
    }

    public func run() throws -> DetectBenchResult {
        var speed: [DetectSpeedFigures] = []
        let values = Self.metric(points, seed: 7)
        for model in models {
            var detector = AnomalyDetector(model: model, season: 288)
            let began = monotonicSeconds()
            var checksum = 0.0
            for value in values { checksum += detector.update(value) }
            let seconds = monotonicSeconds() - began
            precondition(checksum.isFinite, "a score was not finite")
            speed.append(DetectSpeedFigures(model: model.rawValue, points: points, seconds: seconds, pointsPerSecond: Double(points) / seconds))
        }
        let memory = try models.map { model in
            let output = try runProcess(currentExecutablePath(), ["bench", "detect-child", "--model", model.rawValue, "--streams", String(streams),
                                                                  "--points-per-stream", String(pointsPerStream)])
            return try JSONDecoder().decode(DetectMemoryFigures.self, from: Data(output.utf8))
        }
        return DetectBenchResult(speed: speed, memory: memory)
    }
}

extension DetectSpeedBenchmark {
    /// Many streams in this process (`seer bench detect-child`, a fresh process per detector, so
    /// no model reuses memory another freed).
    public static func measureMemory(model: DetectorModel, streams: Int, pointsPerStream: Int) throws -> DetectMemoryFigures {
        let feed = metric(pointsPerStream, seed: 11)
        let before = residentBytes()
        var detectors = (0..<streams).map { _ in AnomalyDetector(model: model, season: 288) }
        let began = monotonicSeconds()
        for step in 0..<pointsPerStream { for s in detectors.indices { _ = detectors[s].update(feed[step] + Double(s % 10)) } }
        let seconds = monotonicSeconds() - began
        let grown = residentBytes() - before
        let state = try JSONEncoder().encode(detectors[0]).count
        return DetectMemoryFigures(model: model.rawValue, streams: streams, pointsPerStream: pointsPerStream,
                                   residentBytesPerSeries: Double(grown) / Double(streams), stateBytesPerSeries: Double(state),
                                   peakRSSBytes: peakRSSBytes(), contexts: detectors[0].contexts,
                                   pointsPerSecond: Double(streams * pointsPerStream) / seconds)
    }
}

/// The resident set size now, in bytes (/proc/self/statm; 0 where there is none).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
