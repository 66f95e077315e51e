// Timestamp text → epoch seconds (UTC). Accepts the forms users' CSVs carry: `YYYY-MM-DD`,
// `YYYY-MM`, `YYYY/MM/DD`, a time `HH:MM[:SS[.ffffff]]` after a space or `T`, and a zone `Z`,
// `±HH:MM`, `±HHMM` or `±HH`. Quarters and months as R, pandas and tsibble export them read as
// the first day of the period: `1970 Q1`, `1970-Q1`, `1970Q1`, `Q1 1970`, and `1991 Jul`,
// `1991-Jul`, `Jul 1991`, `July 1991` (English month names, full or three letters; `Q` and
// names in any case). Plain integers are epoch seconds or milliseconds, decided per column
// (see `EpochUnit`), never per row, so a column cannot silently mix the two.

/// How integer timestamps in a column are read.
public enum EpochUnit: String, Sendable, CaseIterable {
    case seconds = "s"
    case milliseconds = "ms"

    /// Integers of at least 10^11 are read as milliseconds (10^11 s is the year 5138).
    public static func guess(forMagnitude value: Int64) -> EpochUnit {
        abs(value) >= 100_000_000_000 ? .milliseconds : .seconds
    }
}

/// Result of parsing one timestamp cell.
public enum ParsedTimestamp: Equatable, Sendable {
    /// Epoch seconds (UTC), whether a non-zero fraction of a second was dropped, and the UTC
    /// offset in seconds the cell gave (`Z` is 0; nil when it named no zone).
    case value(Int64, droppedFraction: Bool, utcOffset: Int? = nil)
    /// An all-digit cell: an epoch number whose unit the caller decides.
    case integer(Int64)
    case invalid(reason: String)
}

public enum TimestampParser {
    @inline(__always)
    static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int, _ n: Int) -> Int? {
        guard at + count <= n else { return nil }
        var value = 0
        for k in at..<(at + count) {
            let d = p[k] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// Parses one cell (surrounding spaces allowed).
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> ParsedTimestamp {
        var lo = 0, hi = count
        while lo < hi && start[lo] == 0x20 { lo += 1 }
        while hi > lo && start[hi - 1] == 0x20 { hi -= 1 }
        let p = start + lo
        let n = hi - lo
        guard n > 0 else { return .invalid(reason: "empty timestamp") }

        // All digits (optionally signed): an epoch number.
        var allDigits = true
        var k = (p[0] == 0x2D) ? 1 : 0
        if k == n { allDigits = false }
        while k < n { if p[k] &- 0x30 >= 10 { allDigits = false; break }; k += 1 }
        if allDigits && n <= 19 {
            var value: Int64 = 0
            let negative = p[0] == 0x2D
            for j in (negative ? 1 : 0)..<n {
                // 19 digits can exceed Int64 (found by fuzzing: "9999999999999999999" trapped).
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
                let (next, carry) = shifted.addingReportingOverflow(Int64(p[j] &- 0x30))
                guard !overflow, !carry else { return .invalid(reason: "epoch number out of range") }
                value = next
            }
            return .integer(negative ? -value : value)
        }

        // Quarter and month-name cells are tried only where the ISO form has already failed, so
        // ordinary dates pay nothing for them.
        guard let year = digits(p, 0, 4, n) else {
            return parsePeriod(p, n) ?? .invalid(reason: "expected a date like 2024-01-31")
        }
        guard n > 4, p[4] == 0x2D || p[4] == 0x2F else {
            return parsePeriod(p, n) ?? .invalid(reason: "expected '-' after the year")
        }
        let separator = p[4]
        guard let month = digits(p, 5, 2, n), (1...12).contains(month) else {
            return parsePeriod(p, n) ?? .invalid(reason: "month must be 01-12")
        }
        var day = 1
        var i = 7
        if i < n && p[i] == separator {
            guard let d = digits(p, 8, 2, n) else { return .invalid(reason: "expected a two-digit day") }
            guard d >= 1 && d <= CivilTime.daysInMonth(year: year, month: month) else {
                return .invalid(reason: "day \(d) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)")
            }
            day = d
            i = 10
        }
        var hour = 0, minute = 0, second = 0
        var droppedFraction = false
        var offsetSeconds = 0
        var zoned = false
        if i < n {
            guard p[i] == 0x20 || p[i] == 0x54 || p[i] == 0x74 else {
                return .invalid(reason: "expected ' ' or 'T' before the time")
            }
            guard let h = digits(p, i + 1, 2, n), h <= 23 else { return .invalid(reason: "hour must be 00-23") }
            guard i + 3 < n, p[i + 3] == 0x3A, let m = digits(p, i + 4, 2, n), m <= 59 else {
                return .invalid(reason: "expected minutes as :MM")
            }
            hour = h
            minute = m
            i += 6
            if i < n && p[i] == 0x3A {
                guard let s = digits(p, i + 1, 2, n), s <= 60 else { return .invalid(reason: "seconds must be 00-60") }
                second = min(s, 59)  // a leap second is folded into :59
                i += 3
                if i < n && (p[i] == 0x2E || p[i] == 0x2C) {
                    i += 1
                    let fractionStart = i
                    while i < n, p[i] &- 0x30 < 10 {
                        if p[i] != 0x30 { droppedFraction = true }
                        i += 1
                    }
                    guard i > fractionStart else { return .invalid(reason: "expected digits after the decimal point") }
                }
            }
            if i < n {
                if p[i] == 0x5A || p[i] == 0x7A {  // Z
                    i += 1
                    zoned = true
                } else if p[i] == 0x2B || p[i] == 0x2D {
                    let sign = p[i] == 0x2D ? -1 : 1
                    guard let oh = digits(p, i + 1, 2, n), oh <= 18 else { return .invalid(reason: "bad UTC offset") }
                    i += 3
                    var om = 0
                    if i < n && p[i] == 0x3A { i += 1 }
                    if i < n {
                        guard let m = digits(p, i, 2, n), m <= 59 else { return .invalid(reason: "bad UTC offset minutes") }
                        om = m
                        i += 2
                    }
                    offsetSeconds = sign * (oh * 3600 + om * 60)
                    zoned = true
                }
            }
        }
        guard i == n else { return .invalid(reason: "unexpected text after the timestamp") }
        let civil = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return .value(civil.epochSeconds - Int64(offsetSeconds), droppedFraction: droppedFraction, utcOffset: zoned ? offsetSeconds : nil)
    }

    /// Lowercase English month names; a cell may also use their first three letters.
    private static let monthNames = ["january", "february", "march", "april", "may", "june", "july",
                                     "august", "september", "october", "november", "december"]

    /// A four-digit year and a quarter or month word, in either order, as the first day of that
    /// period. Nil when the cell does not have this shape, so the caller's ISO message stands;
    /// a cell that has it but names no quarter or month (`2020-Q5`, `1991 Jux`) is invalid,
    /// never read as something else. Out of line: it is off the path ordinary dates take.
    @inline(never)
    static func parsePeriod(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParsedTimestamp? {
        let year: Int
        let word: Range<Int>
        if let y = digits(p, 0, 4, n) {
            // Year first: the word follows a space or '-', or directly for a quarter (`1970Q1`,
            // pandas' Period form); exporters do not write `1991Jul`, so it stays unclaimed.
            var i = 4
            if i < n && (p[i] == 0x20 || p[i] == 0x2D) { i += 1 }
            guard i < n, isLetter(p[i]), i > 4 || p[i] | 0x20 == 0x71 else { return nil }
            year = y
            word = i..<n
        } else {
            // Word first (`Q1 1970`, `Jul 1991`): the word, one space or '-', and the year last.
            guard n > 0, isLetter(p[0]) else { return nil }
            var i = 1
            while i < n && p[i] != 0x20 && p[i] != 0x2D { i += 1 }
            guard i + 5 == n, let y = digits(p, i + 1, 4, n) else { return nil }
            year = y
            word = 0..<i
        }
        let a = word.lowerBound, count = word.count
        let month: Int
        if p[a] | 0x20 == 0x71 && count >= 2 && p[a + 1] &- 0x30 < 10 {  // 'Q' and a digit
            guard count == 2, let q = digits(p, a + 1, 1, n), (1...4).contains(q) else {
                return .invalid(reason: "quarter must be Q1-Q4")
            }
            month = 3 * q - 2
        } else if let m = monthNumber(p + a, count) {
            month = m
        } else {
            return .invalid(reason: "expected a month name like Jul or July, or a quarter Q1-Q4")
        }
        return .value(CivilTime(year: year, month: month, day: 1).epochSeconds, droppedFraction: false)
    }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

    /// 1...12 for a full or three-letter English month name in any case, else nil.
    static func monthNumber(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        guard count >= 3 else { return nil }
        for (index, name) in monthNames.enumerated() where count == 3 || count == name.utf8.count {
            // `| 0x20` lowercases a letter; no other byte can become a lowercase letter by it.
            var k = 0
            for expected in name.utf8.prefix(count) {
                guard p[k] | 0x20 == expected else { break }
                k += 1
            }
            if k == count { return index + 1 }
        }
        return nil
    }

    /// Convenience for tests and options: parses a full timestamp string to epoch seconds,
    /// reading a bare integer as epoch seconds.
    public static func parse(_ text: String) -> Int64? {
        var copy = text
        let result = copy.withUTF8 { buffer -> ParsedTimestamp in
            guard let base = buffer.baseAddress else { return .invalid(reason: "empty") }
            return parse(base, count: buffer.count)
        }
        switch result {
        case .value(let t, _, _): return t
        case .integer(let t): return t
        case .invalid: return nil
        }
    }
}
