// NAB's windowed Gaussian: scores from the statistics of the values before each one, the window's
// growth, and its move by whole steps once full — by hand.
import Foundation
@testable import SeerModels
import Testing

struct WindowedGaussianTests {
    /// 1 − Q(z), Q the standard normal upper tail.
    func score(_ z: Double) -> Double { 1 - 0.5 * erfc(z / 2.0.squareRoot()) }

    @Test func scoresAgainstThePastThenLearns() {
        var scorer = WindowedGaussian(windowSize: 3, stepSize: 2)
        #expect(scorer.update(1) == 0)                     // nothing seen yet
        #expect(scorer.update(1) == 0.5)                   // at the mean of [1]
        #expect(abs(scorer.update(3) - 1) < 1e-12)         // [1, 1]: std 1e-6, so 3 is far out
        // Window [1, 1, 3]: mean 5/3, population std √(8/9).
        let mean = 5.0 / 3, deviation = (8.0 / 9).squareRoot()
        #expect(abs(scorer.update(2) - score(abs(2 - mean) / deviation)) < 1e-12)
        // The window is full: 2 waits in the step buffer, so 2 again is scored the same way.
        #expect(abs(scorer.update(2) - score(abs(2 - mean) / deviation)) < 1e-12)
        // The buffer filled with [2, 2]: the window became [3, 2, 2].
        let moved = 7.0 / 3, movedDeviation = ((pow(3 - moved, 2) + 2 * pow(2 - moved, 2)) / 3).squareRoot()
        #expect(abs(scorer.update(4) - score(abs(4 - moved) / movedDeviation)) < 1e-12)
    }
}
