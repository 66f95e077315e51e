// CSV layouts and dialects on small inline files: wide, long (and renamed columns), NAB, no
// time column, epoch times, delimiters, quoting, CRLF, BOM, no final newline, missing markers.
import SeerBase
import Testing
@testable import SeerData

struct CSVLayoutTests {
    @Test func wideFileWithDates() throws {
        let path = try TestData.temporaryFile("date,a,b\n2024-01-01,1,2.5\n2024-01-02,3,-4e-1\n2024-01-03,5,6\n")
        let loaded = try CSVLoader.load(path)
        #expect(loaded.layout == .wide && loaded.timeColumn == "date")
        let s = loaded.series[0]
        #expect(s.columnNames == ["a", "b"])
        #expect(s.columns[1].values == [2.5, -0.4, 6])
        #expect(s.time.timestamps == [1_704_067_200, 1_704_153_600, 1_704_240_000])
        #expect(s.profile().frequency == "D")
        #expect(s.lines.line(ofRow: 2) == 4)
    }

    @Test func longFormatGroupsRowsById() throws {
        let path = try TestData.temporaryFile("""
        unique_id,ds,y
        a,2024-01-01 00:00:00,1
        a,2024-01-01 01:00:00,2
        b,2024-01-01 00:00:00,10
        c,2024-01-01 00:00:00,100
        b,2024-01-01 01:00:00,20
        b,2024-01-01 02:00:00,30
        """)
        let loaded = try CSVLoader.load(path)
        #expect(loaded.layout == .long)
        #expect(loaded.series.ids == ["a", "b", "c"])
        let b = try #require(loaded.series[id: "b"])
        #expect(b.columns[0].values == [10, 20, 30])
        #expect(b.lines.line(ofRow: 0) == 4 && b.lines.line(ofRow: 1) == 6 && b.lines.line(ofRow: 2) == 7)
        #expect(b.profile().frequency == "H")
    }

    @Test func longFormatWithRenamedColumns() throws {
        let path = try TestData.temporaryFile("store;day;sales;price\ns1;2024-03-01;5;1.5\ns2;2024-03-01;7;2\ns1;2024-03-02;6;1.5\n")
        let options = CSVOptions(layout: .long, timeColumn: "day", idColumn: "store", targetColumns: ["sales"])
        let loaded = try CSVLoader.load(path, options: options)
        #expect(loaded.delimiter == 0x3B)
        #expect(loaded.series.ids == ["s1", "s2"])
        #expect(loaded.series[id: "s1"]?.columnNames == ["sales"])
        #expect(loaded.series[id: "s1"]?.columns[0].values == [5, 6])
    }

    @Test func numericFileWithoutTimeColumnUsesARowIndex() throws {
        let path = try TestData.temporaryFile("x,y\n1,2\n3,4\n")
        let loaded = try CSVLoader.load(path)
        #expect(loaded.timeColumn == nil)
        #expect(loaded.series[0].time == .index(count: 2))
        #expect(loaded.series[0].columnNames == ["x", "y"])
    }

    @Test func epochSecondsAndMilliseconds() throws {
        let seconds = try CSVLoader.load(TestData.temporaryFile("timestamp,value\n1700000000,1\n1700000060,2\n")).series[0]
        #expect(seconds.time.timestamps == [1_700_000_000, 1_700_000_060])
        #expect(seconds.profile().frequency == "min")
        let millis = try CSVLoader.load(TestData.temporaryFile("time,value\n1700000000000,1\n1700000300000,2\n")).series[0]
        #expect(millis.time.timestamps == [1_700_000_000, 1_700_000_300])
        let forced = try CSVLoader.load(TestData.temporaryFile("time,value\n1700000000,1\n"),
                                        options: CSVOptions(epochUnit: .milliseconds)).series[0]
        #expect(forced.time.timestamps == [1_700_000])
        let years = try CSVLoader.load(TestData.temporaryFile("year,value\n1871,1\n1872,2\n"), options: CSVOptions(timeColumn: "year")).series[0]
        #expect(years.profile().start == "1871-01-01" && years.profile().frequency == "YS")
    }

    @Test func timestampForms() throws {
        let path = try TestData.temporaryFile("""
        ts,v
        2024-01-01T00:00:00Z,1
        2024-01-01T02:00:00+01:00,2
        2024-01-01 02:00:00.000000,3
        2024-01-01T01:00:00-02:00,4
        2024-01-01T04:00,5
        """)
        let s = try CSVLoader.load(path, options: CSVOptions(timeColumn: "ts")).series[0]
        let base: Int64 = 1_704_067_200
        #expect(s.time.timestamps == [base, base + 3600, base + 7200, base + 10800, base + 14400])
        let fraction = try CSVLoader.load(TestData.temporaryFile("ts,v\n2024-01-01 00:00:00.5,1\n"))
        #expect(fraction.notes.contains { $0.contains("sub-second") })
    }

    @Test func quotingCRLFBOMAndNoFinalNewline() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("\"date\",\"a, quoted\",b\r\n\"2024-01-01\",\"1.5\",2\r\n2024-01-02,\"2\",\"3\"".utf8)
        let loaded = try CSVLoader.load(TestData.temporaryFile(bytes))
        #expect(loaded.header == ["date", "a, quoted", "b"])
        #expect(loaded.series[0].columns[0].values == [1.5, 2])
        #expect(loaded.series[0].columns[1].values == [2, 3])
    }

    @Test func tabDelimitedAndEmbeddedNewlines() throws {
        let tab = try CSVLoader.load(TestData.temporaryFile("date\tv\n2024-01-01\t 1 \n2024-01-02\t2\n"))
        #expect(tab.delimiter == 0x09 && tab.series[0].columns[0].values == [1, 2])
        // A quoted header cell spanning two lines shifts every later line number by one.
        let path = try TestData.temporaryFile("date,\"two\nlines\"\n2024-01-01,1\n2024-01-02,x\n")
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path) }
        #expect(error?.location?.line == 4 && error?.location?.columnName == "two\nlines")
    }

    @Test func missingMarkers() throws {
        let path = try TestData.temporaryFile("d,v\n2024-01-01,\n2024-01-02,NA\n2024-01-03,NaN\n2024-01-04,nan\n2024-01-05,null\n2024-01-06,N/A\n2024-01-07,7\n")
        let s = try CSVLoader.load(path).series[0]
        #expect(s.columns[0].values.prefix(6).allSatisfy { $0.isNaN })
        #expect(s.columns[0].values[6] == 7)
        #expect(s.profile().columns[0].missing == 6)
    }

    @Test func orderPolicies() throws {
        let path = try TestData.temporaryFile("d,v\n2024-01-01,1\n2024-01-03,3\n2024-01-02,2\n2024-01-02,22\n")
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path, options: CSVOptions(order: .error)) }
        #expect(error?.location?.line == 4)
        #expect(error?.description.contains("earlier than the row before") == true)
        let kept = try CSVLoader.load(path).series[0]
        #expect(kept.columns[0].values == [1, 3, 2, 22])
        #expect(kept.timeReport()?.backward == 1 && kept.timeReport()?.duplicates == 1)
        let sorted = try CSVLoader.load(path, options: CSVOptions(order: .sort)).series[0]
        #expect(sorted.columns[0].values == [1, 2, 22, 3])
        #expect(sorted.lines.line(ofRow: 1) == 4, "rows keep their source lines after sorting")
    }

    @Test func missingPolicies() throws {
        let path = try TestData.temporaryFile("d,a,b\n2024-01-01,,1\n2024-01-02,2,\n2024-01-03,,3\n2024-01-04,6,4\n2024-01-05,,5\n")
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path, options: CSVOptions(missing: .error)) }
        #expect(error?.location?.line == 2 && error?.location?.columnName == "a")
        let ffill = try CSVLoader.load(path, options: CSVOptions(missing: .ffill)).series[0]
        #expect(ffill.columns[0].values == [2, 2, 2, 6, 6] && ffill.columns[1].values == [1, 1, 3, 4, 5])
        let linear = try CSVLoader.load(path, options: CSVOptions(missing: .interpolate)).series[0]
        #expect(linear.columns[0].values == [2, 2, 4, 6, 6] && linear.columns[1].values == [1, 2, 3, 4, 5])
        let dropped = try CSVLoader.load(path, options: CSVOptions(missing: .drop)).series[0]
        #expect(dropped.rowCount == 1 && dropped.columns[0].values == [6])
        #expect(dropped.lines.line(ofRow: 0) == 5)
    }

    @Test func gapsAndOffStepRowsAreClassified() throws {
        let path = try TestData.temporaryFile("d,v\n2024-01-01 00:00,1\n2024-01-01 01:00,1\n2024-01-01 04:00,1\n2024-01-01 05:00,1\n2024-01-01 05:30,1\n2024-01-01 06:30,1\n")
        let report = try #require(CSVLoader.load(path).series[0].timeReport())
        #expect(report.frequency == Frequency(.hour))
        #expect(report.gaps == 1 && report.missingTimestamps == 2)
        #expect(report.offStep == 1)
        #expect(report.examples.first { $0.kind == .gap }?.line == 4)
    }
}

/// Large wide files are cut into ranges parsed on several threads; the result must be the same
/// as on one thread, errors must carry absolute lines, and a cut inside a quoted field must be
/// detected and repaired by re-reading.
struct CSVParallelTests {
    static func bigFile(rows: Int, quotedNewlineAt: Int? = nil, badCellAt: Int? = nil, everyNoteQuoted: Bool = false) throws -> String {
        var text = "date,a,b,note\n"
        var t = CivilTime(year: 2020, month: 1, day: 1).epochSeconds
        for r in 0..<rows {
            let a = r == badCellAt ? "oops" : String(Float(r) * 0.25)
            let note = r == quotedNewlineAt || everyNoteQuoted ? "\"two\nlines\"" : "x"
            text += "\(CivilTime.format(t, dateOnly: false)),\(a),\(r % 97),\(note)\n"
            t += 60
        }
        return try TestData.temporaryFile(text)
    }

    func load(_ path: String, threads: Int) throws -> CSVLoadResult {
        var options = CSVOptions()
        options.threads = threads
        options.parallelMinimumBytes = 0
        options.targetColumns = ["a", "b"]  // `note` holds text, and the quoted newline
        return try CSVLoader.load(path, options: options)
    }

    @Test func parallelEqualsSequential() throws {
        let path = try Self.bigFile(rows: 30_000)
        let one = try load(path, threads: 1).series[0]
        for threads in [2, 3, 5] {
            let loaded = try load(path, threads: threads)
            #expect(loaded.threadsUsed == threads)
            let many = loaded.series[0]
            #expect(many == one, "\(threads) threads")
            #expect(many.lines.line(ofRow: 29_999) == 30_001)
        }
        #expect(one.rowCount == 30_000 && one.columns[0].values[29_999] == 7499.75)
    }

    @Test func errorsInLaterRangesCarryAbsoluteLines() throws {
        let path = try Self.bigFile(rows: 30_000, badCellAt: 28_000)
        let error = #expect(throws: DataError.self) { try load(path, threads: 3) }
        #expect(error?.location?.line == 28_002 && error?.location?.columnName == "a")
    }

    @Test func aCutInsideAQuotedFieldIsRepaired() throws {
        // Every row after 10,000 is shifted by one line; wherever a cut lands, the result must
        // equal the one-thread parse (a cut inside the quoted newline forces a re-read).
        for at in [9_000, 15_000, 22_000] {
            let path = try Self.bigFile(rows: 30_000, quotedNewlineAt: at)
            let one = try load(path, threads: 1).series[0]
            #expect(one.columns[1].values[at] == Float(at % 97))
            #expect(one.lines.line(ofRow: 29_999) == 30_002)
            for threads in [2, 3, 4] { #expect(try load(path, threads: threads).series[0] == one, "\(at), \(threads)") }
        }
        // With a quoted newline in every row, about half of all cuts land inside quotes: such
        // loads must fall back to one thread and still equal the one-thread parse.
        let path = try Self.bigFile(rows: 30_000, everyNoteQuoted: true)
        let one = try load(path, threads: 1).series[0]
        #expect(one.lines.line(ofRow: 29_999) == 60_000, "row r starts on line 2 + 2r")
        var used: Set<Int> = []
        for threads in 2...7 {
            let loaded = try load(path, threads: threads)
            used.insert(loaded.threadsUsed)
            #expect(loaded.series[0] == one, "\(threads) threads")
        }
        #expect(used.contains(1), "some cut fell inside a quoted field and was re-read")
    }
}
