// Metrics from log lines: access-log times to the second (with their zone), buckets aligned to the
// epoch with zeros where no line fell, means and interpolated quantiles per group, JSON lines, a
// custom pattern's named groups, and lines that do not fit counted rather than fatal.
import Testing
import SeerBase
@testable import SeerData

struct LogMetricsTests {
    static let access = """
        10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 2326 "-" "curl/8.0"
        10.0.0.1 - - [10/Oct/2000:13:55:59 -0700] "GET /b HTTP/1.1" 500 10 "http://x/" "Mozilla/5.0 (X11)"
        not an access log line
        10.0.0.2 - bob [10/Oct/2000:13:58:00 -0700] "POST /c HTTP/1.0" 200 30
        10.0.0.3 - - [10/Oct/2000:13:58:59 -0700] "GET /d HTTP/1.1" 200 -
        """

    static func run(_ text: String, _ metrics: inout LogMetrics) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { metrics.add(line) }
    }

    @Test func accessLogTimesKeepTheirZone() {
        // 13:55:36 at −07:00 is 20:55:36 UTC: 971211336 (date -d '2000-10-10T20:55:36Z' +%s).
        #expect(LogMetrics.parseTime("10/Oct/2000:13:55:36 -0700") == 971_211_336)
        #expect(LogMetrics.parseTime("10/Oct/2000:22:25:36 +0130") == 971_211_336)
        #expect(LogMetrics.parseTime("2000-10-10T20:55:36Z") == 971_211_336)
        #expect(LogMetrics.parseTime("971211336.75") == 971_211_336)
        for bad in ["10/Foo/2000:13:55:36 -0700", "32/Oct/2000:13:55:36 -0700", "31/Apr/2000:13:55:36 -0700", "10/Oct/2000:13:55:36 0700", "yesterday", ""] {
            #expect(LogMetrics.parseTime(bad) == nil, "\(bad)")
        }
    }

    @Test func countsFillEmptyBucketsWithZero() throws {
        var metrics = try LogMetrics(format: .combined, timeField: "time", bucketSeconds: 60, aggregation: .count)
        Self.run(Self.access, &metrics)
        #expect(metrics.lines == 5 && metrics.matched == 4 && metrics.skipped == 1 && metrics.firstSkipped.first?.line == 3)
        let series = try metrics.series()
        #expect(series.count == 1 && series[0].id == "all")
        #expect(series[0].points.map(\.value) == [2, 0, 0, 2], "20:55, 20:56, 20:57 (no line), 20:58")
        #expect(series[0].points.first?.time == 971_211_300)
        var rate = try LogMetrics(format: .common, timeField: "time", bucketSeconds: 60, aggregation: .rate)
        Self.run(Self.access, &rate)
        #expect(try rate.series()[0].points.map(\.value) == [2.0 / 60, 0, 0, 2.0 / 60])
    }

    @Test func meansAndQuantilesPerGroupAreMissingWhereNoLineFell() throws {
        var mean = try LogMetrics(format: .combined, timeField: "time", bucketSeconds: 60, aggregation: .mean(field: "bytes"), by: "status")
        Self.run(Self.access, &mean)
        // The line with bytes "-" is skipped for a mean (not a number), and said so.
        #expect(mean.skipped == 2 && mean.firstSkipped.map(\.why).contains("bytes is not a number"))
        let series = try mean.series()
        #expect(series.map(\.id) == ["200", "500"])
        #expect(series[0].points.map(\.value) == [2326, nil, nil, 30])
        #expect(series[1].points.map(\.value) == [10])
        #expect(try mean.csv() == "unique_id,ds,y\n200,2000-10-10 20:55:00,2326\n200,2000-10-10 20:56:00,\n200,2000-10-10 20:57:00,\n"
            + "200,2000-10-10 20:58:00,30\n500,2000-10-10 20:55:00,10\n")
        // Linear interpolation between order statistics: the 0.9 quantile of 1…10 is 9.1.
        #expect(abs(LogMetrics.quantile((1...10).map(Double.init).reversed(), 0.9) - 9.1) < 1e-12)
        #expect(LogMetrics.quantile([4], 0.5) == 4)
    }

    @Test func jsonLinesAndCustomPatterns() throws {
        var json = try LogMetrics(format: .jsonLines, timeField: "ts", bucketSeconds: 10, aggregation: .quantile(0.5, field: "ms"), by: "host")
        Self.run("""
            {"ts": "2024-01-01T00:00:01Z", "ms": 10, "host": "a"}
            {"ts": 1704067205, "ms": 30, "host": "a"}
            {"ts": "2024-01-01T00:00:12Z", "ms": "7", "host": "b"}
            [1, 2]
            {"ms": 3, "host": "a"}
            """, &json)
        #expect(json.matched == 3 && json.skipped == 2)
        #expect(try json.series().map { "\($0.id):\($0.points.map(\.value))" } == ["a:[Optional(20.0)]", "b:[Optional(7.0)]"])
        var custom = try LogMetrics(format: .pattern(#"^(?<when>\S+) level=(?<level>\w+) took=(?<took>[\d.]+)ms"#), timeField: "when",
                                    bucketSeconds: 3600, aggregation: .count, by: "level")
        Self.run("2024-01-01T00:10:00Z level=info took=3ms\n2024-01-01T00:20:00Z level=error took=9.5ms\nnoise\n2024-01-01T01:00:00Z level=info took=1ms", &custom)
        #expect(try custom.series().map { "\($0.id):\($0.points.map(\.value))" } == ["error:[Optional(1.0)]", "info:[Optional(1.0), Optional(1.0)]"])
        #expect(LogFormat.groupNames(#"(?<a>x)(?<=y)(?<!z)(?<b_2>w)"#) == ["a", "b_2"])
    }

    @Test func badOptionsAreUsageErrors() {
        func kind(_ make: () throws -> LogMetrics) -> FailureKind? {
            do { _ = try make(); return nil } catch { return (error as? DataError)?.kind }
        }
        #expect(kind { try LogMetrics(format: .pattern("(?<t>"), timeField: "t", bucketSeconds: 60, aggregation: .count) } == .usage)
        #expect(kind { try LogMetrics(format: .pattern("(?<t>x)"), timeField: "time", bucketSeconds: 60, aggregation: .count) } == .usage)
        #expect(kind { try LogMetrics(format: .combined, timeField: "time", bucketSeconds: 60, aggregation: .mean(field: "latency")) } == .usage)
        #expect(kind { try LogMetrics(format: .combined, timeField: "time", bucketSeconds: 0, aggregation: .count) } == .usage)
        #expect(kind { try LogMetrics(format: .combined, timeField: "time", bucketSeconds: 60, aggregation: .quantile(1.5, field: "bytes")) } == .usage)
        #expect(LogMetrics.seconds(of: "1m") == 60 && LogMetrics.seconds(of: "2h") == 7200 && LogMetrics.seconds(of: "45") == 45)
        for bad in ["", "m", "0s", "-1m", "1w", "1.5m"] { #expect(LogMetrics.seconds(of: bad) == nil, "\(bad)") }
    }
}

/// The hand-written access-log reader against the pattern it stands in for, line by line: the same
/// lines accepted and the same eleven fields, on well-formed lines and on damaged ones.
struct AccessLogParserTests {
    @Test func agreesWithThePatternLineByLine() throws {
        let regex = try Regex(LogFormat.accessLog)
        var generator = SeededGenerator(seed: 18)
        let pieces = ["10.0.0.1", "-", "bob", "[01/Mar/2024:10:00:00 +0000]", "\"GET /a HTTP/1.1\"", "\"POST /q?x=\\\"1\\\" HTTP/2\"", "\"GET /x\"",
                      "\"get /lower\"", "\"GET  /two-spaces\"", "\"GET /p\"q HTTP/1.1\"", "200", "404", "20", "2000", "-", "123", "x",
                      "\"-\"", "\"Mozilla/5.0 (X11)\"", "\"\"", "[]", "\t", "\"unclosed", "[no close"]
        var accepted = 0
        for n in 0..<20_000 {
            var line: String
            if n % 2 == 0 {
                // Mostly well formed, one piece sometimes swapped for another.
                // Each rule of the pattern has variants that break it: a lower-case or empty method,
                // two spaces, a tab, a quote inside the path, a status of 2 or 4 digits, bytes "x".
                let requests = ["\"GET /a HTTP/1.1\"", "\"GET /x\"", "\"PUT /p\"q HTTP/1.1\"", "\"GET /a b c\"", "\"get /lower HTTP/1.1\"",
                                "\"GET  /two\"", "\"GET /t\tab HTTP/1.1\"", "\" /no-method\"", "\"GET \"", "\"DELETE /d?q=\"x\" HTTP/1.1\""]
                var parts = [n % 13 == 0 ? "10.0.0.1\t" : "10.0.0.\(n % 9)", "-", n % 3 == 0 ? "bob" : "-",
                             "[01/Mar/2024:10:00:\(String(format: "%02d", n % 60)) +0000]", requests[(n / 2) % requests.count],
                             ["200", "500", "20", "2000"][(n / 2) % 4], ["123", "-", "x"][(n / 2) % 3]]
                if n % 5 == 0 { parts += ["\"-\"", "\"agent/1 (x)\""] }
                if n % 7 == 0 { parts += ["\"only-referer\""] }
                if n % 11 == 0 { parts[Int.random(in: 0..<parts.count, using: &generator)] = pieces.randomElement(using: &generator)! }
                line = parts.joined(separator: " ")
            } else {
                line = (0..<Int.random(in: 5...11, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: " ")
            }
            let match = try regex.firstMatch(in: line)
            let fields = AccessLogFields.parse(Substring(line))
            #expect((match == nil) == (fields == nil), "line \(n): \(line)")
            guard let match, let fields else { continue }
            accepted += 1
            for name in AccessLogFields.names {
                #expect(match.output[name]?.substring.map(String.init) == fields(name), "line \(n) field \(name): \(line)")
            }
        }
        #expect(accepted > 1_000, "\(accepted) lines accepted: the corpus must exercise the fields")
    }
}
