// Golden values for the point-forecast metrics, including missing-value handling.
import Testing
import SeerEval

struct MetricsTests {
    @Test func goldenValues() {
        let actual: [Float] = [1, 2, 3, .nan]
        let predicted: [Float] = [2, 2, 5, 1]
        #expect(Metrics.mse(actual, predicted) == 5.0 / 3.0)
        #expect(Metrics.mae(actual, predicted) == 1.0)
        #expect(abs(Metrics.rmse(actual, predicted) - (5.0 / 3.0).squareRoot()) < 1e-12)
        #expect(Metrics.mse([.nan], [1]).isNaN)
    }
}
