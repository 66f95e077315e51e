// `seer detect` end to end: NAB's layout out, no label during the warm-up, a fixed threshold or a
// target share of flagged rows, several series with unique_id first, and bad input refused with
// the right exit code and the row named.
import Foundation
import SeerEval
import Testing

struct DetectCLITests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("seer-detect-\(name)-\(UUID().uuidString)").path
    }

    @Test func scoresAFileInNABsLayout() throws {
        let run = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = ForecastCLITests.rows(run.stdout)
        #expect(rows.first == ["timestamp", "value", "anomaly_score", "label"] && rows.count == 1883)
        let body = rows.dropFirst()
        #expect(body.allSatisfy { Double($0[2]).map { $0 >= 0 && $0 <= 1 } == true && ($0[3] == "0" || $0[3] == "1") })
        // Warm-up: 15 % of 1,882 rows (282) are never labelled.
        #expect(body.prefix(282).allSatisfy { $0[3] == "0" })
        let flagged = body.filter { $0[3] == "1" }
        #expect(!flagged.isEmpty && flagged.allSatisfy { Double($0[2])! >= 0.5 } && run.stderr.contains("anomalous row"))
        // A target share: ⌊0.002 · 1,600⌋ = 3 rows after the warm-up.
        let share = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--fp-rate", "0.002", "--quiet"])
        #expect(ForecastCLITests.rows(share.stdout).dropFirst().filter { $0[3] == "1" }.count == 3)
        let both = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--fp-rate", "0.01", "--threshold", "0.9"])
        #expect(both.status == 64 && both.stderr.contains("not both"))
    }

    /// --out-sqlite: one table with ds, value, anomaly_score and label, read back by Seer's SQLite reader.
    @Test func scoresIntoASQLiteTable() throws {
        let database = Self.temporary("scores") + ".db"
        defer { try? FileManager.default.removeItem(atPath: database) }
        let run = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--out-sqlite", database, "--out-table", "scores"])
        #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.contains("wrote \(database):scores"), "\(run.stderr)")
        let inspect = try CLITests.seer(["inspect", "--sqlite", database, "--table", "scores"])
        #expect(inspect.status == 0 && inspect.stdout.contains("1882 rows") && inspect.stdout.contains("anomaly_score")
                && inspect.stdout.contains("label"), "\(inspect.stdout)")
        let alone = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--out-sqlite", database])
        #expect(alone.status == 64 && alone.stderr.contains("--out-table"))
    }

    @Test func severalSeriesAndBadInput() throws {
        let path = Self.temporary("long") + ".csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "unique_id,ds,y\n"
        for id in ["a", "b"] { for i in 0..<300 { text += String(format: "%@,2024-01-%02d %02d:00:00,%.3f\n", id, 1 + i / 24, i % 24, sin(Double(i) / 4)) } }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["detect", path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((json["rows"] as? [[String: Any]])?.count == 600 && (json["anomalies"] as? [String: Int])?.keys.sorted() == ["a", "b"])
        let csv = try CLITests.seer(["detect", path, "--quiet"])
        #expect(csv.stdout.hasPrefix("unique_id,timestamp,value,anomaly_score,label\n"))
        // A missing value is refused (exit 65) with its row; a non-numeric one by the reader.
        let holes = Self.temporary("holes") + ".csv"
        defer { try? FileManager.default.removeItem(atPath: holes) }
        try "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,\n2024-01-01 02:00:00,3\n".write(toFile: holes, atomically: true, encoding: .utf8)
        let missing = try CLITests.seer(["detect", holes])
        #expect(missing.status == 65 && missing.stderr.contains("row 2"), "\(missing.stderr)")
        try "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,abc\n".write(toFile: holes, atomically: true, encoding: .utf8)
        let text2 = try CLITests.seer(["detect", holes])
        #expect(text2.status == 65 && text2.stderr.contains(":3:2: column 'value': expected a number"), "\(text2.stderr)")
    }
}

extension DetectCLITests {
    /// --labels prints both confusion tables; --confusion, --plot and --report write well-formed files.
    @Test func labelsConfusionPlotAndReport() throws {
        let labels = Self.temporary("labels") + ".json", csv = Self.temporary("confusion") + ".csv"
        let plot = Self.temporary("plot") + ".svg", report = Self.temporary("report") + ".html"
        defer { for path in [labels, csv, plot, report] { try? FileManager.default.removeItem(atPath: path) } }
        try "{\"realKnownCause/nab_rogue_agent_key_hold.csv\": [[\"2014-07-15 04:35:00.000000\", \"2014-07-15 13:25:00.000000\"]]}"
            .write(toFile: labels, atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--labels", labels, "--confusion", csv,
                                     "--plot", plot, "--report", report, "--out", Self.temporary("scores") + ".csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("point-wise (rows after the warm-up)") && run.stderr.contains("event-wise"), "\(run.stderr)")
        let counts = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(counts.count == 3 && counts[0].first == "counted")
        // Point-wise cases are the 1,600 rows after the 282-row warm-up.
        let cases = counts[1][1...4].compactMap { Int($0) }.reduce(0, +)
        #expect(cases == 1_600, "\(counts)")
        for path in [plot, report] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(MarkupCheck.problem(in: text) == nil, "\(path): \(MarkupCheck.problem(in: text) ?? "")")
        }
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("Point-wise confusion") && html.contains("label windows") && !html.contains("src="))
        let unknown = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--labels", "data/nab_rogue_agent_key_hold.csv"])
        #expect(unknown.status == 65, "\(unknown.stderr)")
    }
}

extension DetectCLITests {
    /// A constant series scores finitely and raises nothing; a warm-up as long as the series is
    /// refused (65); repeated timestamps are scored in file order with a warning, or refused.
    @Test func constantShortAndRepeatedSeries() throws {
        let constant = Self.temporary("constant") + ".csv", repeated = Self.temporary("repeated") + ".csv"
        defer { for path in [constant, repeated] { try? FileManager.default.removeItem(atPath: path) } }
        var text = "timestamp,value\n"
        for i in 0..<700 { text += String(format: "2024-01-%02d %02d:00:00,5\n", 1 + i / 24, i % 24) }
        try text.write(toFile: constant, atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["detect", constant])
        let scores = ForecastCLITests.rows(run.stdout).dropFirst().compactMap { Double($0[2]) }
        #expect(run.status == 0 && scores.count == 700 && scores.allSatisfy { $0.isFinite && $0 < 0.5 }, "\(run.stderr)")
        let long = try CLITests.seer(["detect", constant, "--warmup", "700"])
        #expect(long.status == 65 && long.stderr.contains("700 rows, no more than the 700-row warm-up") && long.stderr.contains("lower --warmup"), "\(long.stderr)")
        try "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n2024-01-01 01:00:00,3\n2024-01-01 02:00:00,4\n".write(toFile: repeated, atomically: true, encoding: .utf8)
        let kept = try CLITests.seer(["detect", repeated])
        #expect(kept.status == 0 && kept.stderr.contains("1 row whose timestamp repeats or goes back (the first at row 3)"), "\(kept.stderr)")
        let refused = try CLITests.seer(["detect", repeated, "--on-duplicate", "error"])
        #expect(refused.status == 65 && refused.stderr.contains("duplicate timestamp"), "\(refused.stderr)")
    }
}

struct DetectExampleTests {
    @Test func detectExampleRunsOnThePublicAPI() throws {
        let run = try CLITests.run(CLITests.executable("seer-example-detect"), ["data/nab_rogue_agent_key_hold.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "nab_rogue_agent_key_hold: 1882 points", "\(lines)")
        #expect(lines.contains { $0.hasPrefix("alarm at 2014-07-") } && lines.contains { $0.hasSuffix("alarm(s)") })
        #expect(lines.last?.hasPrefix("detector linear, threshold ") == true, "\(lines)")
    }
}
