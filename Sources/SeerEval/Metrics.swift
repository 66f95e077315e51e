// Point-forecast error metrics over paired values, skipping pairs where either side is missing.
// Accumulated in Double so long series do not lose precision.

/// Standard forecast error metrics.
public enum Metrics {
    /// Mean squared error; NaN when no pair is observed on both sides.
    public static func mse(_ actual: [Float], _ predicted: [Float]) -> Double {
        mean(actual, predicted) { d in d * d }
    }

    /// Mean absolute error.
    public static func mae(_ actual: [Float], _ predicted: [Float]) -> Double {
        mean(actual, predicted) { d in abs(d) }
    }

    /// Root mean squared error.
    public static func rmse(_ actual: [Float], _ predicted: [Float]) -> Double {
        mse(actual, predicted).squareRoot()
    }

    /// MASE's scale: the in-sample MAE of the seasonal-naive forecast of `history` (lag `season`, or
    /// 1 when the history is not longer than a season); nil when the history has no such pair or
    /// is constant, so nothing can be scaled by it.
    public static func seasonalNaiveScale(_ history: ArraySlice<Float>, season: Int) -> Double? {
        let lag = history.count > season ? max(1, season) : 1
        guard history.count > lag else { return nil }
        let start = history.startIndex
        var sum = 0.0
        for t in (start + lag)..<history.endIndex { sum += Double(abs(history[t] - history[t - lag])) }
        let scale = sum / Double(history.count - lag)
        return scale > 0 ? scale : nil
    }

    private static func mean(_ a: [Float], _ b: [Float], _ f: (Double) -> Double) -> Double {
        precondition(a.count == b.count, "metric inputs differ in length")
        var sum = 0.0
        var n = 0
        for i in a.indices where !a[i].isNaN && !b[i].isNaN {
            sum += f(Double(a[i]) - Double(b[i]))
            n += 1
        }
        return n == 0 ? .nan : sum / Double(n)
    }
}
