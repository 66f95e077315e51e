// The Theta method: its SES fit (α by golden section, ℓ_0 in closed form) against a brute-force
// search, the seasonality test and indices on series where the answer is known, and its
// forecasts of the airline series beside statsforecast's `Theta` (same method; figures pinned
// from statsforecast 2.x, which the test does not need).
import Foundation
@testable import SeerModels
import Testing

struct ThetaTests {
    @Test func sesFitMatchesABruteForceSearch() {
        let y: [Double] = [12, 15, 14, 18, 17, 21, 19, 24, 23, 26]
        let (alpha, level) = ThetaMethod.ses(y)
        // Brute force over α and ℓ_0.
        func sse(_ a: Double, _ l0: Double) -> (Double, Double) {
            var level = l0, total = 0.0
            for v in y { total += (v - level) * (v - level); level = a * v + (1 - a) * level }
            return (total, level)
        }
        var best = (sse: Double.infinity, alpha: 0.0, level: 0.0)
        for i in 1...99 {
            let a = Double(i) / 100
            for j in 0...400 {
                let l0 = 5 + Double(j) * 0.05
                let (e, l) = sse(a, l0)
                if e < best.sse { best = (e, a, l) }
            }
        }
        #expect(abs(alpha - best.alpha) <= 0.011, "α \(alpha) vs \(best.alpha)")
        #expect(abs(level - best.level) <= 0.1, "ℓ_n \(level) vs \(best.level)")
    }

    @Test func seasonalityIsFoundWhereItIs() {
        let seasonal = (0..<48).map { 100 + 20 * sin(2 * Double.pi * Double($0) / 12) }
        #expect(ThetaMethod.isSeasonal(seasonal, 12))
        let ramp = (0..<48).map { Double($0) }
        #expect(!ThetaMethod.isSeasonal(ramp.map { $0.truncatingRemainder(dividingBy: 5) + 0.1 * $0 }, 12))
        // Indices of a pure multiplicative season recover it (mean 1).
        let pattern: [Double] = [0.8, 1.0, 1.2, 1.0]
        let y = (0..<40).map { 50 * pattern[$0 % 4] }
        let indices = classicalSeasonalIndices(y, 4, multiplicative: y.allSatisfy { $0 > 0 })
        for (got, want) in zip(indices, pattern) { #expect(abs(got - want) < 1e-9, "\(indices)") }
    }

    @Test func forecastsAConstantAsItself() {
        for optimize in [false, true] {
            let forecast = ThetaMethod(season: 12, optimizeTheta: optimize).forecast([Float](repeating: 7, count: 40), horizon: 5)
            #expect(forecast.allSatisfy { abs($0 - 7) < 1e-4 }, "\(forecast)")
        }
    }

    /// θ = 1 is plain SES: no drift whatever the trend.
    @Test func thetaOneIsSES() {
        let y: [Double] = (0..<30).map { (t: Int) -> Double in
            let wobble: Double = t % 3 == 0 ? 0.4 : -0.2
            return 5 + 0.7 * Double(t) + wobble
        }
        let path = ThetaMethod.optimizedFit(y, alpha: 0.4, theta: 1).path
        #expect(abs(path.forecast(1) - path.forecast(7)) < 1e-12 && abs(path.forecast(1) - path.level) < 1e-12)
    }

    /// The airline series (monthly, 144 points): Seer's standard and optimised Theta within 1 % of
    /// statsforecast's `Theta` (440.97, 429.25, 490.69, 476.66, 480.63) and `OptimizedTheta`
    /// (442.94, 432.23, 495.31, 482.31, 487.49) for the next five months.
    @Test func airlineBesideStatsforecast() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/airline_passengers.csv").path
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        let values = rows.map { Float($0.split(separator: ",")[1])! }
        let standard = ThetaMethod(season: 12, optimizeTheta: false).forecast(values, horizon: 5)
        for (seer, peer) in zip(standard, [440.97, 429.25, 490.69, 476.66, 480.63] as [Float]) { #expect(abs(seer - peer) / peer < 0.01, "\(standard)") }
        let optimised = ThetaMethod(season: 12).forecast(values, horizon: 5)
        for (seer, peer) in zip(optimised, [442.94, 432.23, 495.31, 482.31, 487.49] as [Float]) { #expect(abs(seer - peer) / peer < 0.01, "\(optimised)") }
    }
}
