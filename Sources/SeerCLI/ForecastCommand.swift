// `seer forecast FILE --horizon H`: load a CSV or SQLite input, train the chosen model on every
// value column of every series (one global model, each column a univariate sequence), forecast
// H steps past the end with timestamps at the inferred frequency, and write long-format CSV
// `unique_id,ds,<model>` (stdout or --out) or one JSON document. `--model auto` fits the
// candidates and keeps the one with the lowest error on the held-out last windows.
import ArgumentParser
import Foundation
import Seer

extension ModelFamily: ExpressibleByArgument {}

struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Train on a series' history and forecast the next H steps.")

    @OptionGroup var input: InputOptions

    @Option(help: "Steps to forecast.")
    var horizon: Int

    @Option(help: "Model: nt, dijiang, cofrgenet, gpt, dlinear, rlinear, naive, seasonal-naive or auto.")
    var model = "auto"

    @Option(help: "Look-back window in steps (default: 4·H, at most half the shortest series' length beyond H, ≤ 512).")
    var lookback: Int?

    @Option(help: "Training epochs of the neural nets and linear models.")
    var epochs = 10

    @Option(help: "Seed of initialisation and data order (same seed ⇒ same forecast).")
    var seed: UInt64 = 0

    @Option(help: "Season of seasonal-naive in steps (default: from the frequency: 24 for H, 7 for D, 12 for MS …).")
    var season: Int?

    @Option(help: "Write the forecast CSV here instead of stdout.")
    var out: String?

    @Flag(help: "Print one JSON document instead of CSV.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    /// Models `--model auto` chooses among.
    static let autoCandidates: [ModelFamily] = [.nt, .dijiang, .dlinear, .rlinear, .naive, .seasonalNaive]

    func validate() throws {
        guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1") }
        if let lookback, lookback < 1 { throw ValidationError("--lookback must be at least 1") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        if model != "auto" && ModelFamily(rawValue: model) == nil {
            throw ValidationError("--model must be one of \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")) or auto, not '\(model)'")
        }
        if input.isClassificationFile { throw ValidationError("\(input.file!) is a classification file; forecast needs a CSV or SQLite series") }
    }

    func run() throws {
        try reportingErrors {
            let series = try ForecastInput.load(input)
            let run = try ForecastRun(series: series, horizon: horizon, model: model, lookback: lookback, epochs: epochs, seed: seed,
                                      season: season, progress: quiet || json ? nil : .automatic)
            let result = try run.forecast()
            if json {
                try printJSON(result)
            } else if let out {
                try writeFileAtomically(result.csv, to: out)
                if !quiet { FileHandle.standardError.write(Data("\(result.summary)\nwrote \(out)\n".utf8)) }
            } else {
                print(result.csv, terminator: "")
                if !quiet { FileHandle.standardError.write(Data("\(result.summary)\n".utf8)) }
            }
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

struct ForecastRow: Codable {
    var uniqueId: String
    var ds: String
    var value: Float

    enum CodingKeys: String, CodingKey { case uniqueId = "unique_id", ds, value }
}

struct ForecastResult: Codable {
    var model: String
    var chosenBy: String
    var lookback: Int
    var horizon: Int
    var frequency: String?
    var validationMSE: [String: Double]
    var rows: [ForecastRow]

    var csv: String {
        var text = "unique_id,ds,\(model)\n"
        for row in rows { text += "\(ForecastResult.field(row.uniqueId)),\(row.ds),\(row.value)\n" }
        return text
    }

    /// A CSV field, quoted when it holds a separator, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    var summary: String {
        let scores = validationMSE.sorted { $0.value < $1.value }.map { "\($0.key) \(formatNumber($0.value))" }.joined(separator: ", ")
        return "model \(model) (\(chosenBy)); look-back \(lookback), horizon \(horizon)"
            + (frequency.map { ", frequency \($0)" } ?? "") + (scores.isEmpty ? "" : "; held-out MSE: \(scores)")
    }
}

struct ForecastRun {
    var sequences: [ForecastSequence]
    var horizon: Int
    var model: String
    var lookback: Int
    var epochs: Int
    var seed: UInt64
    var season: Int
    var frequency: Frequency?
    var progress: ConsoleProgress.Style?

    init(series: [TimeSeries], horizon: Int, model: String, lookback: Int?, epochs: Int, seed: UInt64, season: Int?,
         progress: ConsoleProgress.Style?) throws {
        // Every value column of every series is one sequence; ids name the series, and the column
        // too when a series has several.
        sequences = series.flatMap { s in
            s.columns.map { c in
                ForecastSequence(id: s.columns.count == 1 && series.count > 1 ? s.id : (series.count == 1 ? c.name : "\(s.id)/\(c.name)"),
                                 values: c.values, timestamps: s.time.timestamps)
            }
        }
        guard !sequences.isEmpty else { throw ValidationError("the input holds no value columns to forecast") }
        self.horizon = horizon
        self.model = model
        self.epochs = epochs
        self.seed = seed
        self.progress = progress
        frequency = sequences.first?.timestamps.flatMap { Frequency.infer($0) }
        let shortest = sequences.map(\.values.count).min() ?? 0
        self.lookback = lookback ?? max(1, min(4 * horizon, 512, max(horizon, (shortest - horizon) / 2)))
        self.season = season ?? ForecastRun.defaultSeason(frequency)
    }

    static func defaultSeason(_ frequency: Frequency?) -> Int {
        guard let frequency else { return 1 }
        switch frequency.unit {
        case .hour: return 24 % frequency.multiple == 0 ? 24 / frequency.multiple : 1
        case .day: return 7
        case .businessDay: return 5
        case .week: return 52
        case .monthStart, .monthEnd: return 12
        case .quarterStart, .quarterEnd: return 4
        default: return 1
        }
    }

    func config(_ family: ModelFamily) -> ForecasterConfig {
        ForecasterConfig(model: family, lookback: lookback, horizon: horizon, epochs: epochs, season: season, seed: seed)
    }

    func forecast() throws -> ForecastResult {
        let values = sequences.map(\.values)
        var scores: [String: Double] = [:]
        let forecaster: Forecaster
        let chosenBy: String
        if model == "auto" {
            var best: (Forecaster, Double)?
            for family in ForecastCommand.autoCandidates {
                let candidate = Forecaster(config(family))
                try candidate.fit(values, observer: progress.map { ConsoleProgress($0) })
                guard let error = try candidate.validationError(values) else { continue }
                scores[family.rawValue] = error
                if best == nil || error < best!.1 { best = (candidate, error) }
            }
            guard let best else { throw ValidationError("--model auto needs enough history for held-out windows; pick a --model") }
            forecaster = best.0
            chosenBy = "auto: lowest held-out MSE"
        } else {
            forecaster = Forecaster(config(ModelFamily(rawValue: model)!))
            try forecaster.fit(values, observer: progress.map { ConsoleProgress($0) })
            if let error = try forecaster.validationError(values) { scores[model] = error }
            chosenBy = "chosen"
        }
        let predictions = try forecaster.predict(values)
        var rows: [ForecastRow] = []
        for (sequence, forecast) in zip(sequences, predictions) {
            for (k, value) in forecast.enumerated() {
                let ds: String
                if let last = sequence.timestamps?.last, let frequency {
                    ds = CivilTime.format(frequency.advance(last, by: k + 1))
                } else {
                    ds = String(sequence.values.count + k)
                }
                rows.append(ForecastRow(uniqueId: sequence.id, ds: ds, value: value))
            }
        }
        return ForecastResult(model: forecaster.config.model.rawValue, chosenBy: chosenBy, lookback: lookback, horizon: horizon,
                              frequency: frequency?.description, validationMSE: scores, rows: rows)
    }
}
