// Proleptic-Gregorian calendar arithmetic on epoch seconds (UTC), without Foundation: days ↔
// (year, month, day) by the standard era-based day-count formulas, plus formatting in the ISO
// style Seer writes (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`).

/// A calendar date-time in UTC.
public struct CivilTime: Sendable, Equatable {
    public var year: Int
    public var month: Int   // 1...12
    public var day: Int     // 1...31
    public var hour: Int = 0
    public var minute: Int = 0
    public var second: Int = 0

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Days since 1970-01-01 of the date part.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01.
    public static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Seconds since the epoch.
    public var epochSeconds: Int64 {
        CivilTime.daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    public init(epochSeconds t: Int64) {
        let days = t >= 0 ? t / 86_400 : -((-t + 86_399) / 86_400)
        let rest = Int(t - days * 86_400)
        let date = CivilTime.civilFromDays(days)
        self.init(year: date.year, month: date.month, day: date.day,
                  hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    /// Day of week, 0 = Monday … 6 = Sunday.
    public static func weekday(epochSeconds t: Int64) -> Int {
        let days = t >= 0 ? t / 86_400 : -((-t + 86_399) / 86_400)
        return Int(((days % 7) + 7 + 3) % 7)  // 1970-01-01 was a Thursday
    }

    /// `YYYY-MM-DD HH:MM:SS`, or just `YYYY-MM-DD` when `dateOnly`.
    public func formatted(dateOnly: Bool = false) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        if dateOnly { return date }
        return date + " \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }

    /// Formats epoch seconds; dates without a time of day drop the `00:00:00`.
    public static func format(_ t: Int64, dateOnly: Bool? = nil) -> String {
        let civil = CivilTime(epochSeconds: t)
        return civil.formatted(dateOnly: dateOnly ?? (t % 86_400 == 0))
    }
}
