// The pictures of a detection: per series, the values with the label windows shaded and a red
// tick at every labelled row, above the anomaly score with the threshold line; and a
// self-contained HTML report holding them beside the confusion tables and heatmap.
import Foundation
import SeerData
import SeerEval

public enum DetectFigures {
    /// Series drawn at most (a report of 1,000 series would help nobody).
    public static let maxPanels = 8
    static let windowColor = "#2ca02c"

    /// Values and scores of each series, stacked.
    public static func plot(_ result: DetectResult, data: ForecastData, labels: AnomalyLabels?, input: String?) -> String {
        var plots: [LinePlot] = []
        for (s, sequence) in data.sequences.enumerated().prefix(maxPanels) {
            let rows = result.rows[result.series[s].rows]
            let x = ForecastFigures.xs(data, s, steps: sequence.values.indices)
            let values = sequence.values.map(Double.init)
            let low = values.min() ?? 0, high = values.max() ?? 1
            var top = ForecastFigures.panel(data, s, title: "\(sequence.id): values, label windows and detections")
            top.height = 260
            if let stamps = sequence.timestamps, let windows = labels?.windows(series: sequence.id, input: input), !windows.isEmpty {
                let inside = stamps.map { t in windows.contains { $0.contains(t) } }
                top.bands.append(LinePlot.Band(name: "label windows", color: windowColor, opacity: 0.2, x: x,
                                               lower: inside.map { $0 ? low : .nan }, upper: inside.map { $0 ? high : .nan }))
            }
            top.series.append(LinePlot.Series(name: "value", color: LinePlot.truthColor, x: x, y: values, width: 1))
            // Each detection a vertical red tick over the value range.
            var tickX: [Double] = [], tickY: [Double] = []
            for (i, row) in rows.enumerated() where row.label == 1 { tickX += [x[i], x[i], x[i]]; tickY += [low, high, .nan] }
            if !tickX.isEmpty { top.series.append(LinePlot.Series(name: "detections", color: LinePlot.predictionColor, x: tickX, y: tickY, width: 1.5)) }
            var bottom = ForecastFigures.panel(data, s, title: "\(sequence.id): anomaly score (\(result.model))")
            bottom.series = [
                LinePlot.Series(name: "score", color: "#555555", x: x, y: rows.map(\.anomalyScore), width: 1),
                LinePlot.Series(name: String(format: "threshold %.3g", result.threshold), color: LinePlot.predictionColor,
                                x: [x.first ?? 0, x.last ?? 1], y: [result.threshold, result.threshold], width: 1),
            ]
            bottom.height = 160
            plots += [top, bottom]
        }
        return LinePlot.stacked(plots)
    }

    /// The whole detection as one HTML page.
    public static func report(_ result: DetectResult, data: ForecastData, request: DetectRequest, labels: AnomalyLabels?,
                              confusion: DetectionConfusion?, input: String?) -> String {
        var sections = [
            HTMLReport.Section("Detection", [.keyValues([
                ("input", input ?? "(input)"), ("series", String(data.sequences.count)), ("rows", String(result.rows.count)),
                ("detector", "\(result.model): \(request.model.summary)"),
                ("threshold", String(format: "%.4g", result.threshold)),
                ("anomalous rows", String(result.anomalies.values.reduce(0, +))),
            ])]),
        ]
        if let confusion {
            sections.append(HTMLReport.Section("Against the labels (\((labels?.path).map { ($0 as NSString).lastPathComponent } ?? "labels"))", [
                .table(header: DetectionConfusion.header, rows: confusion.rows),
                .figure(svg: confusion.pointwise.heatmapSVG(title: "Point-wise confusion (rows after the warm-up)"),
                        caption: "Rows: the truth (inside a label window or not); columns: the detector's label."),
            ]))
        }
        let shown = min(data.sequences.count, maxPanels)
        sections.append(HTMLReport.Section("Series", [
            .figure(svg: plot(result, data: data, labels: labels, input: input),
                    caption: "Values with label windows (green) and detections (red ticks); below each, the score and the threshold."
                        + (shown < data.sequences.count ? " The first \(shown) of \(data.sequences.count) series." : "")),
        ]))
        return HTMLReport(title: "Anomaly detection: \(input.map { ($0 as NSString).lastPathComponent } ?? "input")", sections: sections).html()
    }
}
