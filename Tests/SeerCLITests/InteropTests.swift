// Outputs the rest of the stack reads without flags (issue 22): every kind of output Seer writes
// for an hourly series (forecast and backtest CSV, SQLite) is read back by Seer's own readers
// with the same timestamps and values, and by pandas (read_csv + to_datetime), Polars (read_csv +
// str.to_datetime) and DuckDB (read_csv_auto) with their default options — row counts, datetime
// and float dtypes, first values. The Python checks skip with a message where a module is missing
// (`make test` installs them with pip).
import Foundation
import SeerBase
import SeerData
import Testing

/// True when `python3 -c "import module"` works.
func pythonHas(_ module: String) -> Bool {
    (try? CLITests.run("/usr/bin/env", ["python3", "-c", "import \(module)"]).status) == 0
}

struct InteropFiles {
    let directory: String
    var hourly: String { directory + "/hourly.csv" }
    var forecast: String { directory + "/forecast.csv" }
    var backtest: String { directory + "/backtest.csv" }
    var database: String { directory + "/out.db" }
    var daily: String { directory + "/daily-forecast.csv" }
    var zoned: String { directory + "/zoned-forecast.csv" }

    /// Ten days of hourly load (240 rows from 2024-03-01 00:00), and what Seer writes from them.
    static func make() throws -> InteropFiles {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-interop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = InteropFiles(directory: directory)
        var hourly = "ds,load\n", zoned = "ds,load\n", daily = "ds,sales\n"
        for i in 0..<240 {
            let stamp = String(format: "2024-03-%02d %02d:00:00", 1 + i / 24, i % 24)
            let value = String(format: "%.2f", 50 + 10 * sin(Double(i) * .pi / 12))
            hourly += "\(stamp),\(value)\n"
            zoned += "\(stamp.replacingOccurrences(of: " ", with: "T"))+01:00,\(value)\n"
        }
        for i in 0..<28 { daily += String(format: "2024-01-%02d,%d\n", 1 + i, i) }
        try hourly.write(toFile: files.hourly, atomically: true, encoding: .utf8)
        try zoned.write(toFile: directory + "/zoned.csv", atomically: true, encoding: .utf8)
        try daily.write(toFile: directory + "/daily.csv", atomically: true, encoding: .utf8)
        let runs: [[String]] = [
            ["forecast", files.hourly, "--horizon", "30", "--model", "seasonal-naive", "--levels", "80", "--out", files.forecast],
            ["forecast", files.hourly, "--horizon", "30", "--model", "seasonal-naive", "--out-sqlite", files.database, "--out-table", "f"],
            ["backtest", files.hourly, "--horizon", "6", "--folds", "3", "--step", "10", "--model", "seasonal-naive", "--out", files.backtest],
            ["forecast", directory + "/daily.csv", "--horizon", "5", "--model", "naive", "--out", files.daily],
            ["forecast", directory + "/zoned.csv", "--horizon", "3", "--model", "naive", "--out", files.zoned],
        ]
        for arguments in runs {
            let run = try CLITests.seer(arguments + ["--quiet"])
            guard run.status == 0 else { throw DataError(.other, "seer \(arguments.joined(separator: " ")) failed: \(run.stderr)") }
        }
        return files
    }
}

struct SeerReadsItsOutputsTests {
    @Test func forecastCSVAndSQLiteRoundTrip() throws {
        let files = try InteropFiles.make()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let text = try String(contentsOfFile: files.forecast, encoding: .utf8)
        let lines = text.split(separator: "\n")
        // One format on every row, midnight included.
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",")[1].count == 19 }, "\(lines.prefix(4))")
        #expect(lines.contains { $0.hasPrefix("load,2024-03-11 00:00:00,") })
        let loaded = try CSVLoader.load(files.forecast, options: CSVOptions(layout: .long, targetColumns: ["seasonal-naive"]))
        let series = try #require(loaded.series.first)
        let start = try #require(TimestampParser.parse("2024-03-11 00:00:00"))
        #expect(series.time.timestamps == (0..<30).map { start + Int64($0) * 3600 })
        let expected = lines.dropFirst().map { Float($0.split(separator: ",")[2])! }
        #expect(series.columns[0].values == expected)
        let fromSQLite = try SQLiteSeriesReader.read(files.database, from: .table(name: "f"), options: SQLiteReadOptions(idColumn: "unique_id"))
        let stored = try #require(fromSQLite.series.first)
        #expect(stored.time.timestamps == series.time.timestamps && stored.columns[0].values == expected)
    }

    @Test func backtestDailyAndZonedOutputsRoundTrip() throws {
        let files = try InteropFiles.make()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let rows = try String(contentsOfFile: files.backtest, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 18 && rows.allSatisfy { $0[1].count == 19 && $0[2].count == 19 }, "cutoff and ds: one date-time format")
        let backtest = try CSVLoader.load(files.backtest, options: CSVOptions(layout: .long, timeColumn: "ds", targetColumns: ["y"]))
        #expect(backtest.series.first?.rowCount == 18)
        let daily = try String(contentsOfFile: files.daily, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(daily.map { $0.split(separator: ",")[1] } == ["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"])
        let zoned = try String(contentsOfFile: files.zoned, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(zoned.first?.hasPrefix("load,2024-03-11 00:00:00+01:00,") == true, "\(zoned)")
        let reread = try CSVLoader.load(files.zoned, options: CSVOptions(layout: .long))
        #expect(reread.series.first?.utcOffset == 3600)
        #expect(reread.series.first?.time.timestamps?.first == TimestampParser.parse("2024-03-10 23:00:00"))
    }
}

struct PythonStackReadsTheOutputsTests {
    struct Seen: Decodable {
        var rows: Int
        var dtypes: [String: String]
        var first: [String: String]
    }

    /// pandas' datetime dtype at any resolution (`datetime64[ns]` in pandas 2, `[us]` in 3).
    static func isDatetime(_ dtype: String?) -> Bool { dtype.map { $0.hasPrefix("datetime64[") && !$0.contains(",") } ?? false }

    static func read(_ tool: String, _ kind: String, _ path: String, table: String? = nil) throws -> Seen {
        let script = CLITests.packageRoot.appendingPathComponent("scripts/interop_check.py").path
        let run = try CLITests.run("/usr/bin/env", ["python3", script, tool, kind, path] + (table.map { [$0] } ?? []))
        guard run.status == 0 else { throw DataError(.other, "\(tool) could not read \(path): \(run.stderr)") }
        return try JSONDecoder().decode(Seen.self, from: Data(run.stdout.utf8))
    }

    @Test(.enabled(if: pythonHas("pandas"), "pandas is not installed (pip install pandas); skipping the pandas round trip"))
    func pandas() throws {
        let files = try InteropFiles.make()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let backtest = try Self.read("pandas", "csv", files.backtest)
        #expect(backtest.rows == 18 && Self.isDatetime(backtest.dtypes["ds"]) && Self.isDatetime(backtest.dtypes["cutoff"]), "\(backtest)")
        #expect(backtest.dtypes["y"] == "float64" && backtest.dtypes["seasonal-naive"] == "float64", "\(backtest)")
        let forecast = try Self.read("pandas", "csv", files.forecast)
        #expect(forecast.rows == 30 && forecast.first["ds"] == "2024-03-11 00:00:00" && forecast.dtypes["seasonal-naive-lo-80"] == "float64", "\(forecast)")
        let stored = try Self.read("pandas", "sqlite", files.database, table: "f")
        #expect(stored.rows == 30 && Self.isDatetime(stored.dtypes["ds"]) && stored.dtypes["seasonal-naive"] == "float64", "\(stored)")
        let daily = try Self.read("pandas", "csv", files.daily)
        #expect(Self.isDatetime(daily.dtypes["ds"]) && daily.first["ds"] == "2024-01-29 00:00:00", "\(daily)")
        let zoned = try Self.read("pandas", "csv", files.zoned)
        #expect(zoned.dtypes["ds"]?.hasSuffix(", UTC+01:00]") == true && zoned.first["ds"] == "2024-03-11 00:00:00+01:00", "\(zoned)")
    }

    @Test(.enabled(if: pythonHas("polars"), "polars is not installed (pip install polars); skipping the Polars round trip"))
    func polars() throws {
        let files = try InteropFiles.make()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let backtest = try Self.read("polars", "csv", files.backtest)
        #expect(backtest.rows == 18 && backtest.dtypes["ds"]?.hasPrefix("Datetime") == true && backtest.dtypes["cutoff"]?.hasPrefix("Datetime") == true, "\(backtest)")
        #expect(backtest.dtypes["y"] == "Float64" && backtest.dtypes["seasonal-naive"] == "Float64", "\(backtest)")
        let forecast = try Self.read("polars", "csv", files.forecast)
        #expect(forecast.rows == 30 && forecast.first["ds"] == "2024-03-11 00:00:00", "\(forecast)")
    }

    @Test(.enabled(if: pythonHas("duckdb"), "duckdb is not installed (pip install duckdb); skipping the DuckDB round trip"))
    func duckdb() throws {
        let files = try InteropFiles.make()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let backtest = try Self.read("duckdb", "csv", files.backtest)
        #expect(backtest.rows == 18 && backtest.dtypes["ds"] == "TIMESTAMP" && backtest.dtypes["cutoff"] == "TIMESTAMP", "\(backtest)")
        #expect(backtest.dtypes["y"] == "DOUBLE" && backtest.dtypes["seasonal-naive"] == "DOUBLE", "\(backtest)")
        let daily = try Self.read("duckdb", "csv", files.daily)
        #expect(daily.dtypes["ds"] == "DATE" && daily.first["ds"] == "2024-01-29", "\(daily)")
    }
}
