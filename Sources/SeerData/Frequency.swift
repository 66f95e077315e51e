// Sampling frequency of a time axis: inferred from the median step, written in the pandas
// aliases users know (`5min`, `H`, `D`, `B`, `W`, `MS`, `QS`, `YS` …), and able to step a
// timestamp forward — for calendar units by calendar arithmetic, so months and years stay aligned.

/// A regular sampling frequency.
public struct Frequency: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, Equatable {
        case second = "S", minute = "min", hour = "H", day = "D", businessDay = "B", week = "W"
        case monthStart = "MS", monthEnd = "M", quarterStart = "QS", quarterEnd = "Q"
        case yearStart = "YS", yearEnd = "Y"
    }

    public var unit: Unit
    public var multiple: Int

    public init(_ unit: Unit, _ multiple: Int = 1) {
        self.unit = unit
        self.multiple = multiple
    }

    /// The pandas-style alias, e.g. `5min`, `H`, `MS`.
    public var description: String { (multiple == 1 ? "" : String(multiple)) + unit.rawValue }

    /// The step in seconds for fixed-length units; nil for calendar units (months, years, business days).
    public var fixedSeconds: Int64? {
        let m = Int64(multiple)
        switch unit {
        case .second: return m
        case .minute: return 60 * m
        case .hour: return 3600 * m
        case .day: return 86_400 * m
        case .week: return 7 * 86_400 * m
        default: return nil
        }
    }

    /// Parses an alias such as `5min`, `H`, `h`, `15T`, `D`, `MS`, `W`.
    public init?(parsing text: String) {
        let digits = text.prefix { $0.isNumber }
        let multiple = digits.isEmpty ? 1 : Int(digits) ?? 0
        guard multiple > 0 else { return nil }
        let aliases: [String: Unit] = [
            "S": .second, "s": .second, "min": .minute, "T": .minute, "H": .hour, "h": .hour,
            "D": .day, "d": .day, "B": .businessDay, "W": .week, "MS": .monthStart, "M": .monthEnd,
            "ME": .monthEnd, "QS": .quarterStart, "Q": .quarterEnd, "QE": .quarterEnd,
            "YS": .yearStart, "AS": .yearStart, "Y": .yearEnd, "A": .yearEnd, "YE": .yearEnd,
        ]
        guard let unit = aliases[String(text.dropFirst(digits.count))] else { return nil }
        self.init(unit, multiple)
    }

    /// `t` moved forward by `steps` periods (steps may be negative).
    public func advance(_ t: Int64, by steps: Int = 1) -> Int64 {
        if let seconds = fixedSeconds { return t + seconds * Int64(steps) }
        let n = steps * multiple
        switch unit {
        case .businessDay:
            var out = t
            var remaining = abs(n)
            let delta: Int64 = n >= 0 ? 86_400 : -86_400
            while remaining > 0 {
                out += delta
                if CivilTime.weekday(epochSeconds: out) < 5 { remaining -= 1 }
            }
            return out
        case .monthStart, .monthEnd: return Frequency.addMonths(t, n, toEnd: unit == .monthEnd)
        case .quarterStart, .quarterEnd: return Frequency.addMonths(t, 3 * n, toEnd: unit == .quarterEnd)
        case .yearStart, .yearEnd: return Frequency.addMonths(t, 12 * n, toEnd: unit == .yearEnd)
        default: return t
        }
    }

    static func addMonths(_ t: Int64, _ months: Int, toEnd: Bool) -> Int64 {
        var civil = CivilTime(epochSeconds: t)
        let total = civil.year * 12 + (civil.month - 1) + months
        civil.year = total >= 0 ? total / 12 : (total - 11) / 12
        civil.month = total - civil.year * 12 + 1
        let last = CivilTime.daysInMonth(year: civil.year, month: civil.month)
        civil.day = toEnd ? last : min(civil.day, last)
        return civil.epochSeconds
    }

    /// Infers the frequency of sorted-ish timestamps from the median positive step; nil when
    /// there are fewer than two distinct timestamps.
    public static func infer(_ timestamps: [Int64]) -> Frequency? {
        var steps: [Int64] = []
        steps.reserveCapacity(timestamps.count)
        for i in 1..<max(1, timestamps.count) where timestamps[i] > timestamps[i - 1] {
            steps.append(timestamps[i] - timestamps[i - 1])
        }
        guard !steps.isEmpty else { return nil }
        steps.sort()
        let median = steps[steps.count / 2]
        let day: Int64 = 86_400
        if median % day != 0 {
            if median % 3600 == 0 { return Frequency(.hour, Int(median / 3600)) }
            if median % 60 == 0 { return Frequency(.minute, Int(median / 60)) }
            return Frequency(.second, Int(median))
        }
        let days = median / day
        let civil = timestamps.lazy.map { CivilTime(epochSeconds: $0) }
        let midnight = timestamps.allSatisfy { $0 % day == 0 }
        let onFirst = midnight && civil.allSatisfy { $0.day == 1 }
        let onLast = midnight && civil.allSatisfy { $0.day == CivilTime.daysInMonth(year: $0.year, month: $0.month) }
        switch days {
        case 1:
            let weekdaysOnly = timestamps.allSatisfy { CivilTime.weekday(epochSeconds: $0) < 5 }
            let skipsWeekends = steps.contains { $0 == 3 * day }
            return weekdaysOnly && skipsWeekends ? Frequency(.businessDay) : Frequency(.day)
        case 28...31 where onFirst: return Frequency(.monthStart)
        case 28...31 where onLast: return Frequency(.monthEnd)
        case 89...92 where onFirst: return Frequency(.quarterStart)
        case 89...92 where onLast: return Frequency(.quarterEnd)
        case 365...366 where onFirst && civil.allSatisfy({ $0.month == 1 }): return Frequency(.yearStart)
        case 365...366 where onLast && civil.allSatisfy({ $0.month == 12 }): return Frequency(.yearEnd)
        default:
            if days % 7 == 0 { return Frequency(.week, Int(days / 7)) }
            return Frequency(.day, Int(days))
        }
    }
}
