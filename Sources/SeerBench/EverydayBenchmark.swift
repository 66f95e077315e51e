// `seer bench everyday` (issue 21): the forecasts most people make — short monthly, quarterly,
// weekly, yearly series — by rolling-origin backtests, each Seer model and `auto` (both ways of
// choosing) beside statsforecast's AutoETS, AutoTheta, AutoARIMA, SeasonalNaive and MSTL on the same
// cutoffs (K folds H apart ending at the last row; scripts/statsforecast_reference.py, when
// statsforecast is installed). MASE scales each fold's MAE by the in-sample seasonal-naive MAE of
// that fold's history, so the geometric mean over series of MASE(auto) / the best statsforecast
// MASE says whether Seer's default is at least as good as the peer.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerTasks

/// One model's figures on one series.
public struct EverydayScore: Codable, Sendable {
    public var model: String
    public var mase: Double?
    public var smape: Double?
    public var mae: Double?
    public var seconds: Double
    /// Why there is no score (a model that could not fit the folds).
    public var note: String?
}

/// One series: its length, horizon, season, folds, and every model's figures.
public struct EverydaySeries: Codable, Sendable {
    public var file: String
    public var steps: Int
    public var frequency: String?
    public var horizon: Int
    public var season: Int
    public var folds: Int
    public var scores: [EverydayScore]
    /// What Seer's auto chose at each fold, oldest first.
    public var autoChoices: [String: [String]]

    /// MASE of `model` (nil when absent or unscored).
    public func mase(_ model: String) -> Double? { scores.first { $0.model == model }?.mase }
}

public struct EverydayBenchResult: Codable, Sendable {
    public var folds: Int
    public var peerVersion: String?
    /// Whether the statsforecast side was asked for (false: `--no-peer`).
    public var peerRequested = true
    public var series: [EverydaySeries]
    /// Geometric mean over series of MASE(auto) / min MASE(AutoETS, AutoTheta, AutoARIMA), per
    /// auto selection; nil without the peer.
    public var autoRatio: [String: Double]

    public var text: String {
        var lines = ["Everyday forecasting (issue 21): rolling-origin backtests, \(folds) folds H apart ending at the last row; "
            + "MASE against the in-sample seasonal naive of each fold's history; statsforecast "
            + (peerVersion.map { "\($0) (n_jobs = 1)" } ?? (peerRequested ? "not installed: Seer alone" : "not run (--no-peer)"))]
        let models = series.first.map { $0.scores.map(\.model) } ?? []
        var table = TextTable(["series", "steps", "H", "m"] + models)
        for s in series {
            table.add([URL(fileURLWithPath: s.file).deletingPathExtension().lastPathComponent, String(s.steps), String(s.horizon), String(s.season)]
                      + models.map { m in s.mase(m).map { formatNumber($0) } ?? "—" })
        }
        lines.append(table.render())
        var times = TextTable(["series"] + models.map { $0 + " s" })
        for s in series {
            times.add([URL(fileURLWithPath: s.file).deletingPathExtension().lastPathComponent]
                      + models.map { m in s.scores.first { $0.model == m }.map { String(format: "%.2f", $0.seconds) } ?? "—" })
        }
        lines.append("\nwall time per model (all folds):")
        lines.append(times.render())
        for s in series where !s.autoChoices.isEmpty {
            lines.append("\(URL(fileURLWithPath: s.file).lastPathComponent): auto chose " + s.autoChoices.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value.joined(separator: ", "))" }.joined(separator: "; "))
        }
        if !autoRatio.isEmpty {
            lines.append("\ngeometric mean of MASE(auto) / min MASE(AutoETS, AutoTheta, AutoARIMA): "
                + autoRatio.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: ", ")
                + " (target ≤ 1.00, goal ≤ 0.95)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The benchmark over a folder of series.
public struct EverydayBenchmark {
    public var files: [String]
    public var folds: Int
    public var models: [ModelFamily]
    public var epochs: Int?
    public var peer: Bool
    public var log: Bool
    /// Also run auto combining its best `combine` candidates by their median (1: not).
    public var combine: Int

    public init(files: [String], folds: Int = 5, models: [ModelFamily], epochs: Int? = nil, peer: Bool = true, log: Bool = true, combine: Int = 1) {
        self.combine = combine
        self.files = files
        self.folds = folds
        self.models = models
        self.epochs = epochs
        self.peer = peer
        self.log = log
    }

    /// The ways of running auto compared: each selection alone, and with the best `combine` combined.
    var autoVariants: [(ModelSelection, Int)] {
        ModelSelection.allCases.map { ($0, 1) } + (combine > 1 ? ModelSelection.allCases.map { ($0, combine) } : [])
    }

    /// "auto-cv", "auto-cv-median3".
    static func autoName(_ selection: ModelSelection, _ combine: Int) -> String {
        "auto-" + selection.rawValue + (combine > 1 ? "-median\(combine)" : "")
    }

    /// The horizon people forecast at each frequency (a year of months, two years of quarters …).
    public static func horizon(_ frequency: Frequency?) -> Int {
        guard let frequency else { return 6 }
        switch frequency.unit {
        case .monthStart, .monthEnd: return 12
        case .quarterStart, .quarterEnd: return 8
        case .week: return 13
        case .day, .businessDay: return 14
        case .yearStart, .yearEnd: return 6
        default: return 48
        }
    }

    public func run() throws -> EverydayBenchResult {
        var all: [EverydaySeries] = []
        var version: String?
        for file in files {
            let source = DataSource.csv(path: file, options: CSVOptions(missing: .interpolate))
            let loaded = try source.loadSeries()
            guard let first = loaded.series.first, let column = first.columns.first else { continue }
            var series = first
            series.columns = [column]
            let data = try ForecastData(series: [series], source: file)
            let h = Self.horizon(data.frequency), season = ForecastRun.defaultSeason(data.frequency)
            let values = data.values[0]
            // As many of the folds as leave at least two seasons (or 2·H) of history before the first cutoff.
            let fit = max(1, min(folds, (values.count - 2 * max(season, h)) / h))
            var scores: [EverydayScore] = []
            var choices: [String: [String]] = [:]
            for family in models {
                let began = monotonicSeconds()
                do {
                    var config = ForecastRun(data: data, request: ForecastRequest(horizon: h, model: .family(family), epochs: epochs)).config(family)
                    config.season = season
                    let result = try Forecaster(config).backtest([values], folds: fit, step: h)
                    scores.append(Self.score(family.rawValue, forecasts: result.folds.map { $0.forecasts[0] }, values, h: h, season: season,
                                             seconds: monotonicSeconds() - began))
                } catch {
                    scores.append(EverydayScore(model: family.rawValue, seconds: monotonicSeconds() - began, note: "\(error)"))
                }
                if log { FileHandle.standardError.write(Data("  \(file): \(family.rawValue) done\n".utf8)) }
            }
            for (selection, combine) in autoVariants {
                let began = monotonicSeconds()
                var forecasts: [[Float]] = [], chosen: [String] = []
                for k in stride(from: fit, through: 1, by: -1) {
                    let cutoff = values.count - h - (k - 1) * h
                    let history = try data.droppingLast(values.count - cutoff)
                    // The season is the frequency's (as `season` above), left unnamed so MSTL also gets its second one.
                    var request = ForecastRequest(horizon: h, model: .auto, epochs: epochs, selection: selection)
                    request.combine = combine
                    let trained = try ForecastRun(data: history, request: request).train()
                    forecasts.append(try trained.forecaster.predict(history.values)[0])
                    chosen.append(trained.forecaster.ensemble.map { "(" + $0.members.map(\.config.model.rawValue).joined(separator: "+") + ")" }
                                  ?? trained.forecaster.config.model.rawValue)
                }
                let name = Self.autoName(selection, combine)
                scores.append(Self.score(name, forecasts: forecasts, values, h: h, season: season, seconds: monotonicSeconds() - began))
                choices[name] = chosen
                if log { FileHandle.standardError.write(Data("  \(file): \(name) chose \(chosen.joined(separator: ", "))\n".utf8)) }
            }
            // statsforecast's MSTL gets the seasons Seer's does (those with two cycles before the first cutoff).
            let firstCutoff = values.count - fit * h
            let mstlSeasons = [season, ForecastRun(data: data, request: ForecastRequest(horizon: h)).secondSeason].filter { $0 > 1 && 2 * $0 <= firstCutoff }
            if peer, let reference = try Self.statsforecast(file, h: h, folds: fit, season: season, frequency: data.frequency, mstlSeasons: mstlSeasons) {
                version = reference.version
                for (name, model) in reference.models.sorted(by: { $0.key < $1.key }) {
                    if let folds = model.folds, folds.count == fit {
                        scores.append(Self.score(name, forecasts: folds.map { $0.map(Float.init) }, values, h: h, season: season, seconds: model.seconds))
                    } else {
                        scores.append(EverydayScore(model: name, seconds: model.seconds, note: model.error ?? "no forecasts"))
                    }
                }
            }
            all.append(EverydaySeries(file: file, steps: values.count, frequency: data.frequency?.description, horizon: h, season: season,
                                      folds: fit, scores: scores, autoChoices: choices))
        }
        var ratios: [String: Double] = [:]
        for (selection, combine) in autoVariants {
            let name = Self.autoName(selection, combine)
            let logs = all.compactMap { s -> Double? in
                guard let auto = s.mase(name) else { return nil }
                let peers = ["AutoETS", "AutoTheta", "AutoARIMA"].compactMap { s.mase($0) }
                guard let best = peers.min(), best > 0 else { return nil }
                return Foundation.log(auto / best)
            }
            if !logs.isEmpty { ratios[name] = exp(logs.reduce(0, +) / Double(logs.count)) }
        }
        return EverydayBenchResult(folds: folds, peerVersion: version, peerRequested: peer, series: all, autoRatio: ratios)
    }

    /// MASE, sMAPE and MAE of fold forecasts (oldest fold first) of the last folds·H steps.
    static func score(_ model: String, forecasts: [[Float]], _ values: [Float], h: Int, season: Int, seconds: Double) -> EverydayScore {
        var mase = 0.0, smape = 0.0, mae = 0.0, counted = 0, points = 0
        for (i, forecast) in forecasts.enumerated() {
            let cutoff = values.count - h * (forecasts.count - i)
            let actual = Array(values[cutoff..<(cutoff + forecast.count)])
            let foldMAE = Metrics.mae(actual, forecast)
            mae += foldMAE * Double(forecast.count)
            for (a, p) in zip(actual.map(Double.init), forecast.map(Double.init)) {
                let denominator = abs(a) + abs(p)
                smape += denominator > 0 ? 2 * abs(a - p) / denominator : 0
            }
            points += forecast.count
            if let scale = Metrics.seasonalNaiveScale(values.prefix(cutoff), season: season) {
                mase += foldMAE / scale
                counted += 1
            }
        }
        return EverydayScore(model: model, mase: counted > 0 ? mase / Double(counted) : nil, smape: points > 0 ? 100 * smape / Double(points) : nil,
                             mae: points > 0 ? mae / Double(points) : nil, seconds: seconds)
    }

    struct Reference: Decodable {
        struct Model: Decodable {
            var seconds: Double
            var folds: [[Double]]?
            var error: String?
        }
        var version: String
        var models: [String: Model]
    }

    /// statsforecast's forecasts on the same cutoffs (nil when python3 or statsforecast is missing).
    static func statsforecast(_ file: String, h: Int, folds: Int, season: Int, frequency: Frequency?, mstlSeasons: [Int]) throws -> Reference? {
        let script = ["scripts/statsforecast_reference.py", "../scripts/statsforecast_reference.py"].first { FileManager.default.fileExists(atPath: $0) }
        guard let script else { return nil }
        guard let output = try? runProcess("/usr/bin/env", ["python3", script, file, String(h), String(folds), String(season),
                                                           frequency.map(pandasAlias) ?? "1", "120",
                                                           mstlSeasons.map(String.init).joined(separator: ",")]) else { return nil }
        return try JSONDecoder().decode(Reference.self, from: Data(output.utf8))
    }

    /// pandas' name of a frequency (month starts are `MS`, quarter starts `QS`, years `YS`).
    static func pandasAlias(_ frequency: Frequency) -> String {
        switch frequency.unit {
        case .yearStart: return "\(frequency.multiple == 1 ? "" : String(frequency.multiple))YS"
        case .yearEnd: return "\(frequency.multiple == 1 ? "" : String(frequency.multiple))YE"
        case .monthEnd: return "\(frequency.multiple == 1 ? "" : String(frequency.multiple))ME"
        case .quarterEnd: return "\(frequency.multiple == 1 ? "" : String(frequency.multiple))QE"
        default: return frequency.description
        }
    }
}
