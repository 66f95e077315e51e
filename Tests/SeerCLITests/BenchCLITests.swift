// End-to-end runs of the model benchmarks on tiny settings: they finish, print a table or one
// JSON document with the same figures, write their SVG overlays, and refuse bad options with 64.
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
