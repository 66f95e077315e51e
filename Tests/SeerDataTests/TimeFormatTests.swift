// Quarter and month-name time cells (`1970 Q1`, `1991 Jul`, as R, pandas and tsibble export
// them): golden epoch values for every accepted form, clear rejections of near misses, and wide
// CSVs whose time column is found from such cells and whose frequency is inferred as QS / MS.
import Testing
import SeerBase
@testable import SeerData

struct TimeFormatTests {
    /// The byte-level result, to tell a date (`.value`) from an epoch number (`.integer`).
    private func parsed(_ text: String) -> ParsedTimestamp {
        var copy = text
        return copy.withUTF8 { TimestampParser.parse($0.baseAddress!, count: $0.count) }
    }

    @Test func quartersReadAsTheirFirstDay() {
        // 1970-04-01 is 90 days (7 776 000 s) after the epoch.
        for text in ["1970 Q2", "1970-Q2", "1970Q2", "1970 q2", "1970q2", "Q2 1970", "q2-1970", " 1970 Q2 "] {
            #expect(parsed(text) == .value(7_776_000, droppedFraction: false), "\(text)")
        }
        #expect(TimestampParser.parse("1970 Q1") == 0)
        #expect(TimestampParser.parse("1970 Q3") == 15_638_400)   // 1970-07-01
        #expect(TimestampParser.parse("1970 Q4") == 23_587_200)   // 1970-10-01
        #expect(TimestampParser.parse("1992 Q2") == 702_086_400)  // 1992-04-01, after a 29-day February
        #expect(TimestampParser.parse("1960 Q4") == -291_945_600) // 1960-10-01, before the epoch
    }

    @Test func monthNamesReadAsTheFirstOfTheMonth() {
        // 1991-07-01 is 7 851 days after the epoch.
        for text in ["1991 Jul", "Jul 1991", "1991-Jul", "Jul-1991", "July 1991", "1991 July", "1991-july",
                     "JUL 1991", "jul 1991", "JULY 1991"] {
            #expect(parsed(text) == .value(678_326_400, droppedFraction: false), "\(text)")
        }
        #expect(TimestampParser.parse("1949 Jan") == -662_688_000)
        #expect(TimestampParser.parse("May 1991") == 673_056_000)
        #expect(TimestampParser.parse("September 1991") == 683_683_200)
        #expect(TimestampParser.parse("1991 Sep") == 683_683_200)
        #expect(TimestampParser.parse("Dec 2000") == 975_628_800)
    }

    @Test func nearMissesAreInvalid() {
        #expect(parsed("2020-Q5") == .invalid(reason: "quarter must be Q1-Q4"))
        #expect(parsed("1991 Jux") == .invalid(reason: "expected a month name like Jul or July, or a quarter Q1-Q4"))
        for text in ["2020 Q0", "2020Q12", "2020 Q", "Q5 2020", "Q0-2020", "Jux 1991", "1991 Ju", "1991 Julyy",
                     "1991 Sept", "1991 Jul 15", "1991Jul", "1991/Q1", "1991 - Jul", "Q1 70", "Jul 1991x",
                     "Jul  1991", "2020-W01", "Total 2020", "abc"] {
            guard case .invalid = parsed(text) else {
                Issue.record("\"\(text)\" should be an invalid timestamp, got \(parsed(text))")
                continue
            }
        }
        // Cells without a year and a word keep the ISO message.
        #expect(parsed("abc") == .invalid(reason: "expected a date like 2024-01-31"))
        #expect(parsed("2020-13") == .invalid(reason: "month must be 01-12"))
    }

    @Test func quarterlyWideFileFindsItsTimeColumn() throws {
        let path = try TestData.temporaryFile("Quarter,Beer\n1992 Q1,443\n1992 Q2,410\n1992 Q3,420\n1992 Q4,532\n1993 Q1,433\n")
        let loaded = try CSVLoader.load(path)
        #expect(loaded.layout == .wide && loaded.timeColumn == "Quarter")
        let s = loaded.series[0]
        #expect(s.columnNames == ["Beer"])
        #expect(s.columns[0].values == [443, 410, 420, 532, 433])
        #expect(s.time.timestamps == [694_224_000, 702_086_400, 709_948_800, 717_897_600, 725_846_400])
        #expect(s.profile().start == "1992-01-01")
        #expect(s.profile().frequency == "QS")
    }

    @Test func monthlyWideFileFindsItsTimeColumn() throws {
        let path = try TestData.temporaryFile("Month,Passengers\n1949 Jan,112\n1949 Feb,118\n1949 Mar,132\n1949 Apr,129\n1949 May,121\n")
        let loaded = try CSVLoader.load(path)
        #expect(loaded.layout == .wide && loaded.timeColumn == "Month")
        let s = loaded.series[0]
        #expect(s.columnNames == ["Passengers"])
        #expect(s.columns[0].values == [112, 118, 132, 129, 121])
        #expect(s.time.timestamps == [-662_688_000, -660_009_600, -657_590_400, -654_912_000, -652_320_000])
        #expect(s.profile().frequency == "MS")
        let named = try CSVLoader.load(TestData.temporaryFile("period;sales\nJanuary 2024;1\nFebruary 2024;2\nMarch 2024;3\n"))
        #expect(named.timeColumn == "period")
        #expect(named.series[0].time.timestamps == [1_704_067_200, 1_706_745_600, 1_709_251_200])
        #expect(named.series[0].profile().frequency == "MS")
    }

    @Test func badQuarterInAFileNamesTheCell() throws {
        let path = try TestData.temporaryFile("Quarter,Beer\n1992 Q1,443\n1992 Q5,410\n")
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path) }
        #expect(error?.location?.line == 3 && error?.location?.columnName == "Quarter")
        #expect(error?.description.contains("quarter must be Q1-Q4") == true)
    }
}
