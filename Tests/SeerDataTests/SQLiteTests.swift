// SQLite in and out: round trips through SQLiteSeriesWriter/SQLiteSeriesReader, tables made with
// raw SQL (through the C API, so the tests do not trust the wrapper they test), injection
// attempts through table names and query text, and errors that must leave the database unchanged.
import SeerBase
import CSQLite
import Foundation
import Testing
@testable import SeerData

@Suite struct SQLiteTests {
    // MARK: helpers

    /// A path for a database that does not exist yet, in a fresh temporary directory, so tests
    /// never share files and can run in parallel.
    static func temporaryDatabase() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("test.sqlite").path
    }

    /// Runs raw SQL (several statements allowed) through sqlite3_exec.
    static func exec(_ path: String, _ sql: String) throws {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw RawError(message: "open failed") }
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "?"
            sqlite3_free(message)
            throw RawError(message: text)
        }
    }

    /// The first column of every row of `sql`, as text (NULL as "NULL").
    static func column(_ path: String, _ sql: String) throws -> [String] {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw RawError(message: "open failed") }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw RawError(message: String(cString: sqlite3_errmsg(db)))
        }
        var out: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            out.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "NULL")
        }
        return out
    }

    struct RawError: Error { var message: String }

    /// Equal values, NaN at the same places.
    static func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isNaN ? $1.isNaN : $0 == $1 }
    }

    static func readError(_ path: String, _ source: SQLiteSource,
                          _ options: SQLiteReadOptions = SQLiteReadOptions()) -> DataError? {
        do {
            _ = try SQLiteSeriesReader.read(path, from: source, options: options)
            return nil
        } catch {
            return error as? DataError
        }
    }

    static let hourly: [Int64] = (0..<5).map { 1_704_067_200 + Int64($0) * 3600 }  // 2024-01-01 00:00 …

    // MARK: round trips

    @Test func multivariateRoundTrip() throws {
        let path = try Self.temporaryDatabase()
        let series = try TimeSeries(id: "ett", time: .timestamps(Self.hourly), columns: [
            SeriesColumn(name: "HUFL", values: [1.5, 2.25, .nan, -4, 5e-3]),
            SeriesColumn(name: "OT", values: [10, 11, 12, 13, .nan]),
        ])
        let written = try SQLiteSeriesWriter.write(series, to: path, table: "ett")
        #expect(written == 5)
        #expect(try Self.column(path, "SELECT ds FROM ett LIMIT 1") == ["2024-01-01 00:00:00"])
        #expect(try Self.column(path, "SELECT count(*) FROM ett WHERE OT IS NULL") == ["1"])

        let result = try SQLiteSeriesReader.read(path, from: .table(name: "ett"), options: SQLiteReadOptions(timeColumn: "ds"))
        let back = try #require(result.series.first)
        #expect(result.series.count == 1)
        #expect(result.source == "\(path):ett")
        #expect(back.time == .timestamps(Self.hourly))
        #expect(back.columnNames == ["HUFL", "OT"])
        #expect(Self.same(back.columns[0].values, series.columns[0].values))
        #expect(Self.same(back.columns[1].values, series.columns[1].values))
    }

    @Test func longFormatRoundTripKeepsIds() throws {
        let path = try Self.temporaryDatabase()
        var collection = SeriesCollection()
        for (k, id) in ["A", "B", "C"].enumerated() {
            let count = 3 + k
            let time = (0..<count).map { 1_704_067_200 + Int64($0) * 86_400 }
            let values = (0..<count).map { Float(k * 100 + $0) }
            try collection.append(try TimeSeries(id: id, time: .timestamps(time), columns: [SeriesColumn(name: "y", values: values)]))
        }
        #expect(try SQLiteSeriesWriter.write(collection, to: path, table: "long") == 12)

        let options = SQLiteReadOptions(timeColumn: "ds", idColumn: "unique_id")
        let back = try SQLiteSeriesReader.read(path, from: .table(name: "long"), options: options).series
        #expect(back.ids == ["A", "B", "C"])
        for original in collection {
            let read = try #require(back[id: original.id])
            #expect(read.time == original.time)
            #expect(Self.same(read.columns[0].values, original.columns[0].values))
        }
        // Without options the `ds` time column and the `unique_id` column are found by name, as for CSV.
        let detected = try SQLiteSeriesReader.read(path, from: .table(name: "long"))
        #expect(detected.timeColumn == "ds" && detected.series.ids == ["A", "B", "C"])
        #expect(detected.series[id: "B"]?.time == collection[id: "B"]?.time)
    }

    @Test func indexAxisRoundTrip() throws {
        let path = try Self.temporaryDatabase()
        let series = TimeSeries(id: "s", name: "y", values: [3, .nan, 1, 4, 1, 5])
        try SQLiteSeriesWriter.write(series, to: path, table: "plain")
        #expect(try Self.column(path, "SELECT typeof(ds) FROM plain LIMIT 1") == ["integer"])

        let result = try SQLiteSeriesReader.read(path, from: .table(name: "plain"),
                                                 options: SQLiteReadOptions(timeColumn: "none", targetColumns: ["y"]))
        let back = try #require(result.series.first)
        #expect(back.time == .index(count: 6))
        #expect(Self.same(back.columns[0].values, series.columns[0].values))
    }

    // MARK: tables made by hand

    @Test func readsIntegerTextAndNullCells() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, """
            CREATE TABLE epoch (ts INTEGER, y REAL, z);
            INSERT INTO epoch VALUES (1704067200, 1.0, '2.5'), (1704070800, NULL, 'NA'), (1704074400, 3, 7);
            CREATE TABLE millis (ts INTEGER, y REAL);
            INSERT INTO millis VALUES (1704067200000, 1), (1704067260000, 2);
            CREATE TABLE texts (ts TEXT, y REAL);
            INSERT INTO texts VALUES ('2024-01-01', 1), ('2024-01-01T01:00:00Z', 2), ('2024-01-01 03:00:00+01:00', 3);
            """)
        let epoch = try SQLiteSeriesReader.read(path, from: .table(name: "epoch"), options: SQLiteReadOptions(timeColumn: "ts"))
        let e = try #require(epoch.series.first)
        #expect(e.id == "epoch")
        #expect(e.time == .timestamps([1_704_067_200, 1_704_070_800, 1_704_074_400]))
        #expect(Self.same(e.columns[0].values, [1, .nan, 3]))
        #expect(Self.same(e.columns[1].values, [2.5, .nan, 7]))

        let millis = try SQLiteSeriesReader.read(path, from: .table(name: "millis"), options: SQLiteReadOptions(timeColumn: "ts"))
        #expect(millis.series.first?.time == .timestamps([1_704_067_200, 1_704_067_260]))
        // An explicit unit wins over the magnitude guess.
        let forced = try SQLiteSeriesReader.read(path, from: .table(name: "epoch"),
                                                 options: SQLiteReadOptions(timeColumn: "ts", epochUnit: .milliseconds))
        #expect(forced.series.first?.time.timestamps?.first == 1_704_067)

        let texts = try SQLiteSeriesReader.read(path, from: .table(name: "texts"), options: SQLiteReadOptions(timeColumn: "ts"))
        #expect(texts.series.first?.time == .timestamps([1_704_067_200, 1_704_070_800, 1_704_074_400]))
    }

    @Test func readsBoundParameterQuery() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, """
            CREATE TABLE t (unique_id TEXT, ds TEXT, y REAL);
            INSERT INTO t VALUES ('A', '2024-01-02', 1), ('B', '2024-01-02', 20), ('A', '2024-01-01', 0), ('B', '2024-01-01', 10);
            """)
        let result = try SQLiteSeriesReader.read(path, from: .query(sql: "SELECT ds, y FROM t WHERE unique_id = ? ORDER BY ds",
                                                                    parameters: ["B"]),
                                                 options: SQLiteReadOptions(timeColumn: "ds"))
        #expect(result.series.count == 1)
        let b = try #require(result.series.first)
        #expect(result.source == "\(path):query")
        #expect(b.time == .timestamps([1_704_067_200, 1_704_153_600]))
        #expect(b.columns[0].values == [10, 20])
        // A trailing semicolon and comment are still one statement.
        let trailing = try SQLiteSeriesReader.read(path, from: .query(sql: "SELECT ds, y FROM t WHERE unique_id = ?1 ; -- B only\n",
                                                                      parameters: [.text("B")]),
                                                   options: SQLiteReadOptions(timeColumn: "ds", order: .sort))
        #expect(trailing.series.first?.columns[0].values == [10, 20])
        // Parameters must match the placeholders.
        #expect(Self.readError(path, .query(sql: "SELECT ds, y FROM t WHERE unique_id = ?", parameters: []))?.kind == .usage)
    }

    // MARK: injection

    @Test func hostileTableNamesAreOnlyNames() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, "CREATE TABLE y (ds INTEGER, v REAL); INSERT INTO y VALUES (1, 1), (2, 2), (3, 3);")
        let hostile = ["x; DROP TABLE y", "t\" ; DROP TABLE y; --", "y\"; DROP TABLE y; --", "y'; DROP TABLE y; --"]
        for name in hostile {
            let error = Self.readError(path, .table(name: name), SQLiteReadOptions(timeColumn: "ds"))
            #expect(error?.kind == .missingInput, "\(name)")
            #expect(error?.message.contains("tables: y") == true, "\(name)")
            #expect(try Self.column(path, "SELECT count(*) FROM y") == ["3"])
        }
        // When tables with those names exist, they are read like any other.
        try Self.exec(path, """
            CREATE TABLE "x; DROP TABLE y" (ds INTEGER, v REAL); INSERT INTO "x; DROP TABLE y" VALUES (10, 1);
            CREATE TABLE "t"" ; DROP TABLE y; --" (ds INTEGER, "v""w" REAL); INSERT INTO "t"" ; DROP TABLE y; --" VALUES (20, 2);
            """)
        let first = try SQLiteSeriesReader.read(path, from: .table(name: hostile[0]), options: SQLiteReadOptions(timeColumn: "ds"))
        #expect(first.series.first?.columns[0].values == [1])
        let second = try SQLiteSeriesReader.read(path, from: .table(name: hostile[1]),
                                                 options: SQLiteReadOptions(timeColumn: "ds", targetColumns: ["v\"w"]))
        #expect(second.series.first?.columns[0].values == [2])
        #expect(try Self.column(path, "SELECT count(*) FROM y") == ["3"])

        // The writer quotes the same way.
        try SQLiteSeriesWriter.write(TimeSeries(name: "v\"); DROP TABLE y; --", values: [1, 2]), to: path,
                                     table: "z\"; DROP TABLE y; --")
        #expect(try Self.column(path, "SELECT sum(\"v\"\"); DROP TABLE y; --\") FROM \"z\"\"; DROP TABLE y; --\"") == ["3.0"])
        #expect(try Self.column(path, "SELECT count(*) FROM y") == ["3"])
    }

    @Test func queriesMustBeOneReadOnlyStatement() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, "CREATE TABLE y (ds INTEGER, v REAL); INSERT INTO y VALUES (1, 1), (2, 2), (3, 3);")
        let refused = [
            "SELECT ds, v FROM y; DROP TABLE y",
            "SELECT ds, v FROM y; DELETE FROM y;",
            "DELETE FROM y",
            "DELETE FROM y RETURNING ds, v",
            "INSERT INTO y VALUES (4, 4)",
            "INSERT INTO y VALUES (4, 4) RETURNING ds, v",
            "DROP TABLE y",
            "UPDATE y SET v = 0",
            "BEGIN",
            "ATTACH DATABASE ':memory:' AS other",
            "PRAGMA user_version = 7",
            "-- only a comment",
            "SELECT ds, v FROM y\u{0}; DROP TABLE y",
        ]
        for sql in refused {
            let error = Self.readError(path, .query(sql: sql, parameters: []), SQLiteReadOptions(timeColumn: "ds"))
            #expect(error != nil, "\(sql)")
            #expect(error?.kind == .usage, "\(sql)")
        }
        #expect(try Self.column(path, "SELECT group_concat(v) FROM y") == ["1.0,2.0,3.0"])
        #expect(try Self.column(path, "PRAGMA user_version") == ["0"])
    }

    // MARK: errors

    @Test func missingDatabaseIsMissingInput() throws {
        let path = try Self.temporaryDatabase()
        let error = Self.readError(path, .table(name: "t"))
        #expect(error?.kind == .missingInput)
        #expect(error?.exitCode == 66)
        #expect(!FileManager.default.fileExists(atPath: path))  // the read-only open created nothing
        // A file that is not a database is bad input.
        try Data("timestamp,value\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(Self.readError(path, .table(name: "t"))?.kind == .badInput)
    }

    @Test func missingTableListsTables() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, "CREATE TABLE alpha (a); CREATE TABLE beta (b); CREATE VIEW gamma AS SELECT a FROM alpha;")
        let error = try #require(Self.readError(path, .table(name: "delta")))
        #expect(error.kind == .missingInput)
        #expect(error.message.contains("alpha, beta, gamma"))
    }

    @Test func unknownColumnListsColumns() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, "CREATE TABLE t (ds INTEGER, load REAL, temp REAL); INSERT INTO t VALUES (1, 2, 3);")
        let target = try #require(Self.readError(path, .table(name: "t"), SQLiteReadOptions(timeColumn: "ds", targetColumns: ["OT"])))
        #expect(target.kind == .usage)
        #expect(target.message.contains("'OT'") && target.message.contains("ds, load, temp"))
        let time = try #require(Self.readError(path, .query(sql: "SELECT load FROM t", parameters: []), SQLiteReadOptions(timeColumn: "ds")))
        #expect(time.kind == .usage)
        #expect(time.message.contains("time column named 'ds'"))
    }

    @Test func textThatIsNotANumberNamesRowAndColumn() throws {
        let path = try Self.temporaryDatabase()
        try Self.exec(path, """
            CREATE TABLE t (ds INTEGER, y);
            INSERT INTO t VALUES (1704067200, 1), (1704070800, '2.5'), (1704074400, 'oops');
            CREATE TABLE n (ds INTEGER, y REAL); INSERT INTO n VALUES (1704067200, 1), (NULL, 2);
            CREATE TABLE f (ds REAL, y REAL); INSERT INTO f VALUES (1704067200.0, 1), (1704067200.5, 2);
            CREATE TABLE b (ds INTEGER, y); INSERT INTO b VALUES (1704067200, x'00ff');
            """)
        let error = try #require(Self.readError(path, .table(name: "t"), SQLiteReadOptions(timeColumn: "ds")))
        #expect(error.kind == .badInput)
        #expect(error.location == SourceLocation(file: "\(path):t", line: 3, columnName: "y"))
        #expect(error.message.contains("row 3") && error.message.contains("\"oops\""))
        #expect(error.description.contains("column 'y'"))

        let null = try #require(Self.readError(path, .table(name: "n"), SQLiteReadOptions(timeColumn: "ds")))
        #expect(null.kind == .badInput && null.location?.line == 2 && null.location?.columnName == "ds")
        let fraction = try #require(Self.readError(path, .table(name: "f"), SQLiteReadOptions(timeColumn: "ds")))
        #expect(fraction.kind == .badInput && fraction.location?.line == 2)
        #expect(Self.readError(path, .table(name: "b"), SQLiteReadOptions(timeColumn: "ds"))?.kind == .badInput)
    }

    @Test func failOnExistingTable() throws {
        let path = try Self.temporaryDatabase()
        try SQLiteSeriesWriter.write(TimeSeries(values: [1, 2, 3]), to: path, table: "t")
        let error = try #require(throws: DataError.self) {
            try SQLiteSeriesWriter.write(TimeSeries(values: [9]), to: path, table: "T", ifExists: .fail)
        }
        #expect(error.kind == .usage && error.message.contains("already exists"))
        #expect(try Self.column(path, "SELECT y FROM t") == ["1.0", "2.0", "3.0"])
        // Replace and append do what they say.
        try SQLiteSeriesWriter.write(TimeSeries(values: [7, 8]), to: path, table: "t", ifExists: .replace)
        try SQLiteSeriesWriter.write(TimeSeries(values: [9]), to: path, table: "t", ifExists: .append)
        #expect(try Self.column(path, "SELECT y FROM t") == ["7.0", "8.0", "9.0"])
    }

    @Test func failedWritesChangeNothing() throws {
        let path = try Self.temporaryDatabase()
        // Append: the third new row violates the table's CHECK after two rows went in.
        try Self.exec(path, """
            CREATE TABLE t (ds TEXT NOT NULL, y REAL CHECK (y < 100));
            INSERT INTO t VALUES ('2023-12-31 00:00:00', 1), ('2023-12-31 01:00:00', 2);
            """)
        let bad = try TimeSeries(time: .timestamps(Array(Self.hourly.prefix(3))), columns: [SeriesColumn(name: "y", values: [5, 6, 500])])
        let appendError = try #require(throws: DataError.self) {
            try SQLiteSeriesWriter.write(bad, to: path, table: "t", ifExists: .append)
        }
        #expect(appendError.kind == .badInput)
        #expect(appendError.message.contains("row 3"))
        #expect(try Self.column(path, "SELECT y FROM t") == ["1.0", "2.0"])

        // Replace: the old table was already dropped when the last row fails; it must come back.
        let late = try TimeSeries(time: .timestamps([1_704_067_200, 1_704_070_800, 300_000_000_000]),
                                  columns: [SeriesColumn(name: "y", values: [1, 2, 3])])
        #expect(throws: DataError.self) {
            try SQLiteSeriesWriter.write(late, to: path, table: "t", ifExists: .replace)
        }
        #expect(try Self.column(path, "SELECT y FROM t") == ["1.0", "2.0"])
        #expect(try Self.column(path, "SELECT sql FROM sqlite_master WHERE name = 't'").first?.contains("CHECK") == true)

        // A failed write to a new file leaves no file behind.
        let fresh = try Self.temporaryDatabase()
        #expect(throws: DataError.self) {
            try SQLiteSeriesWriter.write(late, to: fresh, table: "t")
        }
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test func writerRefusesInconsistentCollections() throws {
        let path = try Self.temporaryDatabase()
        let a = try TimeSeries(id: "a", time: .timestamps([1]), columns: [SeriesColumn(name: "y", values: [1])])
        let b = try TimeSeries(id: "b", time: .timestamps([1]), columns: [SeriesColumn(name: "z", values: [1])])
        #expect(throws: DataError.self) { try SQLiteSeriesWriter.write(try SeriesCollection([a, b]), to: path, table: "t") }
        let clash = try TimeSeries(time: .timestamps([1]), columns: [SeriesColumn(name: "DS", values: [1])])
        #expect(throws: DataError.self) { try SQLiteSeriesWriter.write(clash, to: path, table: "t") }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
