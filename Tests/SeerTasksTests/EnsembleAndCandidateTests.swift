// Ensembles (`--combine`) and the data-driven choice of auto's candidates: the combination rules
// by hand, an ensemble's forecast is the median of its members' own, it backtests and calibrates
// like any forecaster and refuses to be saved; Croston/TSB, MSTL, ETS and ARIMA are candidates
// exactly where the data calls for them.
import Foundation
import SeerData
import SeerModels
@testable import SeerTasks
import Testing

struct EnsembleTests {
    @Test func combinationRulesByHand() {
        #expect(ForecastCombination.median.combine([3, 1, 2]) == 2)
        #expect(ForecastCombination.median.combine([4, 1, 2, 3]) == 2.5)
        #expect(ForecastCombination.mean.combine([4, 1, 1]) == 2)
    }

    @Test func autoCombinesItsBestCandidates() throws {
        let values: [Float] = (0..<72).map { (t: Int) -> Float in
            let wave = Float(10 * sin(Double(t) * Double.pi / 6))
            return Float(100 + t) + wave + Float(t % 5)
        }
        let data = try ForecastData(sequences: [ForecastSequence(id: "y", values: values, timestamps: nil)], frequency: nil)
        var request = ForecastRequest(horizon: 6, lookback: 12, epochs: 1, season: 12, selection: .crossValidation)
        request.combine = 3
        let run = ForecastRun(data: data, request: request)
        let trained = try run.train()
        let ensemble = try #require(trained.forecaster.ensemble)
        #expect(ensemble.members.count == 3 && ensemble.rule == ForecastCombination.median)
        // The members are the three best-scored candidates, best first.
        let ranked = trained.scores.sorted { $0.value < $1.value }.prefix(3).map(\.key)
        #expect(ensemble.members.map(\.config.model.rawValue) == ranked, "\(trained.scores)")
        #expect(trained.chosenBy.contains("median of the 3") && trained.forecaster.modelName == "ensemble")
        let forecast = try trained.forecaster.predict(data.values)[0]
        let members = try ensemble.members.map { try $0.predict(data.values)[0] }
        for k in 0..<6 { #expect(forecast[k] == members.map { $0[k] }.sorted()[1]) }
        // It backtests and calibrates like a single model, and is not saved as one.
        let backtest = try trained.forecaster.backtest(data.values, folds: 2)
        #expect(backtest.folds.count == 2 && backtest.mae.isFinite)
        let widths = try run.calibrate(trained.forecaster, levels: [80], folds: nil)
        #expect(widths[80]?.count == 6)
        let result = try ForecastResult(trained, data: data, intervals: .conformal(widths))
        #expect(result.columnNames == ["ensemble", "ensemble-lo-80", "ensemble-hi-80"])
        #expect(throws: ForecasterError.ensembleNotSavable) { try trained.forecaster.save(to: "/tmp/seer-never-written") }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/seer-never-written"))
    }
}

struct CandidateChoiceTests {
    func run(_ values: [[Float]], frequency: Frequency?) throws -> ForecastRun {
        let data = try ForecastData(sequences: values.enumerated().map { ForecastSequence(id: "s\($0.offset)", values: $0.element, timestamps: nil) },
                                    frequency: frequency)
        return ForecastRun(data: data, request: ForecastRequest(horizon: 4))
    }

    @Test func candidatesFollowTheData() throws {
        let smooth = (0..<200).map { Float(50 + $0 % 7) }
        let plain = try run([smooth], frequency: Frequency(.day))
        #expect(!plain.candidates.contains(.croston) && plain.candidates.contains(.ets) && plain.candidates.contains(.arima))
        // Daily data needs two years of history before MSTL's yearly season counts.
        #expect(!plain.candidates.contains(.mstl))
        let hourly = try run([(0..<400).map { Float($0 % 24) + 1 }], frequency: Frequency(.hour))
        #expect(hourly.secondSeason == 168 && hourly.candidates.contains(.mstl))
        // Intermittent demand: Croston and TSB join.
        let sparse = try run([(0..<60).map { $0 % 3 == 0 ? Float(4) : 0 }], frequency: Frequency(.day))
        #expect(sparse.candidates.contains(.croston) && sparse.candidates.contains(.tsb))
        // A long history leaves ETS and ARIMA out.
        let long = try run([(0..<(ForecastRun.statisticalCandidateLimit + 1)).map { Float($0 % 11) }], frequency: nil)
        #expect(!long.candidates.contains(.ets) && !long.candidates.contains(.arima) && long.candidates.contains(.theta))
    }
}
