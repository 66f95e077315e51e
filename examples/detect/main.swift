// An anomaly-detection program written against Seer's public API only (`import Seer`): score a
// metric point by point as a live stream would arrive (one `AnomalyDetector` per series, each
// point scored before it is learnt), print the alarms, then run the same job as `seer detect
// --fp-rate` does through the task layer.
//
//   swift run seer-example-detect [data/nab_rogue_agent_key_hold.csv]
import Foundation
import Seer

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "data/nab_rogue_agent_key_hold.csv"

do {
    // 1. The series: timestamps and values of the first value column.
    let series = try CSVLoader.load(path, options: CSVOptions(missing: .interpolate)).series[0]
    let values = series.columns[0].values.map(Double.init)
    let stamps = series.time.timestamps ?? []
    print("\(series.id): \(values.count) points")

    // 2. As a stream: 5-minute data has a daily cycle of 288 steps; alarms at a score of 0.5 or more.
    var detector = AnomalyDetector(model: .linear, season: 288)
    var alarms = 0
    for (i, value) in values.enumerated() {
        guard let point = detector.update(timestamp: stamps.isEmpty ? nil : stamps[i], value: value) else { continue }
        if point.score >= 0.5, i >= 282 {
            alarms += 1
            print("alarm at \(stamps.isEmpty ? String(i) : CivilTime.format(stamps[i])): score \(String(format: "%.3f", point.score))")
        }
    }
    print("\(alarms) alarm(s)")

    // 3. The task layer: the threshold that flags 0.2 % of the rows after the warm-up.
    let data = try ForecastData(series: [series], source: path)
    let result = try DetectRun(data: data, request: DetectRequest(model: .linear, threshold: .falsePositiveRate(0.002))).run()
    print(result.summary)
    if alarms == 0 { exit(1) }
} catch {
    FileHandle.standardError.write(Data("seer-example-detect: \(error)\n".utf8))
    exit(1)
}
