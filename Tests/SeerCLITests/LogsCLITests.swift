// `seer logs` end to end: an access log to per-minute counts written atomically and read back by
// `seer detect`; JSON lines from stdin; lines that do not match reported, not fatal; bad options
// and a missing file with their exit codes.
import Foundation
import Testing

struct LogsCLITests {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seer-logs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Two hours of a steady access log, 5 requests a minute, then a burst of 60 in one minute.
    static func accessLog() -> String {
        var lines: [String] = []
        for minute in 0..<120 {
            let count = minute == 100 ? 60 : 5
            for k in 0..<count {
                let second = k * 60 / count
                lines.append("10.0.0.\(k % 7) - - [01/Mar/2024:\(String(format: "%02d:%02d:%02d", 10 + minute / 60, minute % 60, second)) +0000] "
                             + "\"GET /p\(k) HTTP/1.1\" \(k % 10 == 0 ? 500 : 200) \(100 + k) \"-\" \"load/1.0\"")
            }
        }
        return lines.joined(separator: "\n") + "\ngarbage line\n"
    }

    @Test func anAccessLogBecomesCountsThatDetectReads() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.accessLog().write(toFile: dir + "/access.log", atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["logs", dir + "/access.log", "--count", "--bucket", "1m", "--out", dir + "/hits.csv"])
        #expect(run.status == 0 && run.stdout.isEmpty, "\(run.stderr)")
        #expect(run.stderr.contains("656 lines, 655 used, 1 skipped (line 656 does not match the format)"), "\(run.stderr)")
        let rows = try String(contentsOfFile: dir + "/hits.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 121 && rows[0] == "unique_id,ds,y" && rows[1] == "all,2024-03-01 10:00:00,5" && rows[101] == "all,2024-03-01 11:40:00,60")
        // Any Seer command reads the counts: `seer detect` scores every minute of them.
        let detect = try CLITests.seer(["detect", dir + "/hits.csv"])
        let scored = detect.stdout.split(separator: "\n")
        #expect(detect.status == 0 && scored.count == 121 && scored.contains { $0.hasPrefix("2024-03-01 11:40:00,60.0,") }, "\(detect.stderr)")
        // Piped into a stream: every bucket of every group scored once, in order.
        let counts = try CLITests.seer(["logs", dir + "/access.log", "--count", "--by", "status"])
        let stream = try CLITests.seer(["detect", "--stream", "--id", "unique_id", "--time", "ds", "--target", "y"], stdin: counts.stdout)
        let streamed = stream.stdout.split(separator: "\n")
        #expect(stream.status == 0 && streamed.count == 241 && streamed[0] == "unique_id,timestamp,value,anomaly_score,label"
                && streamed.filter { $0.hasPrefix("500,") }.count == 120, "\(stream.stderr)")
        // Per status and hour: one request in five (k = 0 of each minute's 0..<5) is a 500; the
        // burst minute adds 54 more 200s and 6 more 500s to the second hour.
        let byStatus = try CLITests.seer(["logs", dir + "/access.log", "--count", "--by", "status", "--bucket", "1h"])
        #expect(byStatus.stdout == "unique_id,ds,y\n200,2024-03-01 10:00:00,240\n200,2024-03-01 11:00:00,290\n500,2024-03-01 10:00:00,60\n500,2024-03-01 11:00:00,65\n",
                "\(byStatus.stdout)")
    }

    @Test func jsonLinesFromStdin() throws {
        let input = "{\"t\":\"2024-01-01T00:00:01Z\",\"ms\":4}\n{\"t\":\"2024-01-01T00:00:02Z\",\"ms\":8}\n{\"t\":\"2024-01-01T00:01:30Z\",\"ms\":1}\n"
        let run = try CLITests.seer(["logs", "-", "--format", "jsonl", "--time-field", "t", "--quantile", "0.5", "ms"], stdin: input)
        #expect(run.status == 0 && run.stdout == "unique_id,ds,y\nall,2024-01-01 00:00:00,6\nall,2024-01-01 00:01:00,1\n", "\(run.stdout) \(run.stderr)")
    }

    @Test func badInputHasItsExitCode() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "only noise\nmore noise\n".write(toFile: dir + "/noise.log", atomically: true, encoding: .utf8)
        let noise = try CLITests.seer(["logs", dir + "/noise.log", "--out", dir + "/x.csv"])
        #expect(noise.status == 65 && noise.stderr.contains("no line could be used; the first skipped: line 1 does not match the format"), "\(noise.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.csv"))
        #expect(try CLITests.seer(["logs", dir + "/missing.log"]).status == 66)
        let field = try CLITests.seer(["logs", dir + "/noise.log", "--mean", "latency"])
        #expect(field.status == 64 && field.stderr.contains("'latency' is not a field of the lines"), "\(field.stderr)")
        #expect(try CLITests.seer(["logs", dir + "/noise.log", "--bucket", "5w"]).status == 64)
        #expect(try CLITests.seer(["logs", dir + "/noise.log", "--count", "--rate"]).status == 64)
        #expect(try CLITests.seer(["logs", dir + "/noise.log", "--pattern", "(?<time>"]).status == 64)
    }

    /// A line over 1 MiB is skipped with its length and the lines after it still count; a file
    /// with no newline at all is refused in linear time. Each read had rescanned everything held
    /// for a newline and kept it all, so such a file was quadratic in time and whole in memory.
    @Test func overlongLinesAreSkippedNotHeld() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = Self.accessLog().split(separator: "\n")
        let huge = String(repeating: "x", count: 1_572_864)
        try (good[..<10].joined(separator: "\n") + "\n" + huge + "\n" + good[10...].joined(separator: "\n") + "\n")
            .write(toFile: dir + "/access.log", atomically: true, encoding: .utf8)
        let run = try CLITests.seer(["logs", dir + "/access.log", "--count", "--bucket", "1m"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("657 lines, 655 used, 2 skipped (line 11 is 1572864 bytes long, over the 1048576 a line may have);"
                                    + " (line 657 does not match the format)"), "\(run.stderr)")
        #expect(run.stdout.contains("all,2024-03-01 11:40:00,60\n"))
        try String(repeating: "y", count: 8 << 20).write(toFile: dir + "/one.log", atomically: true, encoding: .utf8)
        let one = try CLITests.seer(["logs", dir + "/one.log", "--format", "jsonl"])
        #expect(one.status == 65 && one.stderr.contains("line 1 is 8388608 bytes long, over the 1048576 a line may have"), "\(one.stderr)")
    }
}
