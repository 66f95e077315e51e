// Combining the forecasts of several models step by step — the simple combinations that keep
// winning forecasting competitions (the median or mean of a few good models; Makridakis et al.,
// M4 and M5). `auto` combines its best k candidates when asked (`ForecastRequest.combine`).

/// How an ensemble merges its members' forecasts of one step.
public enum ForecastCombination: String, Sendable, CaseIterable, Equatable {
    /// The median (the mean of the middle two for an even count): robust to one wild member.
    case median
    /// The arithmetic mean.
    case mean

    /// The combination of `values` (non-empty).
    public func combine(_ values: [Float]) -> Float {
        switch self {
        case .mean: return values.reduce(0, +) / Float(values.count)
        case .median:
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}
