// Values so far from the rest of their series that no model can be fitted with them in it: one
// 1e30 among hourly values near 50 (a sensor glitch, a counter reset read as a delta). Left in,
// it swamps every statistic — mean and variance are its alone, Float32 squares overflow to
// infinity — and a forecast either fails or comes out as nonsense. Such a value is found by its
// distance from the series' median in robust units (SeerBase's RobustScale): beyond a million of
// them, far beyond anything a real series does and far below where arithmetic breaks.
import Foundation
import SeerBase

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
    public static let limit = RobustScale.grossLimit

    /// The first finite value beyond `limit` robust units of the median of the finite values
    /// (NaN and missing values are skipped); nil when there is none. Infinite values are the
    /// reader's business and are not looked at.
    public static func first(in values: [Float]) -> ExtremeValue? {
        let finite = values.lazy.filter(\.isFinite).map(Double.init)
        guard let scale = RobustScale(Array(finite)) else { return nil }
        for (k, x) in values.enumerated() where x.isFinite {
            let units = scale.units(Double(x))
            if units > limit { return ExtremeValue(index: k, value: Double(x), median: scale.median, units: units) }
        }
        return nil
    }
}
