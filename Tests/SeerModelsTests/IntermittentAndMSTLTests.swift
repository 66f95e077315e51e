// Croston–SBA and TSB on demand patterns whose answer is known by hand, and MSTL/STL: loess and
// the moving averages by hand, and a two-season series decomposed and forecast.
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct IntermittentDemandTests {
    @Test func smoothingByHand() {
        // SES from the first value with α = 0.5: levels 2 → 3 → 2.5; errors 2 and −1.
        let (sse, level) = IntermittentDemand.smooth([2, 4, 2], 0.5)
        #expect(sse == 5 && level == 2.5)
    }

    /// Demand of 6 every third step: size 6, interval 3, so 2 per step less the SBA correction (1 − α/2).
    @Test func crostonOfARegularPattern() {
        let y: [Float] = (0..<30).map { $0 % 3 == 2 ? 6 : 0 }
        let forecast = IntermittentDemand(.croston).forecast(y, horizon: 4)
        #expect(forecast.count == 4 && Set(forecast).count == 1)
        #expect(forecast[0] >= 2 * (1 - 0.3 / 2) - 1e-5 && forecast[0] <= 2 * (1 - 0.05 / 2) + 1e-5, "\(forecast)")
        #expect(IntermittentDemand(.croston).forecast([0, 0, 0], horizon: 2) == [0, 0])
        #expect(IntermittentDemand(.tsb).forecast([0, 0, 0], horizon: 2) == [0, 0])
    }

    /// A product that stops selling: TSB's demand probability decays, Croston's forecast does not.
    @Test func tsbFollowsObsolescence() {
        let y: [Float] = (0..<40).map { $0 % 2 == 0 ? 5 : 0 } + [Float](repeating: 0, count: 40)
        let tsb = IntermittentDemand(.tsb).forecast(y, horizon: 1)[0], croston = IntermittentDemand(.croston).forecast(y, horizon: 1)[0]
        #expect(tsb < 0.2 && croston > 1, "TSB \(tsb), Croston \(croston)")
    }

    @Test func intermittencyIsRecognised() {
        #expect(IntermittentDemand.isIntermittent([0, 3, 0, 0, 2, 0, 1, 0]))
        #expect(!IntermittentDemand.isIntermittent([1, 3, 2, 4, 2, 5, 1, 0]))
        #expect(!IntermittentDemand.isIntermittent([0, -3, 0, 0, 2, 0, 1, 0]))
    }
}

struct MSTLTests {
    @Test func loessAndMovingAveragesByHand() {
        let xs = (0..<20).map(Double.init), line = xs.map { 2 + 0.5 * $0 }
        // Local linear regression reproduces a line anywhere, inside or just beyond the data.
        for x0 in [0.0, 7.3, 19, 20, -1] { #expect(abs(STL.loess(xs, line, at: x0, span: 7) - (2 + 0.5 * x0)) < 1e-9) }
        #expect(STL.movingAverage([1, 2, 3, 4, 5], 3) == [2, 3, 4])
        #expect(STL.nextOdd(6.2) == 7 && STL.nextOdd(7) == 7)
    }

    /// Trend + a 6-step and a 24-step season + small noise: each season is recovered and the
    /// forecast of the next 48 steps is close to the noise-free truth.
    @Test func twoSeasonsAreDecomposedAndForecast() {
        func truth(_ t: Int) -> Double {
            10 + 0.02 * Double(t) + 3 * sin(2 * Double.pi * Double(t) / 6) + 5 * cos(2 * Double.pi * Double(t) / 24)
        }
        var generator = SeededGenerator(seed: 11)
        let y = (0..<480).map { truth($0) + 0.1 * Double(generator.normal()) }
        let method = MSTLMethod(seasons: [24, 6, 1])
        #expect(method.seasons == [6, 24])
        let (components, _) = method.decompose(y)
        #expect(components.map(\.period) == [6, 24])
        // Amplitudes: the 6-step component swings ±3, the 24-step one ±5 (middle of the series).
        let middle = 200..<296
        let swing6 = middle.map { components[0].component[$0] }.max()!, swing24 = middle.map { components[1].component[$0] }.max()!
        #expect(abs(swing6 - 3) < 0.4 && abs(swing24 - 5) < 0.5, "\(swing6), \(swing24)")
        let forecast = method.forecast(y.map(Float.init), horizon: 48)
        let mae = (0..<48).map { abs(Double(forecast[$0]) - truth(480 + $0)) }.reduce(0, +) / 48
        #expect(mae < 0.4, "MAE \(mae)")
        // Too short for either season: ETS alone, still a forecast.
        #expect(method.forecast(Array(y.prefix(10)).map(Float.init), horizon: 3).count == 3)
    }
}
