// The robust centre and unit of a set of values: the median, and the median absolute deviation
// scaled to a standard deviation — or, where more than half the values are equal (MAD 0), a
// thousandth of the typical magnitude of the values that are not zero. One definition for every
// place that asks "how far out is this value, in terms of the rest": the forecast's refusal of
// values no model can fit (SeerData's ExtremeValues) and the detectors' gross-outlier alarm.
import Foundation

/// A median and a robust unit of spread.
public struct RobustScale: Sendable, Equatable {
    public let median: Double
    /// One robust standard deviation (always positive and finite).
    public let unit: Double

    /// Robust units from the median beyond which a value is no longer on the scale of the rest:
    /// far beyond anything a real series does (a series rising from 1 to 1e6 has a spread of the
    /// same order as its median) and far below where arithmetic breaks.
    public static let grossLimit = 1e6

    /// The scale of `values` (nil when there are fewer than 3, or all are 0).
    public init?(_ values: [Double]) {
        guard values.count >= 3 else { return nil }
        let median = Self.median(values)
        let mad = 1.4826 * Self.median(values.map { abs($0 - median) })
        if mad > 0, mad.isFinite {
            self.median = median
            unit = mad
            return
        }
        let nonzero = values.filter { $0 != 0 }.map(abs)
        guard !nonzero.isEmpty else { return nil }
        let typical = Self.median(nonzero) * 1e-3
        guard typical > 0, typical.isFinite else { return nil }
        self.median = median
        unit = typical
    }

    /// How many robust units `value` lies from the median.
    public func units(_ value: Double) -> Double { abs(value - median) / unit }

    /// The median of `values` (which must not be empty).
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : sorted[n / 2 - 1] / 2 + sorted[n / 2] / 2
    }
}
