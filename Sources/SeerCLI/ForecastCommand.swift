// `seer forecast FILE --horizon H`: load a CSV or SQLite input, train the chosen model on every
// value column of every series (one global model, each column a univariate sequence), forecast
// H steps past the end with timestamps at the inferred frequency, and write long-format
// `unique_id,ds,<model>[,<model>-lo-80,<model>-hi-80 …]` as CSV (stdout or --out), JSON, or a
// SQLite table. `--model auto` fits the candidates and keeps the one with the lowest error on
// the held-out last windows. `--levels` adds split-conformal intervals from a rolling-origin
// backtest's residuals.
import ArgumentParser
import Foundation
import Seer

/// How to build and train a forecaster (forecast, train, backtest).
struct ModelOptions: ParsableArguments {
    @Option(help: "Steps to forecast.")
    var horizon: Int

    @Option(help: "Model: nt, dijiang, cofrgenet, gpt, dlinear, rlinear, naive, seasonal-naive or auto.")
    var model = "auto"

    @Option(help: "Look-back window in steps (default: 4·H, at most half the shortest series' length beyond H, ≤ 512).")
    var lookback: Int?

    @Option(help: "Most training epochs of the neural nets and linear models (default: enough for 500 optimizer steps, at least 10; early stopping on held-out windows).")
    var epochs: Int?

    @Option(help: "Seed of initialisation and data order (same seed ⇒ same forecast).")
    var seed: UInt64 = 0

    @Option(help: "Season of seasonal-naive in steps (default: from the frequency: 24 for H, 7 for D, 12 for MS …).")
    var season: Int?

    @Option(help: "Device: cpu (cuda when a CUDA backend is available).")
    var device = "cpu"

    func validate() throws {
        if let lookback, lookback < 1 { throw ValidationError("--lookback must be at least 1") }
        guard (epochs ?? 1) >= 1 else { throw ValidationError("--epochs must be at least 1") }
        if let season, season < 1 { throw ValidationError("--season must be at least 1") }
        guard device == "cpu" || device == "cuda" else { throw ValidationError("--device must be cpu or cuda, not '\(device)'") }
    }

    /// The request itself: a horizon ≤ 0 or an unknown model is bad input (exit 65, as issue 7
    /// specifies: they are values of the forecast asked for, not a malformed command line), and
    /// `cuda` is refused with a clear message until the CUDA backend trains models.
    func checkRequest() throws {
        guard horizon >= 1 else { throw DataError(.badInput, "--horizon must be at least 1 step, not \(horizon)") }
        if model != "auto" && ModelFamily(rawValue: model) == nil {
            throw DataError(.badInput, "--model must be one of \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")) or auto, not '\(model)'")
        }
        if device == "cuda" {
            throw UsageFailure("--device cuda: Seer's forecasters train on the CPU backend only in this version; use --device cpu")
        }
    }
}

/// Prediction-interval levels (percent).
struct LevelOptions: ParsableArguments {
    @Option(help: "Prediction-interval levels in percent, comma-separated (e.g. 80,95): split-conformal from backtest residuals.")
    var levels: String?

    @Option(help: "Backtest folds that calibrate the intervals (default: enough residuals for the highest level, at least 5; on a short series the folds' cutoffs move closer than H steps so they fit).")
    var calibrationFolds: Int?

    var parsed: [Int] {
        get throws {
            guard let levels else { return [] }
            let values = levels.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0.map { $0 > 0 && $0 < 100 } ?? false }) else {
                throw ValidationError("--levels takes whole percentages between 1 and 99, e.g. 80,95; not '\(levels)'")
            }
            return Array(Set(values.map { $0! })).sorted()
        }
    }

    func validate() throws {
        _ = try parsed
        guard (calibrationFolds ?? 1) >= 1 else { throw ValidationError("--calibration-folds must be at least 1") }
    }
}

/// Where a forecast goes.
struct OutputOptions: ParsableArguments {
    @Option(help: "Write the CSV here instead of stdout.")
    var out: String?

    @Option(help: "Write the forecast into this SQLite database (with --out-table), in one transaction.")
    var outSqlite: String?

    @Option(help: "Table for --out-sqlite (replaced when it exists).")
    var outTable: String?

    @Option(help: "Write an SVG overlay of history and forecast (one panel per series, up to 8).")
    var plot: String?

    @Option(help: "Write a self-contained HTML report (inputs, model, held-out errors, plot, forecast table).")
    var report: String?

    @Flag(help: "Print one JSON document instead of CSV.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if (outSqlite == nil) != (outTable == nil) { throw ValidationError("--out-sqlite and --out-table go together") }
    }

    var progress: ConsoleProgress.Style? { quiet || json ? nil : .automatic }

    /// Writes `result` where asked (and its pictures) and the summary to stderr.
    func emit(_ result: ForecastResult, data: ForecastData, source: String) throws {
        if let plot { try writeFileAtomically(ForecastFigures.forecast(data, result), to: plot) }
        if let report { try writeFileAtomically(ForecastFigures.report(data, result, source: source), to: report) }
        if let outSqlite, let outTable {
            try SQLiteSeriesWriter.write(try result.collection(), to: outSqlite, table: outTable, ifExists: .replace, writeIds: true)
        }
        if json {
            try printJSON(result)
        } else if let out {
            try writeFileAtomically(result.csv, to: out)
        } else if outSqlite == nil {
            print(result.csv, terminator: "")
        }
        if !quiet && !json {
            let written = [out, outSqlite.map { "\($0):\(outTable!)" }, plot, report].compactMap { $0 }
            FileHandle.standardError.write(Data((result.summary + written.map { "\nwrote \($0)" }.joined() + "\n").utf8))
        }
    }
}

struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Train on a series' history and forecast the next H steps.")

    @OptionGroup var input: InputOptions
    @OptionGroup var options: ModelOptions
    @OptionGroup var levels: LevelOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if input.isClassificationFile { throw ValidationError("\(input.file!) is a classification file; forecast needs a CSV or SQLite series") }
    }

    func run() throws {
        try reportingErrors {
            try options.checkRequest()
            let data = try ForecastData(series: try ForecastInput.load(input), source: input.source)
            let run = ForecastRun(data: data, options: options, progress: output.progress)
            let (forecaster, chosenBy, scores) = try run.train()
            let widths = try run.calibrate(forecaster, levels: try levels.parsed, folds: levels.calibrationFolds)
            try output.emit(try data.result(forecaster, chosenBy: chosenBy, scores: scores, widths: widths), data: data, source: input.source)
        }
    }
}

/// The series of a CSV or SQLite input.
enum ForecastInput {
    static func load(_ input: InputOptions) throws -> [TimeSeries] {
        if let database = input.sqlite { return Array(try SQLiteInput.read(input, database: database).series) }
        return Array(try CSVLoader.load(input.file!, options: input.csvOptions).series)
    }
}

/// One univariate sequence to forecast: its id in the output, values and time axis.
struct ForecastSequence {
    var id: String
    var values: [Float]
    var timestamps: [Int64]?
}

/// An input split into sequences, with its frequency.
struct ForecastData {
    var sequences: [ForecastSequence]
    var frequency: Frequency?

    init(sequences: [ForecastSequence], frequency: Frequency?) throws {
        guard !sequences.isEmpty else { throw UsageFailure("the input holds no value columns to forecast") }
        self.sequences = sequences
        self.frequency = frequency
    }

    init(series: [TimeSeries], source: String) throws {
        // Every value column of every series is one sequence; ids name the series, and the column
        // too when a series has several.
        sequences = series.flatMap { s in
            s.columns.map { c in
                ForecastSequence(id: s.columns.count == 1 && series.count > 1 ? s.id : (series.count == 1 ? c.name : "\(s.id)/\(c.name)"),
                                 values: c.values, timestamps: s.time.timestamps)
            }
        }
        guard !sequences.isEmpty else { throw UsageFailure("the input holds no value columns to forecast") }
        if let empty = sequences.first(where: { !$0.values.contains(where: \.isFinite) }) {
            throw DataError(.badInput, "no values to forecast: all \(empty.values.count) rows are empty or NaN "
                + "(pick the value column with --target)", at: SourceLocation(file: source, columnName: empty.id))
        }
        frequency = sequences.first?.timestamps.flatMap { Frequency.infer($0) }
    }

    var values: [[Float]] { sequences.map(\.values) }

    /// The timestamp of step `step` of sequence `s` — steps past the end continue the frequency;
    /// nil without a time axis (or, past the end, without a frequency).
    func timestamp(_ s: Int, step: Int) -> Int64? {
        guard let timestamps = sequences[s].timestamps, let last = timestamps.last else { return nil }
        if step < timestamps.count { return timestamps[step] }
        return frequency.map { $0.advance(last, by: step - timestamps.count + 1) }
    }

    /// The `ds` text of step `step` of sequence `s` (the row index without timestamps).
    func ds(_ s: Int, step: Int) -> String { timestamp(s, step: step).map { CivilTime.format($0) } ?? String(step) }

    /// Timestamps of the H steps after sequence `s` (nil without a time axis or frequency).
    func futureTimestamps(_ s: Int, horizon: Int) -> [Int64]? {
        let n = sequences[s].values.count
        let stamps = (n..<(n + horizon)).compactMap { timestamp(s, step: $0) }
        return stamps.count == horizon ? stamps : nil
    }

    /// What the report says of `forecaster`: architecture, size, training.
    static func settings(_ forecaster: Forecaster) -> [ForecastSetting] {
        let c = forecaster.config
        let parameters = forecaster.parameters.map(\.count).reduce(0, +)
        var out: [ForecastSetting] = []
        switch c.model {
        case .nt, .dijiang, .cofrgenet, .gpt:
            let tokens: String
            switch c.tokenization {
            case .point: tokens = "point tokens"
            case .patch(let length, let stride): tokens = "patches of \(length) (stride \(stride))"
            }
            out.append(ForecastSetting(name: "network", value: "width \(c.width), \(c.layers) blocks, dropout \(c.dropout), \(tokens), RevIN, direct head"))
        case .dlinear, .rlinear:
            out.append(ForecastSetting(name: "network", value: c.model == .dlinear ? "trend + remainder linear maps" : "RevIN + one linear map"))
        case .naive:
            out.append(ForecastSetting(name: "network", value: "none: the last value repeated"))
        case .seasonalNaive:
            out.append(ForecastSetting(name: "network", value: "none: the last season (\(c.season) steps) repeated"))
        }
        guard parameters > 0 else { return out }
        out.append(ForecastSetting(name: "parameters", value: "\(parameters)"))
        out.append(ForecastSetting(name: "optimiser", value: "AdamW, lr \(c.effectiveLearningRate), batch \(c.batchSize), seed \(c.seed)"))
        if let report = forecaster.report {
            out.append(ForecastSetting(name: "training", value: "\(report.epochs.count) epochs, \(report.steps) steps, "
                + String(format: "%.1f s", report.seconds) + "; kept epoch \(report.bestEpoch)"))
        }
        return out
    }

    /// The forecast rows of `forecaster` from the end of every sequence.
    func result(_ forecaster: Forecaster, chosenBy: String, scores: [String: Double], widths: [Int: [Float]]) throws -> ForecastResult {
        let predictions = try forecaster.predict(values)
        var rows: [ForecastRow] = []
        for (s, forecast) in predictions.enumerated() {
            let n = sequences[s].values.count
            for (k, value) in forecast.enumerated() {
                var bounds: [Float] = []
                for level in widths.keys.sorted() { bounds += [value - widths[level]![k], value + widths[level]![k]] }
                rows.append(ForecastRow(uniqueId: sequences[s].id, ds: ds(s, step: n + k), value: value, bounds: bounds))
            }
        }
        return ForecastResult(model: forecaster.config.model.rawValue, chosenBy: chosenBy, settings: Self.settings(forecaster),
                              lookback: forecaster.config.lookback,
                              horizon: forecaster.config.horizon, frequency: frequency?.description, levels: widths.keys.sorted(),
                              validationMSE: scores, rows: rows,
                              timestamps: sequences.indices.map { futureTimestamps($0, horizon: forecaster.config.horizon) })
    }
}

struct ForecastRow: Codable {
    var uniqueId: String
    var ds: String
    var value: Float
    /// lo, hi per level, levels ascending.
    var bounds: [Float]

    enum CodingKeys: String, CodingKey { case uniqueId = "unique_id", ds, value, bounds }
}

/// One line of the model's configuration in a report.
struct ForecastSetting: Codable {
    var name: String
    var value: String
}

struct ForecastResult: Codable {
    var model: String
    var chosenBy: String
    /// Architecture, size and training of the model, for the report and the JSON.
    var settings: [ForecastSetting] = []
    var lookback: Int
    var horizon: Int
    var frequency: String?
    var levels: [Int]
    var validationMSE: [String: Double]
    var rows: [ForecastRow]
    /// Future timestamps per sequence (for SQLite output and plots); not in the JSON.
    var timestamps: [[Int64]?] = []

    enum CodingKeys: String, CodingKey { case model, chosenBy, settings, lookback, horizon, frequency, levels, validationMSE, rows }

    var columnNames: [String] { [model] + levels.flatMap { ["\(model)-lo-\($0)", "\(model)-hi-\($0)"] } }

    var csv: String {
        var text = "unique_id,ds," + columnNames.joined(separator: ",") + "\n"
        for row in rows {
            text += "\(ForecastResult.field(row.uniqueId)),\(row.ds),\(row.value)" + row.bounds.map { ",\($0)" }.joined() + "\n"
        }
        return text
    }

    /// A CSV field, quoted when it holds a separator, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The rows as one series per id (for the SQLite writer).
    func collection() throws -> SeriesCollection {
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

    var summary: String {
        let scores = validationMSE.sorted { $0.value < $1.value }.map { "\($0.key) \(formatNumber($0.value))" }.joined(separator: ", ")
        return "model \(model) (\(chosenBy)); look-back \(lookback), horizon \(horizon)"
            + (frequency.map { ", frequency \($0)" } ?? "") + (scores.isEmpty ? "" : "; held-out MSE: \(scores)")
            + (levels.isEmpty ? "" : "; conformal intervals \(levels.map { "\($0) %" }.joined(separator: ", ")) from backtest residuals")
    }
}
