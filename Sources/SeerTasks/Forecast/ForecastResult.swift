// A forecast as users receive it: long-format rows `unique_id,ds,<model>[,<model>-lo-80,…]`
// (Nixtla's column names), the model, how it was chosen and its settings, and the held-out
// errors — with the writers for each output kind: CSV text, a SQLite table, a JSON document and
// the one-line summary.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels

public struct ForecastRow: Codable, Sendable {
    public var uniqueId: String
    public var ds: String
    public var value: Float
    /// lo, hi per level, levels ascending.
    public var bounds: [Float]

    enum CodingKeys: String, CodingKey { case uniqueId = "unique_id", ds, value, bounds }
}

/// One line of the model's configuration in a report.
public struct ForecastSetting: Codable, Sendable {
    public var name: String
    public var value: String
}

public struct ForecastResult: Codable, Sendable {
    public var model: String
    public var chosenBy: String
    /// Architecture, size and training of the model, for the report and the JSON.
    public var settings: [ForecastSetting] = []
    public var lookback: Int
    public var horizon: Int
    public var frequency: String?
    public var levels: [Int]
    /// Where the intervals come from (`PredictionIntervals.source`); nil without intervals.
    public var intervalSource: String?
    /// Each model's score (the named model's held-out MSE, or `auto`'s cross-validated MASE).
    public var scores: [String: Double]
    /// What the scores measure.
    public var scoreName = "held-out MSE"
    public var rows: [ForecastRow]
    /// Future timestamps per sequence (for SQLite output and plots); not in the JSON.
    public var timestamps: [[Int64]?] = []
    /// How `ds` is written (the input's format rule), for every output kind; not in the JSON.
    public var timestampFormat = TimestampFormat(dateOnly: false)
    /// `auto` candidates the history was too short for (steps each needs); said in the summary.
    public var tooShort: [String: Int] = [:]

    enum CodingKeys: String, CodingKey { case model, chosenBy, settings, lookback, horizon, frequency, levels, intervalSource, scores, scoreName, rows }

    /// The forecast of `forecaster` from the end of every sequence of `data`, with interval
    /// half-widths per level (`widths`, from `ForecastRun.calibrate` or a model card).
    public init(_ forecaster: Forecaster, data: ForecastData, chosenBy: String, scores: [String: Double], widths: [Int: [Float]]) throws {
        try self.init(forecaster, data: data, chosenBy: chosenBy, scores: scores, intervals: .conformal(widths))
    }

    /// The forecast of `forecaster` from the end of every sequence of `data`, with `intervals`.
    public init(_ forecaster: Forecaster, data: ForecastData, chosenBy: String, scores: [String: Double], intervals: PredictionIntervals) throws {
        let predictions: [[Float]], bounds: [[[Float]]]
        switch intervals {
        case .conformal(let widths):
            predictions = try data.namingSeries { try forecaster.predict(data.values) }
            bounds = predictions.map { forecast in
                forecast.indices.map { k in widths.keys.sorted().flatMap { [forecast[k] - widths[$0]![k], forecast[k] + widths[$0]![k]] } }
            }
        case .model(let levels):
            (predictions, bounds) = try data.namingSeries { try forecaster.predictWithModelIntervals(data.values, levels: levels) }
        }
        var rows: [ForecastRow] = []
        for (s, forecast) in predictions.enumerated() {
            let n = data.sequences[s].values.count
            for (k, value) in forecast.enumerated() {
                rows.append(ForecastRow(uniqueId: data.sequences[s].id, ds: data.ds(s, step: n + k), value: value, bounds: bounds[s][k]))
            }
        }
        intervalSource = intervals.levels.isEmpty ? nil : intervals.source
        model = forecaster.modelName
        self.chosenBy = chosenBy
        settings = forecaster.settings
        lookback = forecaster.config.lookback
        horizon = forecaster.config.horizon
        frequency = data.frequency?.description
        levels = intervals.levels
        self.scores = scores
        self.rows = rows
        timestamps = data.sequences.indices.map { data.futureTimestamps($0, horizon: forecaster.config.horizon) }
        timestampFormat = data.timestampFormat
    }

    /// The forecast of a run's trained model, with how it was chosen and the candidates that stepped aside.
    public init(_ trained: TrainedForecaster, data: ForecastData, intervals: PredictionIntervals) throws {
        try self.init(trained.forecaster, data: data, chosenBy: trained.chosenBy, scores: trained.scores, intervals: intervals)
        tooShort = trained.tooShort
        scoreName = trained.scoreName
    }

    /// The value columns after `unique_id,ds`: the model, then lo/hi per level.
    public var columnNames: [String] { [model] + levels.flatMap { ["\(model)-lo-\($0)", "\(model)-hi-\($0)"] } }

    /// The rows as CSV text with a header.
    public var csv: String {
        var text = CSVWriter.line(["unique_id", "ds"] + columnNames)
        for row in rows { text += CSVWriter.line([row.uniqueId, row.ds, "\(row.value)"] + row.bounds.map { "\($0)" }) }
        return text
    }

    /// The rows as one series per id (for the SQLite writer).
    public func collection() throws -> SeriesCollection {
        var series: [TimeSeries] = []
        var start = 0
        for (s, stamps) in timestamps.enumerated() {
            let rowsOfId = rows[start..<(start + horizon)]
            start += horizon
            var columns = [SeriesColumn(name: model, values: rowsOfId.map(\.value))]
            for (i, name) in columnNames.dropFirst().enumerated() { columns.append(SeriesColumn(name: name, values: rowsOfId.map { $0.bounds[i] })) }
            series.append(try TimeSeries(id: rowsOfId.first?.uniqueId ?? "series\(s)", time: stamps.map { .timestamps($0) } ?? .index(count: horizon),
                                         columns: columns, source: "forecast"))
        }
        return try SeriesCollection(series)
    }

    /// Writes the rows into `table` of the SQLite database `path` (replacing the table) in one transaction.
    public func writeSQLite(to path: String, table: String) throws {
        try SQLiteSeriesWriter.write(try collection(), to: path, table: table, ifExists: .replace, writeIds: true, timestampFormat: timestampFormat)
    }

    /// One line: the model, how it was chosen, look-back, horizon, frequency, held-out errors, intervals.
    public var summary: String {
        let scores = self.scores.sorted { $0.value < $1.value }.map { "\($0.key) \(formatNumber($0.value))" }.joined(separator: ", ")
        return "model \(model) (\(chosenBy)); look-back \(lookback), horizon \(horizon)"
            + (frequency.map { ", frequency \($0)" } ?? "") + (scores.isEmpty ? "" : "; \(scoreName): \(scores)")
            + (levels.isEmpty ? "" : "; intervals \(levels.map { "\($0) %" }.joined(separator: ", ")), \(intervalSource ?? "")")
            + (tooShort.isEmpty ? "" : "; too short for " + tooShort.sorted { $0.key < $1.key }.map { "\($0.key) (needs \($0.value))" }.joined(separator: ", "))
    }
}

/// `value` as a pretty-printed JSON document with sorted keys (the form of every `--json` output).
public func jsonDocument<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
