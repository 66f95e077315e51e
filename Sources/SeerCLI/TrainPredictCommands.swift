// `seer train … --save DIR` keeps a trained forecaster (with its conformal widths when --levels
// is given) as a model directory; `seer predict --model DIR FILE` forecasts from a new history
// with it; `seer backtest FILE --horizon H --folds K` runs a rolling-origin backtest and writes
// `unique_id,cutoff,ds,y,<model>` per forecast step.
import ArgumentParser
import Foundation
import Seer

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a forecaster and save it as a model directory (model.safetensors + config.json).")

    @OptionGroup var input: InputOptions
    @OptionGroup var options: ModelOptions
    @OptionGroup var levels: LevelOptions

    @Option(help: "Model directory to write (replaced atomically; a failed run leaves the old one).")
    var save: String

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            try options.checkRequest()
            let data = try ForecastData(series: try ForecastInput.load(input), source: input.source)
            let run = ForecastRun(data: data, options: options, progress: quiet ? nil : .automatic)
            let (forecaster, chosenBy, scores) = try run.train()
            let widths = try run.calibrate(forecaster, levels: try levels.parsed, folds: levels.calibrationFolds)
            var metadata: [String: JSONValue] = [
                "chosen_by": .string(chosenBy),
                "held_out_mse": .object(scores.mapValues { .number($0) }),
                "conformal_half_widths": .object(Dictionary(uniqueKeysWithValues: widths.map { (String($0.key), .array($0.value.map { .number(Double($0)) })) })),
                "series": .array(data.sequences.map { .string($0.id) }),
                "training_data_fingerprint": .string(TrainCommand.fingerprint(data.values)),
            ]
            if let frequency = data.frequency { metadata["frequency"] = .string(frequency.description) }
            try forecaster.save(to: save, metadata: metadata)
            if !quiet {
                let line = "trained \(forecaster.config.model.rawValue) (\(chosenBy)); look-back \(forecaster.config.lookback), "
                    + "horizon \(forecaster.config.horizon); saved \(save)\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
    }

    /// FNV-1a over the sequences' lengths and Float bits: tells whether two models saw the same data.
    static func fingerprint(_ sequences: [[Float]]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { hash = (hash ^ ((value >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01B3 } }
        for s in sequences {
            mix(UInt64(s.count))
            for v in s { mix(UInt64(v.bitPattern)) }
        }
        return String(hash, radix: 16)
    }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the next steps of a history with a saved model directory.")

    @Option(help: "Model directory written by `seer train --save`.")
    var model: String

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let (forecaster, metadata) = try Forecaster.load(from: model)
            let data = try ForecastData(series: try ForecastInput.load(input), source: input.source)
            var widths: [Int: [Float]] = [:]
            for (level, values) in metadata["conformal_half_widths"]?.objectValue ?? [:] {
                guard let percent = Int(level), let array = values.arrayValue?.compactMap({ $0.doubleValue }),
                      array.count == forecaster.config.horizon else { continue }
                widths[percent] = array.map { Float($0) }
            }
            try output.emit(try data.result(forecaster, chosenBy: "loaded from \(model)", scores: [:], widths: widths), data: data,
                            source: input.source)
        }
    }
}

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Rolling-origin backtest: refit before each of K cutoffs and forecast the H steps after it.")

    @OptionGroup var input: InputOptions
    @OptionGroup var options: ModelOptions

    @Option(help: "Folds (cutoffs), --step steps apart, the last H steps before the end.")
    var folds = 3

    @Option(help: "Steps between consecutive cutoffs (default: H, folds side by side; smaller overlaps them).")
    var step: Int?

    @Flag(inversion: .prefixedNo, help: "Refit before every cutoff (default), or fit once before the earliest.")
    var refit = true

    @Option(help: "Write the CSV here instead of stdout.")
    var out: String?

    @Option(help: "Write an SVG overlay of every fold's forecast over the history (one panel per series, up to 8).")
    var plot: String?

    @Flag(help: "Print one JSON document instead of CSV.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard folds >= 1 else { throw ValidationError("--folds must be at least 1") }
        guard (step ?? 1) >= 1 else { throw ValidationError("--step must be at least 1") }
    }

    struct Row: Codable {
        var uniqueId: String, cutoff: String, ds: String, y: Float, forecast: Float
        enum CodingKeys: String, CodingKey { case uniqueId = "unique_id", cutoff, ds, y, forecast }
    }

    struct Result: Codable {
        var model: String, chosenBy: String, lookback: Int, horizon: Int, folds: Int, step: Int, refit: Bool, mse: Double, mae: Double
        var rows: [Row]
    }

    func run() throws {
        try reportingErrors {
            try options.checkRequest()
            let data = try ForecastData(series: try ForecastInput.load(input), source: input.source)
            var run = ForecastRun(data: data, options: options, progress: nil)
            var chosenBy = "named by --model"
            let step = self.step ?? options.horizon
            if options.model == "auto" {
                // Choose on the history before the first cutoff, so the backtest stays out of sample.
                let cut = options.horizon + (folds - 1) * step
                let earlier = try ForecastData(sequences: data.sequences.map { ForecastSequence(id: $0.id, values: Array($0.values.dropLast(cut)),
                                                                                               timestamps: $0.timestamps.map { Array($0.dropLast(cut)) }) },
                                               frequency: data.frequency)
                let (chosen, how, _) = try ForecastRun(data: earlier, options: options, progress: nil).train()
                run.options.model = chosen.config.model.rawValue
                chosenBy = how + " before the first cutoff"
            }
            let config = run.config(ModelFamily(rawValue: run.options.model)!)
            let result = try Forecaster(config).backtest(data.values, folds: folds, step: step, refit: refit,
                                                         observer: quiet || json ? nil : ConsoleProgress(.automatic))
            var rows: [Row] = []
            for fold in result.folds {
                for (s, cutoff) in fold.cutoffs.enumerated() {
                    guard let cutoff else { continue }
                    for (k, value) in fold.forecasts[s].enumerated() {
                        rows.append(Row(uniqueId: data.sequences[s].id, cutoff: data.ds(s, step: cutoff - 1), ds: data.ds(s, step: cutoff + k),
                                        y: data.sequences[s].values[cutoff + k], forecast: value))
                    }
                }
            }
            if let plot { try writeFileAtomically(ForecastFigures.backtest(data, model: config.model.rawValue, folds: result.folds), to: plot) }
            let document = Result(model: config.model.rawValue, chosenBy: chosenBy, lookback: config.lookback, horizon: config.horizon,
                                  folds: folds, step: step, refit: refit, mse: result.mse, mae: result.mae, rows: rows)
            if json {
                try printJSON(document)
                return
            }
            var csv = "unique_id,cutoff,ds,y,\(config.model.rawValue)\n"
            for row in rows { csv += "\(ForecastResult.field(row.uniqueId)),\(row.cutoff),\(row.ds),\(row.y),\(row.forecast)\n" }
            if let out { try writeFileAtomically(csv, to: out) } else { print(csv, terminator: "") }
            if !quiet {
                FileHandle.standardError.write(Data(("backtest of \(config.model.rawValue) (\(chosenBy)): \(folds) folds × H = \(config.horizon)\(step == config.horizon ? "" : " (cutoffs \(step) apart)"), "
                    + "look-back \(config.lookback); MSE \(formatNumber(result.mse)), MAE \(formatNumber(result.mae))"
                    + [out, plot].compactMap { $0 }.map { "\nwrote \($0)" }.joined() + "\n").utf8))
            }
        }
    }
}
