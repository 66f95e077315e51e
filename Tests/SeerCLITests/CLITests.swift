// End-to-end runs of the built `seer` binary: whole outputs, JSON that parses, and the exit
// codes of ARCHITECTURE.md for bad input (65), a missing file (66) and bad usage (64).
import Foundation
import SeerData
import Testing

struct CLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `seer` binary next to this test bundle (swift test builds it because this target depends on SeerCLI).
    static var binary: String { executable("seer") }

    /// An executable product of this package next to the test bundle.
    static func executable(_ name: String) -> String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory.appendingPathComponent(name).path,
                          bundleDirectory.deletingLastPathComponent().appendingPathComponent(name).path,
                          packageRoot.appendingPathComponent(".build/debug/\(name)").path]
        where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func seer(_ arguments: [String]) throws -> Run { try run(binary, arguments) }

    /// `seer` with `stdin` as its standard input.
    static func seer(_ arguments: [String], stdin: String) throws -> Run { try run(binary, arguments, stdin: stdin) }

    /// Runs `executable`; `environment` adds to (or overrides) this process's variables.
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = packageRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            // Written from another thread: a long input would otherwise fill the pipe while
            // nobody reads the output, and both sides would wait for ever.
            let writer = input.fileHandleForWriting
            let bytes = Data(stdin.utf8)
            Thread.detachNewThread {
                writer.write(bytes)
                try? writer.close()
            }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFile(_ text: String, suffix: String = ".csv") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seer-cli-\(UUID().uuidString)\(suffix)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func inspectTheEmbeddedDefaultSeries() throws {
        let run = try Self.seer(["inspect", "data/airline_passengers.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = """
        data/airline_passengers.csv: csv, nab layout, delimiter ',', 1 series, time column 'timestamp'

        series airline_passengers: 144 rows, 1949-01-01 → 1960-12-01, frequency MS
          time axis: regular (no duplicates, out-of-order rows, gaps or off-step rows)
          column  observed  missing  min   mean  max    std
          value        144        0  104  280.3  622  119.5

        """
        #expect(run.stdout == expected)
    }

    @Test func inspectJSONHasTheSameFigures() throws {
        let run = try Self.seer(["inspect", "data/co2_mauna_loa_weekly.csv", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let series = try #require((object["series"] as? [[String: Any]])?.first)
        #expect(series["rows"] as? Int == 2284)
        #expect(series["frequency"] as? String == "W")
        let column = try #require((series["columns"] as? [[String: Any]])?.first)
        #expect(column["missing"] as? Int == 59)
    }

    @Test func inspectReportsIrregularStepsWithLines() throws {
        let run = try Self.seer(["inspect", "data/nab_rogue_agent_key_hold.csv"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("1882 rows"))
        #expect(run.stdout.contains("frequency 5min"))
        #expect(run.stdout.contains("line "))
    }

    @Test func badInputExitsWith65AndNamesThePlace() throws {
        let path = try Self.temporaryFile("date,value\n2024-01-01,1\n2024-01-02,oops\n")
        let run = try Self.seer(["inspect", path])
        #expect(run.status == 65)
        #expect(run.stderr == "seer: error: \(path):3:2: column 'value': expected a number, found \"oops\"\n")
        #expect(run.stdout.isEmpty)
    }

    @Test func aGlitchTooLargeForAnyModelExitsWith65NamingItsLine() throws {
        // Found by trying it: one 1e30 in 600 ordinary hourly rows made every model fail with
        // "training diverged … try a lower learning rate" and exit 1.
        var text = "timestamp,value\n"
        for k in 0..<600 { text += "\(1_700_000_000 + 3_600 * k),\(k == 300 ? "1e30" : String(50 + k % 24))\n" }
        let path = try Self.temporaryFile(text)
        let run = try Self.seer(["forecast", path, "--model", "naive", "--horizon", "4"])
        #expect(run.status == 65 && run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("seer: error: \(path):302: ") && run.stderr.contains("1e+30") && !run.stderr.contains("diverged"), "\(run.stderr)")
    }

    @Test func missingValuesAreNamedBySeriesAndTime() throws {
        // The forecaster knows only indices ("series 1"); a user needs the id and where the hole is.
        var text = "unique_id,ds,y\n"
        for id in ["north", "south"] { for k in 0..<80 { text += "\(id),\(1_700_000_000 + 3_600 * k),\(id == "south" && k == 41 ? "" : String(k % 7))\n" } }
        let path = try Self.temporaryFile(text)
        for command in ["forecast", "backtest"] {
            let run = try Self.seer([command, path, "--model", "dlinear", "--horizon", "4", "--lookback", "8", "--epochs", "1"])
            #expect(run.status == 65 && run.stdout.isEmpty, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("series 'south' has missing or non-finite values, the first at value 42 (")
                    && run.stderr.contains("--missing interpolate or ffill"), "\(command): \(run.stderr)")
        }
    }

    @Test func forecastWarnsOfTimestampsGoingBack() throws {
        // Detection warned of these; a forecast took them silently as consecutive steps.
        var text = "timestamp,value\n"
        for k in 0..<60 { text += "\(1_700_000_000 + 3_600 * (k == 30 ? 10 : k)),\(k % 5)\n" }
        let path = try Self.temporaryFile(text)
        let run = try Self.seer(["forecast", path, "--model", "naive", "--horizon", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("seer: warning: series value: 1 row whose timestamp repeats or goes back (the first at row 31) taken as consecutive steps"),
                "\(run.stderr)")
        let sorted = try Self.temporaryFile("timestamp,value\n" + (0..<60).map { "\(1_700_000_000 + 3_600 * $0),\($0 % 5)\n" }.joined())
        let quiet = try Self.seer(["forecast", sorted, "--model", "naive", "--horizon", "2"])
        #expect(quiet.status == 0 && !quiet.stderr.contains("warning"), "\(quiet.stderr)")
    }

    @Test func detectionScoresTheGlitchesForecastingRefuses() throws {
        // For detection such a value is the finding: scored, finite, never refused.
        var text = "timestamp,value\n"
        for k in 0..<400 { text += "\(1_700_000_000 + 3_600 * k),\(k == 360 ? "3.4e38" : (k == 380 ? "-3.4e38" : String(50 + k % 24)))\n" }
        let path = try Self.temporaryFile(text)
        for arguments in [["detect", path, "--warmup", "100"], ["detect", "--stream", "--warmup", "100"]] {
            let run = arguments.contains("--stream") ? try Self.seer(arguments, stdin: text) : try Self.seer(arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            let rows = run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
            #expect(rows.count == 400 && !run.stdout.lowercased().contains("nan") && !run.stdout.contains("inf"), "\(arguments)")
            // Columns: timestamp, value, anomaly_score, label.
            let spike = try #require(rows.first { $0[1] == "3.4e38" || $0[1] == "3.4e+38" })
            #expect(Double(spike[2]) == 1 && spike[3] == "1", "\(arguments): \(spike)")
            #expect(rows.allSatisfy { Double($0[2]).map { (0...1).contains($0) } ?? false }, "\(arguments)")
        }
    }

    @Test func missingFileExitsWith66() throws {
        let run = try Self.seer(["inspect", "/no/such/file.csv"])
        #expect(run.status == 66)
        #expect(run.stderr.contains("/no/such/file.csv") && run.stderr.contains("no such file"))
    }

    @Test func usageErrorsExitWith64() throws {
        #expect(try Self.seer(["inspect"]).status == 64)
        #expect(try Self.seer(["inspect", "x.csv", "--missing", "guess"]).status == 64)
        #expect(try Self.seer(["inspect", "--sqlite", "db.sqlite"]).status == 64)
        #expect(try Self.seer(["frobnicate"]).status == 64)
    }

    @Test func policiesFromTheCommandLine() throws {
        let path = try Self.temporaryFile("d,v\n2024-01-02,1\n2024-01-01,2\n")
        let strict = try Self.seer(["inspect", path, "--on-duplicate", "error"])
        #expect(strict.status == 65 && strict.stderr.contains(":3:"))
        // The library names the setting; the CLI turns it into the flag that sets it.
        #expect(strict.stderr.contains("; use --on-duplicate keep or sort") && !strict.stderr.contains("policy"), "\(strict.stderr)")
        let gappy = try Self.temporaryFile("d,v\n2024-01-01,1\n2024-01-02,\n")
        let missing = try Self.seer(["inspect", gappy, "--missing", "error"])
        #expect(missing.status == 65 && missing.stderr.contains("; use --missing ffill, interpolate, drop or keep"), "\(missing.stderr)")
        let sorted = try Self.seer(["inspect", path, "--on-duplicate", "sort", "--json"])
        #expect(sorted.status == 0 && sorted.stdout.contains("rows sorted by time"))
    }
}

/// `seer inspect` on SQLite inputs and UCR/UEA files.
struct CLIInputKindsTests {
    /// A database with table `sales` (unique_id, ds, y): series a = [1, 2], b = [5, NaN], daily.
    static func database() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-cli-\(UUID().uuidString).sqlite").path
        let days: [Int64] = [1_704_067_200, 1_704_153_600]
        let collection = try SeriesCollection([
            TimeSeries(id: "a", time: .timestamps(days), columns: [SeriesColumn(name: "y", values: [1, 2])]),
            TimeSeries(id: "b", time: .timestamps(days), columns: [SeriesColumn(name: "y", values: [5, .nan])]),
        ])
        try SQLiteSeriesWriter.write(collection, to: path, table: "sales")
        return path
    }

    @Test func inspectSQLiteTableAndQuery() throws {
        let db = try Self.database()
        let table = try CLITests.seer(["inspect", "--sqlite", db, "--table", "sales", "--json"])
        #expect(table.status == 0, "\(table.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [String: Any])
        #expect(object["seriesCount"] as? Int == 2 && object["timeColumn"] as? String == "ds")
        let query = try CLITests.seer(["inspect", "--sqlite", db, "--query", "SELECT ds, y FROM sales WHERE unique_id = ?", "--param", "b"])
        #expect(query.status == 0 && query.stdout.contains("2 rows") && query.stdout.contains("1        1"))
        let hostile = try CLITests.seer(["inspect", "--sqlite", db, "--table", "x; DROP TABLE sales"])
        #expect(hostile.status == 66 && hostile.stderr.contains("no table or view named 'x; DROP TABLE sales'"))
        let writing = try CLITests.seer(["inspect", "--sqlite", db, "--query", "DELETE FROM sales"])
        #expect(writing.status == 64)
        let after = try CLITests.seer(["inspect", "--sqlite", db, "--table", "sales", "--json"])
        #expect(after.stdout.contains("\"rows\" : 2"), "nothing was deleted or dropped")
        #expect(try CLITests.seer(["inspect", "--sqlite", "/no/such.sqlite", "--table", "t"]).status == 66)
    }

    @Test func inspectUCRFile() throws {
        let run = try CLITests.seer(["inspect", "data/ItalyPowerDemand_TRAIN.ts"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("problem ItalyPowerDemand") && run.stdout.contains("67 cases, 2 classes, 1 dimension(s), length 24"))
        let json = try CLITests.seer(["inspect", "data/ItalyPowerDemand_TRAIN.ts", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let classes = try #require(object["classes"] as? [[String: Any]])
        #expect(classes.compactMap { $0["cases"] as? Int }.reduce(0, +) == 67)
        let bad = try CLITests.temporaryFile("@problemName x\n@classLabel true 1 2\n@data\n1,2,3:3\n", suffix: ".ts")
        let badRun = try CLITests.seer(["inspect", bad])
        #expect(badRun.status == 65 && badRun.stderr.contains("\(bad):4"))
    }
}

/// Every kind of bad CSV input, through the binary: exit 65, one line on stderr naming the
/// file and line (and column where there is one), nothing on stdout, no crash.
struct CLIBadInputTests {
    static let cases: [(name: String, bytes: [UInt8], location: String)] = [
        ("ragged row", Array("d,a,b\n2024-01-01,1,2\n2024-01-02,3\n".utf8), ":3:3: "),
        ("non-numeric cell", Array("d,a\n2024-01-01,x1\n".utf8), ":2:2: column 'a': "),
        ("unterminated quote", Array("d,a\n2024-01-01,\"1\n".utf8), ":3:"),
        ("empty file", [], ":1: "),
        ("header only", Array("date,value\n".utf8), ":2: "),
        ("invalid UTF-8", Array("d,a\n2024-01-01,".utf8) + [0xFF, 0x0A], ":2:2: column 'a': "),
        ("10 MB single line", [UInt8](repeating: 0x31, count: 10_000_000), ":1:1: "),
        ("bad timestamp", Array("date,value\n2024-02-30,1\n".utf8), ":2:1: column 'date': "),
    ]

    @Test(arguments: cases.indices)
    func badInputExitsWith65(index: Int) throws {
        let (name, bytes, location) = Self.cases[index]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seer-bad-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        let run = try CLITests.seer(["inspect", url.path])
        #expect(run.status == 65, "\(name): \(run.stderr)")
        #expect(run.stderr.hasPrefix("seer: error: \(url.path)\(location)"), "\(name): \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(name): one line")
        #expect(run.stdout.isEmpty, "\(name)")
    }

    @Test func unknownColumnExitsWith65() throws {
        let path = try CLITests.temporaryFile("date,value\n2024-01-01,1\n")
        let run = try CLITests.seer(["inspect", path, "--target", "price"])
        #expect(run.status == 65)
        #expect(run.stderr == "seer: error: \(path):1: no target column named 'price' (columns: date, value)\n")
    }
}
