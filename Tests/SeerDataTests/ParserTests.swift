// Golden values and properties of the byte-level parsers and the calendar arithmetic.
import Testing
@testable import SeerData

struct NumberParserTests {
    @Test func goldenValues() {
        let cases: [(String, Float)] = [("0", 0), ("-0.5", -0.5), ("+7", 7), (".25", 0.25), ("1e3", 1000), ("2.5E-2", 0.025),
                                        (" 42 ", 42), ("5.827000141143799", 5.827000141143799),
                                        ("123456789012345678901234", 1.2345679e23), ("0.000000000000000000000000001", 1e-27)]
        for (text, value) in cases { #expect(NumberParser.parse(text) == .value(value), "\(text)") }
    }

    @Test func missingInvalidAndOutOfRange() {
        for marker in ["", "NA", "NaN", "nan", "null", "N/A", "NULL"] { #expect(NumberParser.parse(marker) == .missing, "\(marker)") }
        for bad in ["abc", "1.2.3", "1e", "--1", "1,5", "0x10", "-", "."] { #expect(NumberParser.parse(bad) == .invalid, "\(bad)") }
        for huge in ["inf", "-Infinity", "1e39", "-3.5e38"] { #expect(NumberParser.parse(huge) == .outOfRange, "\(huge)") }
    }

    @Test func agreesWithTheStandardLibraryOnRandomDecimals() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<20_000 {
            let digits = Int(rng.next() % 18) + 1
            var mantissa = ""
            for _ in 0..<digits { mantissa.append(Character(String(rng.next() % 10))) }
            let point = Int(rng.next() % UInt64(digits + 1))
            var text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if rng.next() % 3 == 0 { text += "e\(Int(rng.next() % 40) - 20)" }
            if rng.next() % 2 == 0 { text = "-" + text }
            guard let expected = Float(text), expected.isFinite else { continue }
            #expect(NumberParser.parse(text) == .value(expected), "\(text)")
        }
    }
}

struct TimestampAndCalendarTests {
    @Test func civilRoundTripOverCenturies() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: y, month: m, day: d) == days)
        }
        #expect(CivilTime.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilTime.format(951_782_400) == "2000-02-29")
        #expect(CivilTime.weekday(epochSeconds: 0) == 3, "1970-01-01 was a Thursday")
        #expect(CivilTime.format(-1) == "1969-12-31 23:59:59")
    }

    @Test func parsesTheDocumentedForms() {
        #expect(TimestampParser.parse("2016-07-01 00:00:00") == 1_467_331_200)
        #expect(TimestampParser.parse("2016-07-01") == 1_467_331_200)
        #expect(TimestampParser.parse("2016-07-01T05:30:00+05:30") == 1_467_331_200)
        #expect(TimestampParser.parse("2016-07-01T00:00:00.123456Z") == 1_467_331_200)
        #expect(TimestampParser.parse("2016/07/01") == 1_467_331_200)
        #expect(TimestampParser.parse("2016-07") == 1_467_331_200)
        #expect(TimestampParser.parse("2016-06-30 19:00-0500") == 1_467_331_200)
        #expect(TimestampParser.parse("2016-07-01 24:00:00") == nil)
        #expect(TimestampParser.parse("2023-02-29") == nil)
    }

    @Test func frequencyInferenceAndAliases() throws {
        func infer(_ stamps: [String]) -> String? { Frequency.infer(stamps.compactMap(TimestampParser.parse))?.description }
        #expect(infer(["2024-01-01 00:00", "2024-01-01 00:05", "2024-01-01 00:10"]) == "5min")
        #expect(infer(["2024-01-01 00:00", "2024-01-01 03:00", "2024-01-01 06:00"]) == "3H")
        #expect(infer(["2024-01-01 00:00:00", "2024-01-01 00:00:15", "2024-01-01 00:00:30"]) == "15S")
        #expect(infer(["2024-01-31", "2024-02-29", "2024-03-31"]) == "M")
        #expect(infer(["2024-01-01", "2024-04-01", "2024-07-01"]) == "QS")
        #expect(infer(["2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10"]) == "B")
        #expect(infer(["2024-01-01", "2024-01-15", "2024-01-29"]) == "2W")
        #expect(infer(["2024-01-01"]) == nil)
        let month = try #require(Frequency(parsing: "MS"))
        #expect(CivilTime.format(month.advance(TimestampParser.parse("2024-01-01")!, by: 13)) == "2025-02-01")
        let monthEnd = try #require(Frequency(parsing: "M"))
        #expect(CivilTime.format(monthEnd.advance(TimestampParser.parse("2024-01-31")!)) == "2024-02-29")
        let business = try #require(Frequency(parsing: "B"))
        #expect(CivilTime.format(business.advance(TimestampParser.parse("2024-01-05")!)) == "2024-01-08")
        #expect(Frequency(parsing: "15T") == Frequency(.minute, 15) && Frequency(parsing: "xyz") == nil)
    }

    @Test func lineMapCompressesAndSlices() {
        var map = LineMap()
        for row in 0..<100 { map.append(row: row, line: row + 2 + (row >= 50 ? 3 : 0)) }
        #expect(map.line(ofRow: 0) == 2 && map.line(ofRow: 49) == 51 && map.line(ofRow: 50) == 55 && map.line(ofRow: 99) == 104)
        let slice = map.slice(40..<60)
        #expect(slice.line(ofRow: 0) == 42 && slice.line(ofRow: 10) == 55)
        #expect(LineMap().line(ofRow: 3) == nil)
    }
}

/// A tiny deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
