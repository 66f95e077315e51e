// Values so far from the rest of their series that no model can be fitted with them in it: one
// 1e30 among hourly values near 50 (a sensor glitch, a counter reset read as a delta). Left in,
// it swamps every statistic — mean and variance are its alone, Float32 squares overflow to
// infinity — and a forecast either fails or comes out as nonsense. Such a value is found by its
// distance from the series' median in robust units: the median absolute deviation (scaled to a
// standard deviation), or where more than half the values are equal, a thousandth of the typical
// magnitude of the values that are not zero. A million of those units is far beyond anything a
// real series does (a series rising from 1 to 1e6 has a spread of the same order as its median)
// and far below where arithmetic breaks.
import Foundation

/// The first value of a series that lies beyond `ExtremeValues.limit` robust units of its median.
public struct ExtremeValue: Sendable, Equatable {
    /// Its index in the series.
    public let index: Int
    public let value: Double
    public let median: Double
    /// How many robust units it lies from the median.
    public let units: Double

    /// "1e+30 lies 2.1e+28 robust deviations from the series' median (50.2)".
    public var summary: String {
        String(format: "%.6g lies %.2g robust deviations from the series' median (%.6g)", value, units, median)
    }
}

/// Finds values no model can be fitted with.
public enum ExtremeValues {
    /// Robust units from the median beyond which a value is refused.
    public static let limit = 1e6

    /// The first finite value beyond `limit` robust units of the median of the finite values
    /// (NaN and missing values are skipped); nil when there is none. Infinite values are the
    /// reader's business and are not looked at.
    public static func first(in values: [Float]) -> ExtremeValue? {
        let finite = values.lazy.filter(\.isFinite).map(Double.init)
        guard let scale = robustScale(Array(finite)) else { return nil }
        for (k, x) in values.enumerated() where x.isFinite {
            let units = abs(Double(x) - scale.median) / scale.unit
            if units > limit { return ExtremeValue(index: k, value: Double(x), median: scale.median, units: units) }
        }
        return nil
    }

    /// The median and the robust unit of `values` (nil when there are fewer than 3, or all are 0).
    static func robustScale(_ values: [Double]) -> (median: Double, unit: Double)? {
        guard values.count >= 3 else { return nil }
        let median = Self.median(values)
        let mad = 1.4826 * Self.median(values.map { abs($0 - median) })
        if mad > 0 { return (median, mad) }
        // More than half the values are equal: a thousandth of the nonzero values' typical size.
        let nonzero = values.filter { $0 != 0 }.map(abs)
        guard !nonzero.isEmpty else { return nil }
        let typical = Self.median(nonzero) * 1e-3
        return typical > 0 && typical.isFinite ? (median, typical) : nil
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : sorted[n / 2 - 1] / 2 + sorted[n / 2] / 2
    }
}
