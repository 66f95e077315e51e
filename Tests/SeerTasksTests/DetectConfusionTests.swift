// Confusion of a detection against label windows, counted by hand: point-wise over the rows after
// the warm-up, event-wise per window and per run of false alarms; labels matched to series by
// key; the plot and report well formed and holding the counts.
import Foundation
import SeerBase
import SeerData
import SeerEval
@testable import SeerTasks
import Testing

struct DetectConfusionTests {
    /// 40 hourly rows; labels forced by a fixed result so the counts are known exactly.
    @Test func countsPointWiseAndEventWise() throws {
        let start: Int64 = 1_700_000_000
        let stamps = (0..<40).map { start + Int64($0) * 3_600 }
        let series = try TimeSeries(id: "cpu", time: .timestamps(stamps), columns: [SeriesColumn(name: "cpu", values: (0..<40).map { Float($0 % 5) })], source: "test")
        let data = try ForecastData(series: [series], source: "test")
        var result = try DetectRun(data: data, request: DetectRequest(model: .gaussian, threshold: .fixed(2), warmup: 10)).run()
        // Labelled rows: 12 (before window A), 20 and 21 (in A: rows 19…22), 30, 31, 33 (two runs
        // outside windows); window B (rows 35…37) is missed; window C (rows 2…4) lies in the warm-up.
        for i in [12, 20, 21, 30, 31, 33] { result.rows[i].label = 1 }
        let labels = AnomalyLabels(windows: ["data/cpu.csv": [stamps[19]...stamps[22], stamps[35]...stamps[37], stamps[2]...stamps[4]]], path: "labels.json")
        let confusion = try DetectionConfusion.evaluate(result, data: data, labels: labels, input: nil, warmup: { _ in 10 })
        // Point-wise over rows 10…39 (30 rows): in windows 19…22 and 35…37 (7 rows), 2 labelled.
        #expect(confusion.pointwise.counts == [[19, 4], [5, 2]], "\(confusion.pointwise.counts)")
        #expect(confusion.pointwise.total == 30)
        #expect(confusion.eventwise == EventCounts(truePositives: 1, falsePositives: 3, falseNegatives: 1))
        #expect(confusion.windowsInWarmup == 1 && confusion.series == ["cpu"])
        #expect(confusion.text.contains("point-wise (rows after the warm-up)") && confusion.text.contains("1 window wholly in the warm-up"))
        #expect(confusion.csv.contains("event-wise,1,3,1,,0.25,0.5,0.333333"), "\(confusion.csv)")

        let report = DetectFigures.report(result, data: data, request: DetectRequest(model: .gaussian), labels: labels, confusion: confusion, input: "data/cpu.csv")
        #expect(MarkupCheck.problem(in: report) == nil, "\(MarkupCheck.problem(in: report) ?? "")")
        #expect(report.contains("label windows") && report.contains(">19</text>") && report.contains("event-wise"))
        let plot = DetectFigures.plot(result, data: data, labels: labels, input: "data/cpu.csv")
        #expect(MarkupCheck.problem(in: plot) == nil && plot.contains("<title>detections</title>"))

        // Labels that name no series scored are an error naming the keys.
        let other = AnomalyLabels(windows: ["a.csv": [], "b.csv": []], path: "labels.json")
        #expect(throws: DataError.self) { try DetectionConfusion.evaluate(result, data: data, labels: other, input: nil, warmup: { _ in 10 }) }
    }
}
