// `CSVLoader.profile` (inspect's streaming path for files larger than memory) against the loaded
// path it stands in for: the same profiles for wide, long, index-only, multi-column, date-only and
// irregular files — and for a series longer than the rows the frequency is inferred from — and the
// same errors for empty files; its rows are dropped after every batch.
import Foundation
import Testing
@testable import SeerData

struct CSVProfileTests {
    /// The streamed profiles equal the loaded ones (standard deviations to rounding: one pass vs two).
    static func expectSame(_ text: String, options: CSVOptions = CSVOptions(), sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try TestData.temporaryFile(text)
        let streamed = try CSVLoader.profile(path, options: options)
        let loaded = try CSVLoader.load(path, options: options)
        #expect(streamed.layout == loaded.layout && streamed.header == loaded.header && streamed.timeColumn == loaded.timeColumn,
                sourceLocation: sourceLocation)
        #expect(streamed.notes == loaded.notes, sourceLocation: sourceLocation)
        let expected = loaded.series.map { $0.profile() }
        #expect(streamed.profiles.count == expected.count, sourceLocation: sourceLocation)
        for (got, want) in zip(streamed.profiles, expected) {
            var rounded = got
            for (k, column) in want.columns.enumerated() {
                if let a = got.columns[k].std, let b = column.std, abs(a - b) <= 1e-9 * max(1, abs(b)) { rounded.columns[k].std = b }
                if let a = got.columns[k].mean, let b = column.mean, abs(a - b) <= 1e-12 * max(1, abs(b)) { rounded.columns[k].mean = b }
            }
            #expect(rounded == want, sourceLocation: sourceLocation)
        }
    }

    @Test func wideFilesWithGapsDuplicatesAndMissingValues() throws {
        try Self.expectSame("date,a,b\n2024-01-01,1,2\n2024-01-02,,3\n2024-01-02,4,5\n2024-01-05,6,\n2024-01-04,7,8\n2024-01-06,9,10\n")
        try Self.expectSame("timestamp,value\n" + (0..<500).map { "\(1_700_000_000 + 60 * ($0 < 300 ? $0 : $0 + 7)),\(Double($0 % 17) * 0.25)\n" }.joined())
        try Self.expectSame("x,y\n1.5,2\n3,4\n,6\n")  // no time column: a row index
    }

    @Test func longFilesWithInterleavedSeries() throws {
        var text = "unique_id,ds,y\n"
        for t in 0..<300 { for id in ["b", "a", "c"] where !(id == "c" && t % 50 == 7) { text += "\(id),\(1_700_000_000 + 3_600 * t),\(t % 24)\n" } }
        try Self.expectSame(text)
        try Self.expectSame(text, options: CSVOptions(layout: .long))
    }

    @Test func aSeriesLongerThanTheInferenceRows() throws {
        // Past `inferenceRows` the frequency is the prefix's; on a regular series it is the same.
        let n = SeriesProfiler.inferenceRows * 3 + 17
        var text = "timestamp,value\n"
        for k in 0..<n where k != 9_000 && k != 9_001 {
            let line = "\(1_600_000_000 + 300 * k),\(k % 97)\n"
            text += k == 5_000 ? line + line : line  // row 5001 (line 5003) repeats row 5000
        }
        try Self.expectSame(text)
        let path = try TestData.temporaryFile(text)
        let profile = try #require(try CSVLoader.profile(path).profiles.first)
        #expect(profile.rows == n - 1 && profile.duplicates == 1 && profile.gaps == 1 && profile.missingTimestamps == 2 && profile.offStep == 0)
        #expect(profile.frequency != nil && profile.examples.contains { $0.hasPrefix("line 5003: duplicate timestamp") }, "\(profile.examples)")
    }

    @Test func emptyFilesFailAlike() throws {
        for text in ["", "timestamp,value\n"] {
            let path = try TestData.temporaryFile(text)
            var streamed: String?, loaded: String?
            do { _ = try CSVLoader.profile(path) } catch { streamed = "\(error)" }
            do { _ = try CSVLoader.load(path) } catch { loaded = "\(error)" }
            #expect(streamed != nil && streamed == loaded, "\(String(describing: streamed)) vs \(String(describing: loaded))")
        }
    }

    @Test func rowsDoNotStayAfterTheirBatch() throws {
        var text = "unique_id,timestamp,value\n"
        for t in 0..<40_000 { text += "s\(t % 4),\(1_600_000_000 + 60 * (t / 4)),\(t % 13)\n" }
        let path = try TestData.temporaryFile(text)
        let builder = CSVTableBuilder(path: path, options: CSVOptions())
        let handler = ProfilingHandler(builder: builder)
        try CSVReader(path: path).read(into: handler)
        #expect(builder.series.count == 4 && builder.series.allSatisfy { $0.timestamps.isEmpty && $0.columns.allSatisfy(\.isEmpty) && $0.rows == 10_000 })
        #expect(handler.profilers.map { $0.finish().rows } == [10_000, 10_000, 10_000, 10_000])
    }
}
