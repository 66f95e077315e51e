// How a detection compares with known anomalies: labels in NAB's JSON (a file key → label windows
// `[[start, end], …]` as in combined_windows.json, or anomaly timestamps as in
// combined_labels.json, each then a one-row window), matched to the scored series, and counted
// two ways, each said by name — point-wise (every row after the warm-up is a case: inside a
// window or not, labelled or not) and event-wise (a window is found when any row in it is
// labelled; each run of labelled rows outside every window is one false alarm; there are no
// true-negative events).
import Foundation
import SeerBase
import SeerData
import SeerEval

/// Known anomalies per file or series key.
public struct AnomalyLabels: Sendable {
    public init(windows: [String: [ClosedRange<Int64>]], path: String) {
        self.windows = windows
        self.path = path
    }

    /// Key → windows in epoch seconds, both ends included.
    public var windows: [String: [ClosedRange<Int64>]]
    public var path: String

    /// Reads NAB-style label JSON.
    public static func load(_ path: String) throws(DataError) -> AnomalyLabels {
        let json = try JSONValue(parsing: try DurableFiles.readFile(path), source: path)
        guard let object = json.objectValue else { throw DataError.bad("expected an object of file keys, got \(json)", file: path) }
        var windows: [String: [ClosedRange<Int64>]] = [:]
        for (key, entry) in object {
            guard let list = entry.arrayValue else { throw DataError.bad("labels of \(key) are not a list", file: path) }
            windows[key] = try list.map { item throws(DataError) -> ClosedRange<Int64> in
                func time(_ value: JSONValue?) throws(DataError) -> Int64 {
                    guard let text = value?.stringValue, let t = TimestampParser.parse(text) else {
                        throw DataError.bad("labels of \(key): \(value.map { "\($0)" } ?? "nothing") is not a timestamp", file: path)
                    }
                    return t
                }
                if let pair = item.arrayValue {
                    guard pair.count == 2 else { throw DataError.bad("a window of \(key) has \(pair.count) ends, not 2", file: path) }
                    let start = try time(pair[0]), end = try time(pair[1])
                    guard start <= end else { throw DataError.bad("a window of \(key) ends before it starts", file: path) }
                    return start...end
                }
                let t = try time(item)
                return t...t
            }
        }
        return AnomalyLabels(windows: windows, path: path)
    }

    /// The windows of series `id` read from `input`: the key naming it (`id`, or a path ending in
    /// `id`.csv or in the input's path), or the only key there is.
    public func windows(series id: String, input: String?) -> [ClosedRange<Int64>]? {
        if let exact = windows[id] { return exact }
        let name = input.map { ($0 as NSString).lastPathComponent } ?? ""
        for (key, value) in windows {
            let base = (key as NSString).lastPathComponent
            if base == id + ".csv" || (!name.isEmpty && base == name && input!.hasSuffix(key)) || (!name.isEmpty && base == name && windows.count == 1) { return value }
        }
        return windows.count == 1 ? windows.first!.value : nil
    }
}

/// Event counts: windows found or missed, false alarms.
public struct EventCounts: Sendable, Codable, Equatable {
    public var truePositives = 0, falsePositives = 0, falseNegatives = 0
    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }
    public var precision: Double? { truePositives + falsePositives > 0 ? Double(truePositives) / Double(truePositives + falsePositives) : nil }
    public var recall: Double? { truePositives + falseNegatives > 0 ? Double(truePositives) / Double(truePositives + falseNegatives) : nil }
    public var f1: Double? {
        guard let p = precision, let r = recall else { return nil }
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
}

/// A detection against its labels.
public struct DetectionConfusion: Sendable, Codable {
    /// Classes `normal`, `anomaly`; rows after each series' warm-up.
    public var pointwise = ConfusionMatrix(classes: ["normal", "anomaly"])
    public var eventwise = EventCounts()
    /// Series compared, and those the labels do not name.
    public var series: [String] = []
    public var unlabelled: [String] = []
    /// Windows that lie wholly in a warm-up (not counted).
    public var windowsInWarmup = 0

    /// Compares `result` (from `data`, read from `input`) with `labels`; `warmup(n)` is the
    /// warm-up of a series of n rows.
    public static func evaluate(_ result: DetectResult, data: ForecastData, labels: AnomalyLabels, input: String?,
                                warmup: (Int) -> Int) throws(DataError) -> DetectionConfusion {
        var confusion = DetectionConfusion()
        for (s, sequence) in data.sequences.enumerated() {
            guard let windows = labels.windows(series: sequence.id, input: input) else {
                confusion.unlabelled.append(sequence.id)
                continue
            }
            guard let stamps = sequence.timestamps else {
                throw DataError.bad("series \(sequence.id) has no timestamps to place its label windows on", file: labels.path)
            }
            confusion.series.append(sequence.id)
            let part = result.series[s].rows
            let flagged = result.rows[part].map { $0.label == 1 }
            let start = min(warmup(stamps.count), stamps.count)
            // The window (if any) each row lies in.
            var inWindow = [Int?](repeating: nil, count: stamps.count)
            for (w, window) in windows.enumerated() { for i in stamps.indices where window.contains(stamps[i]) { inWindow[i] = w } }
            for i in start..<stamps.count {
                confusion.pointwise.add(truth: inWindow[i] != nil ? 1 : 0, predicted: flagged[i] ? 1 : 0)
            }
            for w in windows.indices {
                let rows = stamps.indices.filter { inWindow[$0] == w }
                if !rows.isEmpty && rows.allSatisfy({ $0 < start }) { confusion.windowsInWarmup += 1; continue }
                if rows.contains(where: { $0 >= start && flagged[$0] }) { confusion.eventwise.truePositives += 1 } else { confusion.eventwise.falseNegatives += 1 }
            }
            var inRun = false
            for i in start..<stamps.count {
                let falseAlarm = flagged[i] && inWindow[i] == nil
                if falseAlarm && !inRun { confusion.eventwise.falsePositives += 1 }
                inRun = falseAlarm
            }
        }
        guard !confusion.series.isEmpty else {
            throw DataError.bad("the labels name none of the series scored (\(data.sequences.map(\.id).joined(separator: ", "))); "
                                + "keys are \(labels.windows.keys.sorted().prefix(5).joined(separator: ", "))", file: labels.path)
        }
        return confusion
    }

    static func format(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }

    /// The table's header and its two rows, one per way of counting (the text and the report's table).
    public static let header = ["counted", "TP", "FP", "FN", "TN", "precision", "recall", "F1"]
    public var rows: [[String]] {
        let m = pointwise.counts
        return [["point-wise (rows after the warm-up)", String(m[1][1]), String(m[0][1]), String(m[1][0]), String(m[0][0]),
                 Self.format(pointwise.precision(1)), Self.format(pointwise.recall(1)), Self.format(pointwise.f1(1))],
                ["event-wise (windows; runs of false alarms)", String(eventwise.truePositives), String(eventwise.falsePositives),
                 String(eventwise.falseNegatives), "–", Self.format(eventwise.precision), Self.format(eventwise.recall), Self.format(eventwise.f1)]]
    }

    /// The aligned table and its notes.
    public var text: String {
        var table = TextTable(Self.header)
        for row in rows { table.add(row) }
        var notes: [String] = []
        if windowsInWarmup > 0 { notes.append("\(windowsInWarmup) window\(windowsInWarmup == 1 ? "" : "s") wholly in the warm-up not counted") }
        if !unlabelled.isEmpty { notes.append("no labels for \(unlabelled.joined(separator: ", "))") }
        return table.render() + notes.map { "(\($0))\n" }.joined()
    }

    /// `counted,tp,fp,fn,tn,precision,recall,f1` (empty where undefined).
    public var csv: String {
        func cell(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        let m = pointwise.counts
        return "counted,tp,fp,fn,tn,precision,recall,f1\n"
            + "point-wise,\(m[1][1]),\(m[0][1]),\(m[1][0]),\(m[0][0]),\(cell(pointwise.precision(1))),\(cell(pointwise.recall(1))),\(cell(pointwise.f1(1)))\n"
            + "event-wise,\(eventwise.truePositives),\(eventwise.falsePositives),\(eventwise.falseNegatives),,\(cell(eventwise.precision)),\(cell(eventwise.recall)),\(cell(eventwise.f1))\n"
    }
}
