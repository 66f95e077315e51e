// End-to-end runs of the model benchmarks on tiny settings: they finish, print a table or one
// JSON document with the same figures, write their SVG overlays, and refuse bad options with 64
// (a missing file with 66, a file without the column they need with 65).
import Foundation
import Testing

struct BenchCLITests {
    @Test func speedPrintsTableAndJSON() throws {
        let arguments = ["bench", "speed", "--models", "gpt,nt,dijiang,dijiang-cffn,cofrgenet", "--seq", "32", "--batch", "2", "--width", "16", "--heads", "2",
                         "--layers", "1", "--min-time", "0.05", "--no-torch"]
        let table = try CLITests.seer(arguments)
        #expect(table.status == 0, "\(table.stderr)")
        for net in ["nt", "dijiang", "dijiang-cffn", "cofrgenet"] {
            #expect(table.stdout.contains("seer-\(net) / seer-gpt steps/s"), "\(table.stdout)")
        }
        let json = try CLITests.seer(arguments + ["--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let figures = try #require(document["figures"] as? [[String: Any]])
        #expect(figures.map { $0["model"] as? String ?? "" } == ["seer-gpt", "seer-nt", "seer-dijiang", "seer-dijiang-cffn", "seer-cofrgenet"])
        for figure in figures {
            #expect((figure["stepsPerSecond"] as? Double ?? 0) > 0, "\(figure)")
            #expect((figure["activationMiB"] as? Double ?? 0) > 0, "\(figure)")
        }
        #expect((document["ratios"] as? [[String: Any]])?.isEmpty == false)
        #expect(document["device"] as? String == "cpu" && table.stdout.contains("on cpu;"))
        // A GPU this machine lacks is exit 69 before anything is measured.
        let gpu = try CLITests.seer(arguments + ["--device", "cuda:7"])
        #expect(gpu.status == 69 && gpu.stderr.contains("cuda:7") && !gpu.stdout.contains("seer-gpt"), "\(gpu.stderr)")
    }

    @Test func speedRejectsUnknownNets() throws {
        let run = try CLITests.seer(["bench", "speed", "--models", "gpt,lstm"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--models"), "\(run.stderr)")
    }

    @Test func sineWritesOverlaysAndJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-sine-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try CLITests.seer(["bench", "sine", "--length", "400", "--period", "16", "--window", "16", "--width", "8",
                                     "--epochs", "1", "--seeds", "1", "--models", "nt,dijiang,cofrgenet", "--output", directory, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        let names = rows.map { $0["model"] as? String ?? "" }
        #expect(names.first == "gpt" && names.suffix(2) == ["dlinear", "repeat-last"], "\(names)")
        #expect(Set(names) == ["gpt", "nt", "dijiang", "cofrgenet", "dlinear", "repeat-last"], "\(names)")
        #expect(Set(rows.compactMap { $0["comparison"] as? String }).isSuperset(of: ["equal width"]))
        for row in rows {
            let plot = try #require(row["plot"] as? String)
            let svg = try String(contentsOfFile: plot, encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains("#1f5fbf") && svg.contains("#d62728"), "\(plot)")
            #expect((row["mse"] as? Double).map { $0.isFinite && $0 >= 0 } == true)
        }
        let bad = try CLITests.seer(["bench", "sine", "--window", "7"])
        #expect(bad.status == 64)
        let unknown = try CLITests.seer(["bench", "sine", "--models", "nt,lstm"])
        #expect(unknown.status == 64 && unknown.stderr.contains("--models"), "\(unknown.stderr)")
    }

    /// 300 days of a random walk with drift (a fixed LCG, so the file is the same every run), closes
    /// with two decimals as in a price file; the path, and the closes as the loader's Float32 holds them.
    static func stockFile(in directory: String) throws -> (path: String, closes: [Double]) {
        var state: UInt64 = 42, price = 100.0
        var closes: [Double] = []
        var csv = "Date,Open,High,Low,Close,Volume\n"
        for day in 0..<300 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            price += (Double(state >> 11) / 9_007_199_254_740_992.0 - 0.45) * 2  // steps uniform in [−0.9, 1.1): drift +0.1 a day
            let close = (price * 100).rounded() / 100
            closes.append(Double(Float(close)))
            // 28-day months keep every date valid; the gaps are like weekends, not missing data.
            csv += String(format: "2020-%02d-%02d", day / 28 + 1, day % 28 + 1) + ",\(close),\(close + 0.5),\(close - 0.5),\(close),1000\n"
        }
        let path = directory + "/prices.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, closes)
    }

    @Test func stockScoresTheModelsAgainstTheRandomWalk() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-stock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (path, closes) = try Self.stockFile(in: directory)
        let run = try CLITests.seer(["bench", "stock", "--files", path, "--models", "nt,dlinear", "--lookback", "16", "--width", "8",
                                     "--epochs", "1", "--output", directory + "/plots", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let file = try #require((document["files"] as? [[String: Any]])?.first)
        // The last 20 % of 300 days is the test set: rows 240..<300.
        #expect(file["days"] as? Int == 300 && file["testStart"] as? Int == 240 && file["testDays"] as? Int == 60, "\(file)")
        let rows = try #require(file["rows"] as? [[String: Any]])
        #expect(rows.map { $0["model"] as? String ?? "" } == ["nt", "dlinear", "random-walk"])
        for row in rows {
            let mae = try #require(row["mae"] as? Double)
            let rmse = try #require(row["rmse"] as? Double)
            #expect(mae.isFinite && rmse.isFinite && mae >= 0 && rmse >= 0, "\(row)")
            let accuracy = try #require(row["directionalAccuracy"] as? Double)
            #expect(accuracy >= 0 && accuracy <= 1, "\(row)")
            guard row["model"] as? String != "random-walk" else { continue }
            #expect((row["maeRatio"] as? Double).map { $0.isFinite && $0 > 0 } == true, "\(row)")
            let plot = try #require(row["plot"] as? String)
            let svg = try String(contentsOfFile: plot, encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains("#1f5fbf") && svg.contains("#d62728"), "\(plot)")
        }
        // Golden: the random walk's MAE is the mean |close[t] − close[t−1]| over the test days.
        let expected = (240..<300).map { abs(closes[$0] - closes[$0 - 1]) }.reduce(0, +) / 60
        let walk = try #require(rows.last)
        #expect(abs((walk["mae"] as? Double ?? -1) - expected) < 1e-5, "\(walk) vs \(expected)")
        #expect(abs((file["randomWalkMAE"] as? Double ?? -1) - expected) < 1e-5)
        #expect(walk["maeRatio"] as? Double == 1)
        // It never calls a direction, so it is right exactly on the flat days.
        #expect(walk["directionalAccuracy"] as? Double == file["flatShare"] as? Double, "\(walk)")
    }

    @Test func stockRefusesMissingFilesFilesWithoutCloseAndUnknownModels() throws {
        let missing = try CLITests.seer(["bench", "stock", "--files", "/no/such/prices.csv"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("/no/such/prices.csv") && missing.stderr.contains("--files"), "\(missing.stderr)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("seer-stock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let noClose = try CLITests.temporaryFile("Date,Open\n2020-01-01,1\n2020-01-02,2\n")
        defer { try? FileManager.default.removeItem(atPath: noClose) }
        let refused = try CLITests.seer(["bench", "stock", "--files", noClose, "--output", output])
        #expect(refused.status == 65 && refused.stderr.contains(noClose) && refused.stderr.contains("no Close column"), "\(refused.stderr)")
        let unknown = try CLITests.seer(["bench", "stock", "--models", "nt,lstm"])
        #expect(unknown.status == 64 && unknown.stderr.contains("--models"), "\(unknown.stderr)")
    }
}

/// ../shared/data/ett/ETTh1.csv beside the package.
let sharedETTh1 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/data/ett/ETTh1.csv").path

@Suite(.enabled(if: FileManager.default.fileExists(atPath: sharedETTh1), "../shared/data is absent: skipping the ETTh1 protocol test"))
struct ETTBenchCLITests {
    static let ett = sharedETTh1

    @Test func repeatLastReproducesThePublishedRow() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("seer-ett-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try CLITests.seer(["bench", "ett", "--file", Self.ett, "--models", "naive,dlinear", "--lookback", "96", "--horizon", "96",
                                     "--epochs", "1", "--output", output, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        let naive = try #require(rows.first { $0["model"] as? String == "naive" })
        // Published repeat-last at H = 96: 1.295 / 0.713, with every one of the 2785 test windows.
        #expect(abs((naive["mse"] as? Double ?? 0) - 1.295) < 0.003 && abs((naive["mae"] as? Double ?? 0) - 0.713) < 0.002, "\(naive)")
        #expect(naive["testWindows"] as? Int == 2785)
        let dlinear = try #require(rows.first { $0["model"] as? String == "dlinear" })
        #expect((dlinear["mse"] as? Double ?? 9) < 0.6, "one epoch of DLinear already beats repeat-last by far: \(dlinear)")
        let csv = try String(contentsOfFile: output + "/ett.csv", encoding: .utf8)
        #expect(csv.hasPrefix("model,lookback,horizon,mse,mae") && csv.contains("\ndlinear,96,96,"))
        // The nets' training settings are recorded with the figures.
        let training = try #require(document["training"] as? [String: Any])
        #expect(training["averaging"] as? Double == 0.999 && training["patience"] as? Int == 5, "\(training)")
        let unaveraged = try CLITests.seer(["bench", "ett", "--file", Self.ett, "--models", "naive", "--lookback", "96", "--horizon", "96",
                                            "--averaging", "0", "--output", output, "--json"])
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(unaveraged.stdout.utf8)) as? [String: Any])
        #expect((plain["training"] as? [String: Any])?["averaging"] == nil, "--averaging 0 trains the raw weights")
        let patched = try CLITests.seer(["bench", "ett", "--file", Self.ett, "--models", "naive", "--lookback", "96", "--horizon", "96",
                                         "--patch", "8,4", "--schedule", "halving", "--output", output, "--json"])
        let patchedTraining = try #require(try JSONSerialization.jsonObject(with: Data(patched.stdout.utf8)) as? [String: Any])["training"]
        #expect((patchedTraining as? [String: Any])?["patchLength"] as? Int == 8)
        #expect((patchedTraining as? [String: Any])?["schedule"] as? String == "halving")
        let badSchedule = try CLITests.seer(["bench", "ett", "--file", Self.ett, "--schedule", "cyclic"])
        #expect(badSchedule.status == 64 && badSchedule.stderr.contains("--schedule"), "\(badSchedule.stderr)")
        let tooLong = try CLITests.seer(["bench", "ett", "--file", Self.ett, "--lookback", "96", "--patch", "128,8"])
        #expect(tooLong.status == 64 && tooLong.stderr.contains("--patch"), "\(tooLong.stderr)")
        let bad = try CLITests.seer(["bench", "ett", "--file", Self.ett, "--models", "lstm"])
        #expect(bad.status == 64)
    }
}

/// `seer bench everyday`: every model and both autos scored by rolling-origin MASE on a folder of
/// series (the statsforecast side is skipped here: it is a heavy install, run by hand).
struct EverydayBenchCLITests {
    @Test func scoresModelsAndAutoOnAFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-everyday-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var text = "month,sales\n"
        for i in 0..<60 { text += String(format: "%d-%02d-01,%.1f\n", 2015 + i / 12, 1 + i % 12, 100 + Double(i) + 10 * sin(Double(i) * .pi / 6)) }
        try text.write(toFile: directory + "/sales.csv", atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["bench", "everyday", "--data", directory, "--models", "seasonal-naive,theta", "--folds", "2", "--epochs", "1",
                                     "--combine", "1", "--no-peer", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let series = try #require((json["series"] as? [[String: Any]])?.first)
        #expect(series["horizon"] as? Int == 12 && series["season"] as? Int == 12 && series["folds"] as? Int == 2, "\(series)")
        let scores = try #require(series["scores"] as? [[String: Any]])
        #expect(scores.map { $0["model"] as? String } == ["seasonal-naive", "theta", "auto-holdout", "auto-cv"], "\(scores)")
        // Seasonal naive of a series whose season repeats but drifts by 12 a year: every forecast is
        // 12 low, and the in-sample seasonal-naive MAE is 12 too — MASE 1 exactly.
        let seasonalNaive = try #require(scores.first?["mase"] as? Double)
        #expect(abs(seasonalNaive - 1) < 1e-4, "\(seasonalNaive)")
        #expect(scores.allSatisfy { ($0["mase"] as? Double).map { $0.isFinite && $0 >= 0 } ?? false }, "\(scores)")
    }

    /// `seer bench serve` on a small load: a server process, both loops, every answer checked, the
    /// server's count equal to the points sent; the table and the JSON carry the same run.
    @Test func serveLoadChecksEveryAnswer() throws {
        let run = try CLITests.seer(["bench", "serve", "--series", "20", "--connections", "4", "--rate", "400", "--seconds", "1", "--model", "gaussian", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.map { $0["mode"] as? String } == ["closed", "open"])
        #expect(runs.allSatisfy { $0["requests"] as? Int == 400 && $0["failed"] as? Int == 0 && $0["sequenceErrors"] as? Int == 0 })
        #expect(runs.allSatisfy { ($0["p99Milliseconds"] as? Double ?? -1) >= ($0["p50Milliseconds"] as? Double ?? 0) })
        #expect(object["serverScored"] as? Int == 800 && object["pointsSent"] as? Int == 800)
        let table = try CLITests.seer(["bench", "serve", "--series", "10", "--connections", "2", "--rate", "100", "--seconds", "1", "--model", "gaussian"])
        #expect(table.status == 0 && table.stdout.contains("server scored 200 of 200 points sent (none lost, none twice)"), "\(table.stdout)")
    }
}
