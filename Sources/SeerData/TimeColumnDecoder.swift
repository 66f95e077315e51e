// How a time column's cells become epoch seconds, shared by the CSV and SQLite readers. The
// first cell decides the column's mode — date-time text, epoch seconds or milliseconds, or
// four-digit years — and every later cell must match it, so a column can never silently mix
// seconds, milliseconds and dates.

/// A time cell that does not fit its column; `expected` completes "expected …" in a message.
struct TimeCellMismatch: Error {
    let expected: String
}

/// The UTC offsets a time column's cells gave: outputs write times as the input wrote them, in
/// its one offset, when every cell named the same one.
struct TimeZoneState: Equatable {
    /// Some cell named no zone.
    var naive = false
    /// The offset (seconds east of UTC) the zoned cells named, while they agree.
    var offset: Int?
    /// Zoned cells named different offsets.
    var mixed = false

    mutating func see(_ cellOffset: Int?) {
        guard let cellOffset else { naive = true; return }
        if let offset, offset != cellOffset { mixed = true }
        if offset == nil { offset = cellOffset }
    }

    mutating func merge(_ other: TimeZoneState) {
        naive = naive || other.naive
        if let o = other.offset {
            if let offset, offset != o { mixed = true }
            if offset == nil { offset = o }
        }
        mixed = mixed || other.mixed
    }

    /// The column's one offset, or nil (no zone, a mix of zoned and naive cells, or several offsets).
    var columnOffset: Int? { naive || mixed ? nil : offset }
}

/// Per-column timestamp decoding state.
struct TimeColumnDecoder {
    enum Mode { case undecided, text, epoch(EpochUnit), year }

    static let droppedFractionNote = "sub-second parts of timestamps are dropped (Seer keeps whole seconds)"

    private(set) var mode = Mode.undecided
    /// Unit forced by the user for integer cells; nil decides from the first value's magnitude.
    let forcedUnit: EpochUnit?
    /// Cells whose sub-second part was dropped.
    private(set) var droppedFractions = 0
    /// The UTC offsets the text cells gave.
    private(set) var zone = TimeZoneState()

    init(forcedUnit: EpochUnit?) { self.forcedUnit = forcedUnit }

    /// A text cell: a date-time, or an all-digit epoch number / year.
    mutating func decode(_ p: UnsafePointer<UInt8>, count: Int) throws(TimeCellMismatch) -> Int64 {
        switch TimestampParser.parse(p, count: count) {
        case .value(let t, let dropped, let offset):
            zone.see(offset)
            switch mode {
            case .undecided: mode = .text
            case .text: break
            case .epoch, .year: throw TimeCellMismatch(expected: "an integer timestamp like the rows above")
            }
            if dropped { droppedFractions += 1 }
            return t
        case .integer(let v):
            return try decode(integer: v, digits: count)
        case .invalid(let reason):
            throw TimeCellMismatch(expected: "a timestamp (\(reason))")
        }
    }

    /// An integer cell (`digits`: how many characters it was written with, when it was text).
    /// Four-digit values in 1000…2999 make the column one of years.
    mutating func decode(integer v: Int64, digits: Int?) throws(TimeCellMismatch) -> Int64 {
        switch mode {
        case .undecided:
            if let forcedUnit {
                mode = .epoch(forcedUnit)
            } else if (1000...2999).contains(v) && (digits == nil || digits == 4) {
                mode = .year
            } else {
                mode = .epoch(EpochUnit.guess(forMagnitude: v))
            }
            return try decode(integer: v, digits: digits)
        case .text:
            throw TimeCellMismatch(expected: "a date-time like the rows above")
        case .year:
            guard (1000...9999).contains(v) else { throw TimeCellMismatch(expected: "a four-digit year") }
            return CivilTime(year: Int(v), month: 1, day: 1).epochSeconds
        case .epoch(.seconds):
            return v
        case .epoch(.milliseconds):
            if v % 1000 != 0 { droppedFractions += 1 }
            // Floor division, so times before 1970 round down like the ones after.
            let (quotient, remainder) = v.quotientAndRemainder(dividingBy: 1000)
            return remainder < 0 ? quotient - 1 : quotient
        }
    }
}
