// ARIMA: the polynomial algebra (differencing, Durbin–Levinson, seasonal expansion, ψ-weights) by
// hand, coefficient recovery on a simulated AR(1), the KPSS and seasonal-strength tests on series
// whose answer is known, and the airline model beside statsforecast's ARIMA(0,1,1)(0,1,1)[12]
// (coefficients and forecasts pinned from statsforecast 2.1.1; the test does not need it).
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct ARIMATests {
    @Test func polynomialAlgebraByHand() {
        // (1 − B)(1 − B⁴) = 1 − B − B⁴ + B⁵.
        #expect(ARIMAModel.differencing(ARIMAOrder(p: 0, d: 1, q: 0, seasonalD: 1, season: 4)) == [1, -1, 0, 0, -1, 1])
        // Durbin–Levinson: r = (0.5, 0.2) → φ1 = 0.5 − 0.2·0.5 = 0.4, φ2 = 0.2.
        let phi = ARIMAModel.fromPartialAutocorrelations([0.5, 0.2])
        #expect(abs(phi[0] - 0.4) < 1e-12 && abs(phi[1] - 0.2) < 1e-12)
        // (1 − 0.5B)(1 − 0.3B²) = 1 − 0.5B − 0.3B² + 0.15B³ → coefficients 0.5, 0.3, −0.15.
        let expanded = ARIMAModel.expand([0.5], [0.3], season: 2)
        #expect(zip(expanded, [0.5, 0.3, -0.15]).allSatisfy { abs($0 - $1) < 1e-12 })
        // A random walk's ψ-weights are all 1: the h-step variance is h·σ².
        let walk = ARIMAModel.fit(ARIMAOrder(p: 0, d: 1, q: 0), (0..<20).map { Double($0 % 3) })!
        #expect(walk.psiWeights(5) == [1, 1, 1, 1, 1])
    }

    @Test func recoversASimulatedAutoregression() {
        var generator = SeededGenerator(seed: 7)
        var y: [Double] = [0]
        for _ in 0..<3000 { y.append(0.6 * y.last! + Double(generator.normal())) }
        let model = ARIMAModel.fit(ARIMAOrder(p: 1, d: 0, q: 0, constant: true), y)!
        #expect(abs(model.ar[0] - 0.6) < 0.04, "φ = \(model.ar)")
        #expect(abs(model.sigma2 - 1) < 0.08, "σ² = \(model.sigma2)")
        // The search settles on a low order close to it.
        let auto = AutoARIMA(season: 1).fit(y)
        #expect(auto.order.d == 0 && auto.order.p + auto.order.q <= 3, "\(auto.order)")
    }

    @Test func differencingTestsFindWhatIsThere() {
        var generator = SeededGenerator(seed: 3)
        let noise = (0..<200).map { _ in Double(generator.normal()) }
        var walk: [Double] = [0]
        for v in noise { walk.append(walk.last! + v) }
        #expect(AutoARIMA.kpss(noise) < AutoARIMA.kpssCritical)
        #expect(AutoARIMA.kpss(walk) > AutoARIMA.kpssCritical)
        let seasonal = (0..<120).map { 10 * sin(2 * Double.pi * Double($0) / 12) + noise[$0] }
        #expect(AutoARIMA.seasonalStrength(seasonal, 12) > AutoARIMA.seasonalStrengthThreshold)
        #expect(AutoARIMA.seasonalStrength(noise, 12) < AutoARIMA.seasonalStrengthThreshold)
    }

    /// statsforecast's ARIMA(0,1,1)(0,1,1)[12] on airline: ma1 = −0.309, sma1 = −0.113, σ² = 137.5,
    /// forecasts 447.08, 421.94, 453.76, 489.85, 502.19. Seer's CSS fit within 0.03 and 1 %;
    /// its automatic choice differences the season once and the level once.
    @Test func airlineBesideStatsforecast() throws {
        let y = try StatisticalTestData.airline()
        let model = ARIMAModel.fit(ARIMAOrder(p: 0, d: 1, q: 1, seasonalP: 0, seasonalD: 1, seasonalQ: 1, season: 12), y)!
        #expect(abs(model.ma[0] + 0.309) < 0.03 && abs(model.ma[11] + 0.113) < 0.03, "ma \(model.ma)")
        for (seer, peer) in zip(model.forecast(horizon: 5), [447.08, 421.94, 453.76, 489.85, 502.19]) {
            #expect(abs(seer - peer) / peer < 0.01, "\(model.forecast(horizon: 5))")
        }
        let auto = AutoARIMA(season: 12).fit(y)
        #expect(auto.order.seasonalD == 1 && auto.order.d == 1, "\(auto.order)")
        let (lower, upper) = auto.intervals(horizon: 12, level: 0.95)
        let means = auto.forecast(horizon: 12)
        #expect((0..<12).allSatisfy { lower[$0] < means[$0] && means[$0] < upper[$0] })
        #expect(upper[11] - lower[11] > upper[0] - lower[0])
    }
}

struct ARIMAShortHistoryTests {
    /// Three points: no order has the degrees of freedom, so the forecast is a random walk's (the
    /// last value), never the zero of an unfitted white noise.
    @Test func tinyHistoriesForecastTheirLastValue() {
        #expect(AutoARIMA(season: 4).forecast([3, 4, 2], horizon: 3) == [2, 2, 2])
        let constant = AutoARIMA(season: 1).forecast([Float](repeating: 5, count: 30), horizon: 2)
        #expect(constant.allSatisfy { abs($0 - 5) < 1e-4 }, "\(constant)")
    }
}
