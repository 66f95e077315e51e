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
