// `seer detect --stream` end to end: a stream scores rows exactly as `seer detect FILE` does, bad
// lines are said on stderr with their line numbers and skipped, JSON lines with series ids work,
// an empty stream is refused, and `--state` survives SIGTERM: stopping a stream mid-way and
// restarting it on the replayed input gives the same rows, none scored twice and none skipped.
import Foundation
import SeerData
import Testing

struct DetectStreamCLITests {
    /// A regular 5-minute series (daily cycle 288 steps) with a spike near the end.
    static func series(rows: Int = 1_200) -> String {
        var text = "timestamp,value\n"
        for i in 0..<rows {
            let t = Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 300)
            let value = 10 + 3 * sin(Double(i) * 2 * .pi / 288) + 0.2 * sin(Double(i) * 1.7) + (i == rows - 100 ? 25 : 0)
            text += "\(timestampText(t)),\(String(format: "%.4f", value))\n"
        }
        return text
    }

    static func timestampText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    @Test func aStreamScoresRowsAsTheFileCommandDoes() throws {
        let text = Self.series()
        let path = try CLITests.temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try CLITests.seer(["detect", path, "--warmup", "750", "--quiet"])
        let stream = try CLITests.seer(["detect", "--stream", "--quiet"], stdin: text)
        #expect(file.status == 0 && stream.status == 0, "\(stream.stderr)")
        let a = ForecastCLITests.rows(file.stdout), b = ForecastCLITests.rows(stream.stdout)
        #expect(a.count == 1_201 && b.count == 1_201)
        #expect(zip(a, b).allSatisfy { $0[2] == $1[2] && $0[3] == $1[3] }, "scores or labels differ")
        #expect(b.dropFirst().contains { $0[3] == "1" }, "the spike is labelled")
    }

    @Test func badLinesAreReportedAndSkipped() throws {
        let input = "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n2024-01-01 00:10:00\n"
            + "2024-01-01 00:10:00,nan\nnot a time,4\n2024-01-01 00:15:00,2\n2024-01-01 00:15:00,2\n2024-01-01 00:12:00,3\n2024-01-01 00:20:00,3\n"
        let run = try CLITests.seer(["detect", "--stream"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(ForecastCLITests.rows(run.stdout).count == 4, "\(run.stdout)")
        for (line, why) in [(3, "'abc' in value is not a number"), (4, "1 field where the header has 2"), (5, "value is nan; only finite values"),
                            (6, "'not a time' is not a timestamp"), (8, "duplicate timestamp"), (9, "out of order")] {
            #expect(run.stderr.contains("stdin:\(line): \(why)"), "line \(line): \(run.stderr)")
        }
        #expect(run.stderr.contains("3 rows scored in 1 series, 0 anomalous, 6 skipped"))
        let empty = try CLITests.seer(["detect", "--stream"], stdin: "")
        #expect(empty.status == 65 && empty.stderr.contains("the stream was empty"))
        let headerOnly = try CLITests.seer(["detect", "--stream"], stdin: "timestamp,value\n2024-01-01,x\n")
        #expect(headerOnly.status == 65 && headerOnly.stderr.contains("no line of the stream could be scored"))
        let wrongField = try CLITests.seer(["detect", "--stream", "--target", "cpu"], stdin: "timestamp,value\n")
        #expect(wrongField.status == 65 && wrongField.stderr.contains("no value field 'cpu'"), "\(wrongField.stderr)")
        let both = try CLITests.seer(["detect", "data/nab_rogue_agent_key_hold.csv", "--stream"])
        #expect(both.status == 64 && both.stderr.contains("--stream reads stdin"))
    }

    /// A line over 1 MiB (a stray binary blob on stdin) is skipped with a warning naming it; the
    /// rows around it are scored. It had been held whole and rescanned on every read.
    @Test func anOverlongLineIsSkippedWithItsLength() throws {
        let rows = (0..<20).map { "2024-01-01 \(String(format: "%02d", $0)):00:00,\($0 % 3)" }
        let input = "timestamp,value\n" + rows[..<5].joined(separator: "\n") + "\n" + String(repeating: "7", count: 2 << 20) + "\n"
            + rows[5...].joined(separator: "\n") + "\n"
        let run = try CLITests.seer(["detect", "--stream"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("stdin:7: the line is 2097152 bytes long, over the 1048576 a line may have; line skipped"), "\(run.stderr)")
        #expect(run.stderr.contains("20 rows scored in 1 series") && ForecastCLITests.rows(run.stdout).count == 21, "\(run.stderr)")
    }

    @Test func jsonLinesWithSeveralSeries() throws {
        var input = ""
        for i in 0..<400 { for id in ["web", "db"] { input += "{\"unique_id\":\"\(id)\",\"timestamp\":\(1_700_000_000 + i * 60),\"value\":\(Double(i % 7) + (id == "db" ? 100 : 0))}\n" } }
        let run = try CLITests.seer(["detect", "--stream", "--format", "jsonl", "--id", "unique_id", "--json"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 800)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["unique_id"] as? String == "web" && first["timestamp"] as? String == "1700000000" && first["label"] as? Int == 0)
        #expect(run.stderr.contains("800 rows scored in 2 series"))
    }

    /// `--out-sqlite` with a stream: the rows go into the table (not stdout) with the scores the
    /// CSV stream prints; running the same rows again rewrites them instead of duplicating them
    /// (a restart after a kill -9 scores a few rows twice); a table of another shape is refused.
    @Test func aStreamWritesIntoASQLiteTable() throws {
        let text = Self.series(rows: 600)
        let database = DetectCLITests.temporary("stream") + ".db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) } }
        let printed = try CLITests.seer(["detect", "--stream", "--quiet"], stdin: text)
        let stored = try CLITests.seer(["detect", "--stream", "--out-sqlite", database, "--out-table", "live"], stdin: text)
        #expect(stored.status == 0 && stored.stdout.isEmpty && stored.stderr.contains("rows in \(database):live"), "\(stored.stderr)")
        func table() throws -> [Float] {
            let read = try SQLiteSeriesReader.read(database, from: .table(name: "live"),
                                                   options: SQLiteReadOptions(timeColumn: "ds", targetColumns: ["anomaly_score"]))
            return read.series.series[0].columns[0].values
        }
        let expected = ForecastCLITests.rows(printed.stdout).dropFirst().map { Float($0[2])! }
        let first = try table()
        #expect(first == expected)
        let again = try CLITests.seer(["detect", "--stream", "--out-sqlite", database, "--out-table", "live", "--quiet"], stdin: text)
        let rewritten = try table()
        #expect(again.status == 0 && rewritten == expected, "the same rows again are replaced, not added")
        let withIds = try CLITests.seer(["detect", "--stream", "--format", "jsonl", "--id", "unique_id", "--out-sqlite", database, "--out-table", "live"],
                                        stdin: "{\"unique_id\":\"a\",\"timestamp\":1700000000,\"value\":1}\n")
        #expect(withIds.status == 64 && withIds.stderr.contains("table 'live' has the columns ds, value, anomaly_score, label"), "\(withIds.stderr)")
        let toFile = try CLITests.seer(["detect", "--stream", "--out", database + ".csv"], stdin: text)
        #expect(toFile.status == 64 && toFile.stderr.contains("not --out"))
    }

    /// SIGTERM mid-stream saves the state; the restart on the whole input again resumes after the
    /// last row scored: the two outputs together are the uninterrupted stream's, row for row.
    @Test func stateSurvivesSIGTERMAndResumesWithoutRescoringOrSkipping() throws {
        let text = Self.series()
        let whole = try CLITests.seer(["detect", "--stream", "--quiet"], stdin: text)
        let state = DetectCLITests.temporary("state")
        defer { try? FileManager.default.removeItem(atPath: state) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["detect", "--stream", "--state", state, "--quiet"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        input.fileHandleForWriting.write(Data((lines.prefix(601).joined(separator: "\n") + "\n").utf8))
        // Wait until all 600 rows are out, then stop it while it waits for more.
        var first = Data()
        while String(decoding: first, as: UTF8.self).split(separator: "\n").count < 601 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first += chunk
        }
        process.terminate()
        process.waitUntilExit()
        first += output.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: state + "/detect-state.json"))

        let resumed = try CLITests.seer(["detect", "--stream", "--state", state], stdin: text)
        #expect(resumed.status == 0 && resumed.stderr.contains("600 already scored before the restart"), "\(resumed.stderr)")
        #expect(String(decoding: first, as: UTF8.self) + resumed.stdout == whole.stdout)
        let wrongModel = try CLITests.seer(["detect", "--stream", "--state", state, "--model", "gaussian"], stdin: text)
        #expect(wrongModel.status == 64 && wrongModel.stderr.contains("--model linear"), "\(wrongModel.stderr)")
    }
}
