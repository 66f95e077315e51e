// A detection job over loaded series: one `AnomalyDetector` per value column of every series
// (its daily cycle from the series' frequency), scores for every row, and the threshold that
// turns scores into labels — a fixed one, or the one that flags a target share of the rows after
// the warm-up (no labels needed) — with the CSV and JSON the CLI writes.
import Foundation
import SeerBase
import SeerData
import SeerEval

/// How scores become labels.
public enum DetectThreshold: Equatable, Sendable {
    /// Label 1 where the score is at least this.
    case fixed(Double)
    /// The threshold that flags this share of the scored rows (after each series' warm-up).
    case falsePositiveRate(Double)

    /// The model's own alarm level (`DetectorModel.alarmThreshold`): 0.5 for the likelihood
    /// detectors (L ≥ 1 − 10⁻⁵), the same tail probability for the windowed Gaussian.
    public static func standard(for model: DetectorModel) -> DetectThreshold { .fixed(model.alarmThreshold) }
}

/// What a user asks of a detection.
public struct DetectRequest: Equatable, Sendable {
    public var model: DetectorModel
    public var threshold: DetectThreshold
    /// Rows of each series learnt before any label can be 1 (nil: 15 % of the series, at most 750 — NAB's probation).
    public var warmup: Int?
    /// The daily cycle in steps (nil: from the data's frequency).
    public var season: Int?

    /// `threshold` nil: the model's own alarm level.
    public init(model: DetectorModel = .linear, threshold: DetectThreshold? = nil, warmup: Int? = nil, season: Int? = nil) {
        self.season = season
        self.model = model
        self.threshold = threshold ?? .standard(for: model)
        self.warmup = warmup
    }
}

/// Bad values for a detection.
public enum DetectError: SeerError, Equatable {
    /// A value that is NaN or infinite, at a series' row.
    case nonFinite(series: String, row: Int)
    /// A series no longer than the warm-up asked for: no row of it could be labelled.
    case shorterThanWarmup(series: String, rows: Int, warmup: Int)

    public var kind: FailureKind { .badInput }
    public var description: String {
        switch self {
        case .nonFinite(let series, let row):
            return "series \(series) has a missing or non-finite value at row \(row + 1); fill it first (interpolate or forward-fill)"
        case .shorterThanWarmup(let series, let rows, let warmup):
            return "series \(series) has \(rows) row\(rows == 1 ? "" : "s"), no more than the \(warmup)-row warm-up learnt before any label"
        }
    }
}

/// Every series' scores and labels.
public struct DetectResult: Encodable, Sendable {
    public struct Row: Codable, Sendable {
        public var uniqueId: String
        public var timestamp: String
        public var value: Float
        public var anomalyScore: Double
        public var label: Int

        enum CodingKeys: String, CodingKey { case uniqueId = "unique_id", timestamp, value, anomalyScore = "anomaly_score", label }
    }

    public var model: String
    public var threshold: Double
    public var rows: [Row]
    /// Rows labelled 1, per series id.
    public var anomalies: [String: Int]
    /// Each series' id, rows (a range of `rows`) and timestamps, for the SQLite writer.
    var series: [(id: String, rows: Range<Int>, timestamps: [Int64]?)] = []
    /// How timestamps are written (the input's format rule).
    var timestampFormat = TimestampFormat(dateOnly: false)

    enum CodingKeys: String, CodingKey { case model, threshold, anomalies, rows }

    /// Whether there is more than one series (then `unique_id` leads the CSV and the table).
    var manySeries: Bool { series.count > 1 }

    /// NAB's layout, `unique_id` first when there are several series.
    public var csv: String {
        var text = CSVWriter.line((manySeries ? ["unique_id"] : []) + ["timestamp", "value", "anomaly_score", "label"])
        for row in rows {
            text += CSVWriter.line((manySeries ? [row.uniqueId] : []) + [row.timestamp, "\(row.value)", String(format: "%.12g", row.anomalyScore), String(row.label)])
        }
        return text
    }

    /// Writes the rows into `table` of the SQLite database `path` (replacing the table) in one
    /// transaction: ds, value, anomaly_score, label, and unique_id for several series.
    public func writeSQLite(to path: String, table: String) throws {
        let collection = try SeriesCollection(series.map { part in
            let rows = self.rows[part.rows]
            return try TimeSeries(id: part.id, time: part.timestamps.map { .timestamps($0) } ?? .index(count: rows.count),
                                  columns: [SeriesColumn(name: "value", values: rows.map(\.value)),
                                            SeriesColumn(name: "anomaly_score", values: rows.map { Float($0.anomalyScore) }),
                                            SeriesColumn(name: "label", values: rows.map { Float($0.label) })],
                                  source: "detect")
        })
        try SQLiteSeriesWriter.write(collection, to: path, table: table, ifExists: .replace, writeIds: manySeries, timestampFormat: timestampFormat)
    }

    /// One line for stderr.
    public var summary: String {
        "detector \(model), threshold \(String(format: "%.4g", threshold)): "
            + anomalies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) anomalous row\($0.value == 1 ? "" : "s")" }.joined(separator: ", ")
    }
}

/// Scoring every series of `data` as `request` asks.
public struct DetectRun {
    public var data: ForecastData
    public var request: DetectRequest

    public init(data: ForecastData, request: DetectRequest) {
        self.data = data
        self.request = request
    }

    /// One line per series whose timestamps repeat or go back (they are scored in file order).
    public var orderWarnings: [String] { data.orderWarnings("scored in file order") }

    /// Rows of a series of `count` rows before labels may be 1.
    public func warmup(_ count: Int) -> Int { request.warmup ?? NABScoring.probation(rows: count) }

    public func run() throws -> DetectResult {
        let season = request.season ?? AnomalyDetector.season(for: data.frequency)
        var scores: [[Double]] = []
        for sequence in data.sequences {
            if let bad = sequence.values.firstIndex(where: { !$0.isFinite }) { throw DetectError.nonFinite(series: sequence.id, row: bad) }
            if let asked = request.warmup, asked >= sequence.values.count {
                throw DetectError.shorterThanWarmup(series: sequence.id, rows: sequence.values.count, warmup: asked)
            }
            var detector = AnomalyDetector(model: request.model, season: season, warmup: warmup(sequence.values.count))
            scores.append(detector.score(sequence.values.map(Double.init)))
        }
        let threshold: Double
        switch request.threshold {
        case .fixed(let value): threshold = value
        case .falsePositiveRate(let rate):
            var pooled = zip(data.sequences, scores).flatMap { sequence, s in s.dropFirst(warmup(sequence.values.count)) }
            pooled.sort(by: >)
            let flagged = Int((rate * Double(pooled.count)).rounded(.down))
            // The lowest score among the top `flagged`; nothing flagged when the rate allows none.
            threshold = flagged > 0 && !pooled.isEmpty ? pooled[min(flagged, pooled.count) - 1] : (pooled.first.map { $0.nextUp } ?? 1)
        }
        var rows: [DetectResult.Row] = []
        var anomalies: [String: Int] = [:]
        var parts: [(id: String, rows: Range<Int>, timestamps: [Int64]?)] = []
        for (s, sequence) in data.sequences.enumerated() {
            parts.append((sequence.id, rows.count..<(rows.count + sequence.values.count), sequence.timestamps))
            let start = warmup(sequence.values.count)
            var flagged = 0
            for (i, value) in sequence.values.enumerated() {
                let label = i >= start && scores[s][i] >= threshold ? 1 : 0
                flagged += label
                rows.append(DetectResult.Row(uniqueId: sequence.id, timestamp: data.ds(s, step: i), value: value, anomalyScore: scores[s][i], label: label))
            }
            anomalies[sequence.id] = flagged
        }
        return DetectResult(model: request.model.rawValue, threshold: threshold, rows: rows, anomalies: anomalies, series: parts,
                            timestampFormat: data.timestampFormat)
    }
}
