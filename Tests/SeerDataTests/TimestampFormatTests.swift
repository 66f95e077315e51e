// One timestamp format per output column: dates for daily and coarser all-midnight series,
// date-times on every row otherwise, written in the input's UTC offset; and the offset a CSV's
// time column gave, found whether the file is read on one core or several.
import Foundation
import SeerBase
@testable import SeerData
import Testing

struct TimestampFormatTests {
    static let day: Int64 = 86_400

    @Test func chosenFromTheFrequency() {
        let days = (0..<5).map { Int64($0) * Self.day }
        #expect(TimestampFormat.choose([days], frequency: Frequency(.day)).dateOnly)
        #expect(TimestampFormat.choose([days], frequency: Frequency(.monthStart)).dateOnly)
        #expect(TimestampFormat.choose([days], frequency: nil).dateOnly, "irregular midnights are dates")
        // Hourly data whose stamps happen to fall on midnights is still written with times.
        #expect(!TimestampFormat.choose([days], frequency: Frequency(.hour, 24 * 2 + 1)).dateOnly)
        #expect(!TimestampFormat.choose([days], frequency: Frequency(.hour)).dateOnly)
        #expect(!TimestampFormat.choose([days + [4 * Self.day + 3600]], frequency: Frequency(.day)).dateOnly, "a daily series at 01:00")
        // Midnight in the output's offset, not in UTC.
        let localMidnights = days.map { $0 - 3600 }
        #expect(TimestampFormat.choose([localMidnights], frequency: Frequency(.day), utcOffset: 3600).dateOnly)
    }

    @Test func everyRowTheSameShape() {
        let full = TimestampFormat(dateOnly: false)
        #expect(full.format(0) == "1970-01-01 00:00:00" && full.format(3600) == "1970-01-01 01:00:00")
        #expect(TimestampFormat(dateOnly: true).format(Self.day) == "1970-01-02")
        let east = TimestampFormat(dateOnly: false, utcOffset: 5 * 3600 + 30 * 60)
        #expect(east.format(0) == "1970-01-01 05:30:00+05:30")
        let west = TimestampFormat(dateOnly: false, utcOffset: -3 * 3600)
        #expect(west.format(0) == "1969-12-31 21:00:00-03:00")
        #expect(TimestampParser.parse(west.format(12_345)) == 12_345, "what Seer writes, Seer reads back to the same instant")
    }

    @Test func zoneStatesMerge() {
        var a = TimeZoneState(), b = TimeZoneState()
        a.see(3600); a.see(3600); b.see(3600)
        a.merge(b)
        #expect(a.columnOffset == 3600)
        b.see(nil)
        a.merge(b)
        #expect(a.columnOffset == nil, "naive cells beside zoned ones: no single offset")
        var c = TimeZoneState()
        c.see(0); c.see(3600)
        #expect(c.columnOffset == nil && c.mixed)
    }

    @Test(arguments: [1, 2])
    func theOffsetOfACSVTimeColumn(threads: Int) throws {
        var text = "ds,v\n"
        for i in 0..<20_000 { text += String(format: "2024-03-%02dT%02d:%02d:00+02:00,%d\n", 1 + i / 1440, (i / 60) % 24, i % 60, i) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-zone-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.threads = threads
        options.parallelMinimumBytes = 1 << 12
        let loaded = try CSVLoader.load(path, options: options)
        #expect(loaded.series[0].utcOffset == 7200)
        #expect(loaded.series[0].time.timestamps?.first == TimestampParser.parse("2024-02-29 22:00:00"))
    }
}
