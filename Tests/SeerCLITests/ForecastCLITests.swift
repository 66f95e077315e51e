// `seer forecast` end to end: CSV out with future timestamps at the inferred frequency, JSON,
// --out files, --model auto's choice, long-format inputs, and bad options or data refused with
// the documented exit codes.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

struct ForecastCLITests {
    static func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func forecastsTheAirlineSeriesAsCSV() throws {
        let run = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "12", "--model", "dlinear", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = Self.rows(run.stdout)
        #expect(lines.first == ["unique_id", "ds", "dlinear"])
        #expect(lines.count == 13)
        #expect(lines.dropFirst().map { $0[1] } == (1...12).map { String(format: "1961-%02d-01", $0) })
        let values = lines.dropFirst().compactMap { Float($0[2]) }
        #expect(values.count == 12 && values.allSatisfy { $0 > 200 && $0 < 1000 }, "\(values)")
        #expect(run.stderr.isEmpty)
    }

    @Test func jsonAndOutFile() throws {
        let json = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--model", "seasonal-naive", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["model"] as? String == "seasonal-naive" && document["frequency"] as? String == "MS")
        let rows = try #require(document["rows"] as? [[String: Any]])
        // Seasonal-naive with the monthly season of 12 repeats 1960's first six months.
        #expect(rows.map { $0["value"] as? Double ?? 0 } == [417, 391, 419, 461, 472, 535])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-forecast-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--model", "naive", "--out", path])
        #expect(out.status == 0 && out.stdout.isEmpty, "\(out.stderr)")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(Self.rows(written).count == 7 && written.contains("1961-06-01,432"))
        #expect(out.stderr.contains("wrote \(path)"))
    }

    @Test func autoSaysWhichModelItChose() throws {
        let held = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "12", "--epochs", "2"])
        #expect(held.status == 0 && held.stderr.contains("(auto: lowest held-out MSE)") && held.stderr.contains("held-out MSE:"), "\(held.stderr)")
        let run = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "12", "--epochs", "2", "--select", "cv"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(run.stderr.split(separator: "\n").last.map(String.init))
        #expect(summary.contains("(auto: lowest MASE over 3 rolling-origin folds)") && summary.contains("cross-validated MASE (3 folds):"), "\(summary)")
        #expect(summary.contains("theta"), "every candidate is scored: \(summary)")
        let chosen = try #require(Self.rows(run.stdout).first?.last)
        #expect(summary.hasPrefix("model \(chosen) "), "\(summary)")
    }

    @Test func longFormatForecastsEveryId() throws {
        // Sixty consecutive days for two ids, a weekly pattern on different levels.
        var csv = "unique_id,ds,y\n"
        let start = 1_704_067_200  // 2024-01-01
        for id in ["north", "south"] {
            for day in 0..<60 {
                let date = Date(timeIntervalSince1970: TimeInterval(start + day * 86_400))
                let f = DateFormatter()
                f.dateFormat = "yyyy-MM-dd"
                f.timeZone = TimeZone(identifier: "UTC")
                csv += "\(id),\(f.string(from: date)),\(Double(day % 7) + (id == "north" ? 10 : 20))\n"
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-long-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["forecast", path, "--horizon", "7", "--model", "seasonal-naive", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = Self.rows(run.stdout).dropFirst()
        #expect(lines.count == 14)
        #expect(lines.filter { $0[0] == "north" }.map { $0[1] }.first == "2024-03-01")  // day 60 after 2024-01-01 (leap year)
        #expect(lines.filter { $0[0] == "south" }.compactMap { Float($0[2]) } == [24, 25, 26, 20, 21, 22, 23])
    }

    @Test func badInputsAreRefused() throws {
        let zero = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "0"])
        #expect(zero.status == 65 && zero.stderr.contains("--horizon"), "\(zero.stderr)")
        let model = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--model", "lstm"])
        #expect(model.status == 65 && model.stderr.contains("--model"), "\(model.stderr)")
        let long = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "200", "--model", "dlinear"])
        #expect(long.status == 65 && long.stderr.contains("144 steps"), "\(long.stderr)")
        let missing = try CLITests.seer(["forecast", "no-such-file.csv", "--horizon", "3"])
        #expect(missing.status == 66, "\(missing.stderr)")
    }

    /// A daily CSV `ds,y` of `values` (nil: an empty field).
    static func dailyCSV(_ name: String, _ values: [Float?]) throws -> String {
        let path = TrainPredictBacktestCLITests.temporary(name) + ".csv"
        var text = "ds,y\n"
        for (i, v) in values.enumerated() {
            text += "2020-\(String(format: "%02d", 1 + i / 28))-\(String(format: "%02d", 1 + i % 28)),\(v.map { "\($0)" } ?? "")\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// "Lower --lookback or --horizon" only where that is true: seasonal-naive's minimum is its
    /// season, a look-back of 1 cannot go lower, and each message names the real minimum.
    @Test func tooShortSaysWhatSetsTheMinimum() throws {
        let path = try Self.dailyCSV("short", (0..<10).map { Float($0) })
        let seasonal = try CLITests.seer(["forecast", path, "--horizon", "3", "--model", "seasonal-naive", "--season", "12"])
        #expect(seasonal.status == 65 && seasonal.stderr.contains("at least 12") && seasonal.stderr.contains("--season (now 12)"), "\(seasonal.stderr)")
        #expect(!seasonal.stderr.contains("--lookback"), "\(seasonal.stderr)")
        let one = try CLITests.seer(["forecast", path, "--horizon", "9", "--model", "dlinear", "--lookback", "1"])
        #expect(one.status == 65 && one.stderr.contains("at least 11 are needed (look-back 1 + horizon 9 + 1)"), "\(one.stderr)")
        #expect(one.stderr.contains("lower --horizon (now 9)") && !one.stderr.contains("--lookback"), "\(one.stderr)")
        let folds = try CLITests.seer(["backtest", path, "--horizon", "3", "--folds", "4", "--model", "naive", "--lookback", "2"])
        #expect(folds.status == 65 && folds.stderr.contains("--folds (now 4)") && folds.stderr.contains("fold 4's cutoff"), "\(folds.stderr)")
        // A baseline forecasts a history too short for a held-out window, without a score.
        let naive = try CLITests.seer(["forecast", path, "--horizon", "3", "--model", "naive", "--lookback", "8", "--quiet"])
        #expect(naive.status == 0 && naive.stdout.split(separator: "\n").count == 4, "\(naive.stderr)")
    }

    /// A short series backtests at every fold: folds too short for the look-back refit with a
    /// shorter one and say so (36 points, folds of H = 6: the fifth leaves 6 steps of history, the
    /// fourth 12 — DLinear needs H + 2 to train, repeat-last and auto's fallbacks need less).
    @Test func shortSeriesBacktestAtEveryFold() throws {
        let sales: [Float?] = (0..<36).map { (i: Int) -> Float? in Float(100 + 3 * i + (i % 7) * 5) }
        let path = try Self.dailyCSV("shampoo", sales)
        for (model, folds) in [("dlinear", 4), ("naive", 5), ("auto", 5)] {
            let run = try CLITests.seer(["backtest", path, "--horizon", "6", "--folds", String(folds), "--model", model, "--epochs", "3"])
            #expect(run.status == 0, "\(model): \(run.stderr)")
            let rows: [[String]] = Self.rows(run.stdout)
            #expect(rows.count == 1 + folds * 6, "\(model): every fold forecast")
            if model != "auto" {
                let noted = run.stderr.contains("fold \(folds): look-back")
                #expect(noted, "\(model): \(run.stderr)")
            }
        }
    }

    @Test func emptyTargetsAndConstantSeries() throws {
        let empty = try Self.dailyCSV("empty", [Float?](repeating: nil, count: 56))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let refused = try CLITests.seer(["forecast", empty, "--horizon", "5"])
        #expect(refused.status == 65 && refused.stderr.contains("no values to forecast") && refused.stderr.contains(empty), "\(refused.stderr)")
        // A constant series forecasts that constant (RevIN's zero spread must not give NaN; the nets
        // train 2 epochs here, DLinear — no normalisation — its default step budget).
        let constant = try Self.dailyCSV("constant", [Float?](repeating: 5, count: 56))
        defer { try? FileManager.default.removeItem(atPath: constant) }
        for model in ["nt", "dijiang", "cofrgenet", "gpt", "dlinear", "rlinear", "naive"] {
            let budget = model == "dlinear" ? [] : ["--epochs", "2"]
            let run = try CLITests.seer(["forecast", constant, "--horizon", "3", "--model", model, "--quiet"] + budget)
            #expect(run.status == 0, "\(model): \(run.stderr)")
            let values = ForecastCLITests.rows(run.stdout).dropFirst().map { Float($0[2]) ?? .nan }
            #expect(values.count == 3 && values.allSatisfy { abs($0 - 5) < 1e-2 }, "\(model): \(values)")
        }
    }
}

struct TrainPredictBacktestCLITests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("seer-\(name)-\(UUID().uuidString)").path
    }

    @Test func trainThenPredictGivesTheForecastWithIntervals() throws {
        let directory = Self.temporary("model")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = ["data/airline_passengers.csv", "--horizon", "6", "--model", "dlinear", "--epochs", "5", "--levels", "80"]
        let train = try CLITests.seer(["train"] + common + ["--save", directory, "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let config = try String(contentsOfFile: directory + "/config.json", encoding: .utf8)
        #expect(config.contains("\"conformal_half_widths\"") && config.contains("\"training_data_fingerprint\"") && config.contains("\"MS\""))
        let predict = try CLITests.seer(["predict", "--model", directory, "data/airline_passengers.csv", "--quiet"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let forecast = try CLITests.seer(["forecast"] + common + ["--quiet"])
        #expect(predict.stdout == forecast.stdout, "a saved model forecasts what the same run prints")
        let lines = ForecastCLITests.rows(predict.stdout)
        #expect(lines.first == ["unique_id", "ds", "dlinear", "dlinear-lo-80", "dlinear-hi-80"])
        for line in lines.dropFirst() {
            let (value, lo, hi) = (Float(line[2])!, Float(line[3])!, Float(line[4])!)
            #expect(lo < value && value < hi)
        }
        // Levels the residuals cannot support are refused before anything is written.
        let tooHigh = try CLITests.seer(["train"] + common.dropLast(2) + ["--levels", "95", "--calibration-folds", "3", "--save", directory + "-x",
                                                                          "--quiet"])
        #expect(tooHigh.status == 64 && tooHigh.stderr.contains("--calibration-folds"), "\(tooHigh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "-x"))
        // Without --calibration-folds, a 95 % level gets its 19 folds: on 144 months with H = 24 they
        // fit only with cutoffs closer than 24 steps.
        let wide = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "24", "--model", "dlinear", "--epochs", "2",
                                      "--levels", "80,95", "--quiet"])
        #expect(wide.status == 0, "\(wide.stderr)")
        let wideRows = ForecastCLITests.rows(wide.stdout)
        #expect(wideRows.first?.suffix(2) == ["dlinear-lo-95", "dlinear-hi-95"] && wideRows.count == 25)
        for line in wideRows.dropFirst() {
            let (lo80, hi80, lo95, hi95) = (Float(line[3])!, Float(line[4])!, Float(line[5])!, Float(line[6])!)
            #expect(lo95 <= lo80 && lo80 < hi80 && hi80 <= hi95)
        }
        let missing = try CLITests.seer(["predict", "--model", directory + "-none", "data/airline_passengers.csv"])
        #expect(missing.status != 0 && missing.stderr.contains("seer: error:"))
        // A model directory from a newer format version is refused as bad input, naming the version.
        let configPath = directory + "/config.json"
        let original = try String(contentsOfFile: configPath, encoding: .utf8)
        try original.replacingOccurrences(of: "\"format_version\": 1", with: "\"format_version\": 99")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let newer = try CLITests.seer(["predict", "--model", directory, "data/airline_passengers.csv"])
        #expect(newer.status == 65 && newer.stderr.contains("99") && newer.stderr.contains("newer"), "\(newer.stderr)")
    }

    @Test func backtestWritesCutoffsActualsAndForecasts() throws {
        let run = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "12", "--folds", "2", "--model", "seasonal-naive"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = ForecastCLITests.rows(run.stdout)
        #expect(lines.first == ["unique_id", "cutoff", "ds", "y", "seasonal-naive"])
        #expect(lines.count == 25)
        #expect(Set(lines.dropFirst().map { $0[1] }) == ["1958-12-01", "1959-12-01"])
        // 1959-01 forecast by seasonal-naive = 1958-01 (340); actual 360.
        #expect(lines[1] == ["value", "1958-12-01", "1959-01-01", "360.0", "340.0"])
        #expect(run.stderr.contains("MSE") && run.stderr.contains("MAE"))
        let json = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "12", "--folds", "2", "--model", "naive", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((document["rows"] as? [Any])?.count == 24 && (document["mse"] as? Double ?? 0) > 0)
        // Cutoffs 3 months apart: three overlapping folds.
        let stepped = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "12", "--folds", "3", "--step", "3",
                                         "--model", "seasonal-naive"])
        #expect(stepped.status == 0, "\(stepped.stderr)")
        #expect(Set(ForecastCLITests.rows(stepped.stdout).dropFirst().map { $0[1] }) == ["1959-06-01", "1959-09-01", "1959-12-01"])
        #expect(stepped.stderr.contains("cutoffs 3 apart"))
    }

    @Test func forecastIntoSQLite() throws {
        let database = Self.temporary("out") + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: database) }
        let run = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--model", "naive",
                                     "--out-sqlite", database, "--out-table", "forecasts", "--quiet"])
        #expect(run.status == 0 && run.stdout.isEmpty, "\(run.stderr)")
        let back = try CLITests.seer(["inspect", "--sqlite", database, "--table", "forecasts", "--json"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("1961-01-01") && back.stdout.contains("naive"), "\(back.stdout)")
        let half = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--out-sqlite", database])
        #expect(half.status == 64)
        let cuda = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--device", "cuda"])
        // Parsed into a Device once; a device without a backend here is EX_UNAVAILABLE, not a crash.
        #expect(cuda.status == 69 && cuda.stderr.contains("device cuda:0 is not available"), "\(cuda.stderr)")
        let backtest = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "3", "--model", "naive", "--device", "cuda:1"])
        #expect(backtest.status == 69 && backtest.stderr.contains("cuda:1"), "\(backtest.stderr)")
        let unknown = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--device", "tpu"])
        #expect(unknown.status == 64 && unknown.stderr.contains("--device"), "\(unknown.stderr)")
    }
}

struct ForecastPictureTests {
    @Test func plotAndReportHoldTheSeries() throws {
        let plot = TrainPredictBacktestCLITests.temporary("plot") + ".svg", report = TrainPredictBacktestCLITests.temporary("report") + ".html"
        defer { for path in [plot, report] { try? FileManager.default.removeItem(atPath: path) } }
        let run = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "12", "--model", "dlinear", "--epochs", "5",
                                     "--levels", "50,80", "--calibration-folds", "8", "--plot", plot, "--report", report, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        _ = try XMLDocument(xmlString: svg)
        #expect(svg.contains("#8c8c8c") && svg.contains("#d62728"), "history grey, forecast red")
        #expect(svg.components(separatedBy: "<polygon").count == 3, "one band per level")
        #expect(svg.contains("<title>50 % interval</title>") && svg.contains("<title>80 % interval</title>"))
        #expect(svg.contains(">1950-01-01<") && svg.contains(">1960-01-01<"), "date ticks on year boundaries")
        // The history path has one point per observed month, the forecast H + 1 (joined to the last value).
        let paths = svg.components(separatedBy: "<path d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(paths.map { $0.filter { $0 == "M" || $0 == "L" }.count } == [144, 13])
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg") && html.contains("dlinear-lo-80"))
        #expect(html.contains("data/airline_passengers.csv") && html.contains("1949-01-01 → 1960-12-01") && html.contains("Held-out error"))
        // The model's configuration and training: DLinear at L = 48: 2·(48·12 + 12) = 1176 parameters, lr, epochs run and kept.
        #expect(html.contains("trend + remainder linear maps") && html.contains(">1176<") && html.contains("AdamW, lr 0.005, batch 32"), "\(html)")
        #expect(html.contains("5 epochs") && html.contains("kept epoch"))
        #expect(!html.contains("src=") && !html.contains("href="))
        let figure = try #require(html.components(separatedBy: "<figure>\n").last?.components(separatedBy: "<figcaption>").first)
        _ = try XMLDocument(xmlString: figure)
    }

    /// Points of each `<path>` in an SVG (history first, then the forecast or actuals).
    static func pathPoints(_ svg: String) -> [Int] {
        svg.components(separatedBy: "<path d=\"").dropFirst().map { $0.prefix { $0 != "\"" }.filter { $0 == "M" || $0 == "L" }.count }
    }

    /// A long series shows its recent history (max(5·H, 200) steps) so the forecast is not a
    /// sliver at the edge; --plot-history sets the count or draws it all.
    @Test func plotsDrawTheRecentHistory() throws {
        let plot = TrainPredictBacktestCLITests.temporary("recent") + ".svg"
        defer { try? FileManager.default.removeItem(atPath: plot) }
        let weekly = try CLITests.seer(["forecast", "data/co2_mauna_loa_weekly.csv", "--missing", "interpolate", "--horizon", "4",
                                        "--model", "naive", "--plot", plot, "--quiet"])
        #expect(weekly.status == 0, "\(weekly.stderr)")
        #expect(Self.pathPoints(try String(contentsOfFile: plot, encoding: .utf8)) == [200, 5])
        for (option, points) in [("24", 24), ("all", 144)] {
            let run = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "12", "--model", "naive", "--plot", plot,
                                         "--plot-history", option, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(Self.pathPoints(try String(contentsOfFile: plot, encoding: .utf8)) == [points, 13], "--plot-history \(option)")
        }
        let backtest = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "6", "--folds", "2", "--model", "naive",
                                          "--plot", plot, "--plot-history", "10", "--quiet"])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        // 10 steps before the earliest cutoff's last observed step, then the two folds' 12 steps.
        #expect(Self.pathPoints(try String(contentsOfFile: plot, encoding: .utf8)).first == 10 + 1 + 12)
        let bad = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--plot-history", "0"])
        #expect(bad.status == 64 && bad.stderr.contains("--plot-history"), "\(bad.stderr)")
    }

    @Test func backtestPlotOverlaysEveryFold() throws {
        let plot = TrainPredictBacktestCLITests.temporary("backtest") + ".svg"
        defer { try? FileManager.default.removeItem(atPath: plot) }
        let run = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "6", "--folds", "4", "--model", "seasonal-naive",
                                     "--plot", plot, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        _ = try XMLDocument(xmlString: svg)
        let paths = svg.components(separatedBy: "<path d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(paths.count == 3)
        #expect(paths[2].filter { $0 == "M" }.count == 4, "one forecast segment per fold")
    }
}

struct ExampleProgramTests {
    @Test func forecastExampleRunsOnThePublicAPI() throws {
        let run = try CLITests.run(CLITests.executable("seer-example-forecast"), ["data/airline_passengers.csv", "6"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "airline_passengers: 144 steps, frequency MS", "\(lines)")
        #expect(lines.contains("saved and reloaded: same forecast"))
        #expect(lines.filter { $0.hasPrefix("1961-0") }.count == 6, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("model dlinear (named in the request); look-back 24, horizon 6, frequency MS") }, "\(lines)")
        #expect(lines.last == "unique_id,ds,dlinear,dlinear-lo-80,dlinear-hi-80", "\(lines)")
    }
}

/// The statistical models from the command line: their own intervals (`--intervals model`) through
/// forecast, train and predict; a model without any refused with exit 64.
struct StatisticalModelCLITests {
    @Test func modelIntervalsThroughForecastTrainAndPredict() throws {
        let directory = TrainPredictBacktestCLITests.temporary("arima")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = ["data/airline_passengers.csv", "--horizon", "12", "--model", "arima", "--levels", "80,95", "--intervals", "model"]
        let forecast = try CLITests.seer(["forecast"] + common + ["--quiet"])
        #expect(forecast.status == 0, "\(forecast.stderr)")
        let rows = ForecastCLITests.rows(forecast.stdout)
        #expect(rows.first == ["unique_id", "ds", "arima", "arima-lo-80", "arima-hi-80", "arima-lo-95", "arima-hi-95"])
        var widths: [Float] = []
        for line in rows.dropFirst() {
            let v = line.dropFirst(2).map { Float($0)! }
            #expect(v[3] < v[1] && v[1] < v[0] && v[0] < v[2] && v[2] < v[4], "\(line)")
            widths.append(v[2] - v[1])
        }
        // ARIMA's intervals widen with the horizon (ψ-weights accumulate).
        #expect(widths.last! > widths.first!)
        let train = try CLITests.seer(["train"] + common + ["--save", directory, "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(try String(contentsOfFile: directory + "/config.json", encoding: .utf8).contains("\"model_interval_levels\""))
        let predict = try CLITests.seer(["predict", "--model", directory, "data/airline_passengers.csv", "--quiet"])
        #expect(predict.status == 0 && predict.stdout == forecast.stdout, "\(predict.stderr)")
        // A net has no intervals of its own: exit 64, naming what works instead.
        let refused = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--model", "theta", "--levels", "80",
                                         "--intervals", "model", "--quiet"])
        #expect(refused.status == 64 && refused.stderr.contains("conformal"), "\(refused.stderr)")
    }

    /// Every statistical model forecasts the airline series end to end (finite, in a sane range).
    @Test func everyStatisticalModelForecasts() throws {
        for model in ["ets", "arima", "mstl", "croston", "tsb", "theta"] {
            let run = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--model", model, "--quiet"])
            #expect(run.status == 0, "\(model): \(run.stderr)")
            let values = ForecastCLITests.rows(run.stdout).dropFirst().map { Float($0[2])! }
            #expect(values.count == 6 && values.allSatisfy { $0 > 100 && $0 < 800 }, "\(model): \(values)")
        }
    }
}

/// `--combine K` from the command line: auto's best K as one "ensemble" column; train refuses it
/// before any work (exit 64).
struct EnsembleCLITests {
    @Test func forecastCombinesAndTrainRefuses() throws {
        let forecast = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--epochs", "1", "--select", "cv",
                                          "--combine", "2", "--json", "--quiet"])
        #expect(forecast.status == 0, "\(forecast.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(forecast.stdout.utf8)) as? [String: Any])
        #expect(json["model"] as? String == "ensemble" && (json["chosenBy"] as? String ?? "").contains("median of the 2"), "\(json)")
        let directory = TrainPredictBacktestCLITests.temporary("ensemble")
        let train = try CLITests.seer(["train", "data/airline_passengers.csv", "--horizon", "6", "--combine", "2", "--save", directory])
        #expect(train.status == 64 && train.stderr.contains("--combine"), "\(train.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory))
        let named = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--model", "ets", "--combine", "2"])
        #expect(named.status == 64 && named.stderr.contains("auto"), "\(named.stderr)")
    }
}
