// ETS: the state recursion against hand computation, the likelihood's optimum against a brute-
// force search, exact recovery of noise-free trends and seasons, the closed-form intervals against
// their formula and the simulated ones, and the airline series beside statsforecast's ETS (figures
// pinned from statsforecast 2.1.1; the test does not need it).
import Foundation
@testable import SeerModels
import Testing

struct ETSTests {
    /// One step of ETS(A,A,A) and ETS(M,A,M) by hand (Hyndman et al. 2008, table 2.3).
    @Test func oneStepOfTheRecursionByHand() {
        var additive = ETSState(level: 10, trend: 1, seasons: [2, -2])
        let formA = ETSForm(.additive, .additive, .additive)
        let mu = additive.mean(formA, phi: 1, position: 0)
        #expect(mu == 13)
        additive.update(formA, y: 15, mu: mu, alpha: 0.5, beta: 0.1, gamma: 0.2, phi: 1, position: 0)
        // e = 2: ℓ = 11 + 0.5·2, b = 1 + 0.1·2, s_0 = 2 + 0.2·2.
        #expect(abs(additive.level - 12) < 1e-12 && abs(additive.trend - 1.2) < 1e-12 && abs(additive.seasons[0] - 2.4) < 1e-12)

        var multiplicative = ETSState(level: 10, trend: 1, seasons: [1.2, 0.8])
        let formM = ETSForm(.multiplicative, .additive, .multiplicative)
        let muM = multiplicative.mean(formM, phi: 1, position: 1)
        #expect(abs(muM - 8.8) < 1e-12)
        multiplicative.update(formM, y: 9.68, mu: muM, alpha: 0.5, beta: 0.1, gamma: 0.2, phi: 1, position: 1)
        // ε = (9.68 − 8.8)/8.8 = 0.1: ℓ = 11·(1 + 0.05), b = 1 + 0.1·11·0.1, s = 0.8·(1 + 0.02).
        #expect(abs(multiplicative.level - 11.55) < 1e-9 && abs(multiplicative.trend - 1.11) < 1e-9 && abs(multiplicative.seasons[1] - 0.816) < 1e-9)
    }

    /// ETS(A,N,N)'s fit against a brute-force search over α and ℓ0 of the same likelihood.
    @Test func simpleExponentialSmoothingFitMatchesABruteForceSearch() {
        let y: [Double] = [12, 15, 14, 18, 17, 21, 19, 24, 23, 26, 25, 24, 27]
        let model = AutoETS(season: 1, forms: [ETSForm(.additive, .none, .none)]).fit(y)
        var best = Double.infinity
        for i in 1...999 {
            let alpha = Double(i) / 1000
            for j in 0...400 {
                var level = 5 + Double(j) * 0.05, sse = 0.0
                for v in y { sse += (v - level) * (v - level); level += alpha * (v - level) }
                best = min(best, sse)
            }
        }
        let n = Double(y.count)
        #expect(model.negativeTwoLogLikelihood <= n * log(best / n) + 1e-3, "\(model.negativeTwoLogLikelihood) vs \(n * log(best / n))")
    }

    @Test func noiseFreeTrendAndSeasonAreForecastExactly() {
        let line = (0..<40).map { 3 + 0.5 * Double($0) }
        let trendModel = AutoETS(season: 1).fit(line)
        for (h, value) in trendModel.forecast(horizon: 6).enumerated() { #expect(abs(value - (3 + 0.5 * Double(40 + h))) < 0.05, "\(trendModel.form)") }

        let pattern: [Double] = [0.7, 1.1, 1.4, 0.8]
        let seasonal = (0..<48).map { 100 * pattern[$0 % 4] }
        let seasonalModel = AutoETS(season: 4).fit(seasonal)
        #expect(seasonalModel.form.season != .none, "\(seasonalModel.form)")
        for (h, value) in seasonalModel.forecast(horizon: 8).enumerated() { #expect(abs(value - 100 * pattern[(48 + h) % 4]) < 0.5, "\(h): \(value)") }
    }

    /// Only forms the data admit: no multiplicative part for data with a zero, no season beyond 24 steps.
    @Test func candidateFormsFollowTheData() {
        let withZero = [0.0] + (1..<60).map(Double.init)
        #expect(AutoETS(season: 12).candidateForms(withZero).allSatisfy { $0.error == .additive && $0.season != .multiplicative })
        #expect(AutoETS(season: 12).candidateForms(withZero).count == 6)
        #expect(AutoETS(season: 12).candidateForms((1...60).map(Double.init)).count == 15)
        #expect(AutoETS(season: 48).candidateForms((1...200).map(Double.init)).allSatisfy { $0.season == .none })
    }

    /// Class 1 variances: σ²·(1 + (h − 1)·α²) for ETS(A,N,N); the simulated intervals agree with them.
    @Test func intervalsFollowTheirFormula() {
        let model = ETSModel(form: ETSForm(.additive, .none, .none), season: 1, alpha: 0.3, beta: 0, gamma: 0, phi: 1, level: 50, trend: 0,
                             seasons: [], count: 30, sigma2: 4, negativeTwoLogLikelihood: 0, aicc: 0)
        let (lower, upper) = model.intervals(horizon: 4, level: 0.95)
        for h in 1...4 {
            let sd = (4 * (1 + Double(h - 1) * 0.09)).squareRoot()
            #expect(abs(upper[h - 1] - (50 + 1.959964 * sd)) < 1e-4 && abs(lower[h - 1] - (50 - 1.959964 * sd)) < 1e-4)
        }
        let simulated = model.simulatedIntervals(horizon: 4, level: 0.95, paths: 20000)
        for h in 0..<4 { #expect(abs(simulated.upper[h] - upper[h]) < 0.15, "\(simulated.upper) vs \(upper)") }
        #expect(abs(ETSModel.normalQuantile(0.975) - 1.959963985) < 1e-8 && abs(ETSModel.normalQuantile(0.1) + 1.281551566) < 1e-8)
    }

    /// statsforecast 2.1.1's ETS(M,A,M) on airline forecasts 448.31, 442.99, 507.42, 493.40, 494.38
    /// (its AutoETS picks ETS(M,N,M): 442.36, 428.27, 492.97, 477.37, 477.60); Seer's fit of the
    /// same form within 2 %, and its automatic choice seasonal and multiplicative.
    @Test func airlineBesideStatsforecast() throws {
        let y = try StatisticalTestData.airline()
        let mam = AutoETS(season: 12, forms: [ETSForm(.multiplicative, .additive, .multiplicative)]).fit(y).forecast(horizon: 5)
        for (seer, peer) in zip(mam, [448.31, 442.99, 507.42, 493.40, 494.38]) { #expect(abs(seer - peer) / peer < 0.02, "\(mam)") }
        let auto = AutoETS(season: 12).fit(y)
        #expect(auto.form.season == .multiplicative, "\(auto.form)")
        #expect(auto.forecast(horizon: 12).allSatisfy { $0 > 380 && $0 < 650 })
    }
}
