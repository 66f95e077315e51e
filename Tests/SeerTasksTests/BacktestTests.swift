// Rolling-origin backtests and conformal intervals: fold cutoffs and forecasts are what a fit
// at each cutoff gives, and the split-conformal intervals from backtest residuals cover fresh
// values at close to their stated rate on noisy seasonal data.
import SeerBase
#if canImport(Glibc)
import Glibc
#endif
import Testing
import SeerModels
@testable import SeerTasks
import SeerNN
import SeerTensor

/// `count` noisy seasonal series (period 12, Gaussian noise σ) of `length` steps.
func noisySeasonalSequences(count: Int, length: Int, sigma: Float, seed: UInt64) -> [[Float]] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
        let phase = rng.uniform(0, 2 * .pi), level = rng.uniform(-2, 2)
        var values: [Float] = []
        for t in 0..<length {
            let angle: Float = 2 * Float.pi * Float(t) / 12 + phase
            values.append(level + sinf(angle) + sigma * rng.normal())
        }
        return values
    }
}

struct BacktestTests {
    @Test func foldsForecastFromTheirCutoffs() throws {
        let first: [Float] = (0..<60).map { Float($0 % 12) }
        let second: [Float] = (0..<50).map { Float(100 + $0 % 12) }
        let sequences = [first, second]
        let forecaster = Forecaster(ForecasterConfig(model: .seasonalNaive, lookback: 12, horizon: 4, season: 12))
        let result = try forecaster.backtest(sequences, folds: 3)
        #expect(result.folds.map { $0.cutoffs } == [[48, 38], [52, 42], [56, 46]])
        // Seasonal-naive on an exactly periodic series is exact: zero residuals.
        #expect(result.mse == 0 && result.absoluteResiduals.allSatisfy { $0.count == 6 && $0.allSatisfy { $0 == 0 } })
        #expect(result.folds[0].forecasts[1] == [102, 103, 104, 105])
    }

    @Test func foldsCloserThanTheHorizon() throws {
        let first: [Float] = (0..<60).map { Float($0 % 12) }
        let forecaster = Forecaster(ForecasterConfig(model: .seasonalNaive, lookback: 12, horizon: 4, season: 12))
        // Cutoffs 2 apart, the last one H = 4 steps before the end: 50, 52, 54, 56.
        let result = try forecaster.backtest([first], folds: 4, step: 2)
        #expect(result.folds.map { $0.cutoffs } == [[50], [52], [54], [56]])
        #expect(result.absoluteResiduals.allSatisfy { $0.count == 4 })
        // 60 − 12 (history) − 4 (H) = 44 spare steps: 12 folds 4 apart, 45 one apart.
        #expect(forecaster.foldsThatFit([first], folds: 100) == 12)
        #expect(forecaster.foldsThatFit([first], folds: 100, step: 1) == 45)
        #expect(forecaster.foldStep([first], folds: 5) == 4)    // they fit H apart
        #expect(forecaster.foldStep([first], folds: 20) == 2)   // 44 / 19
        #expect(forecaster.foldStep([first], folds: 45) == 1)
        #expect(forecaster.foldStep([first], folds: 46) == nil)
        // The default step is the horizon.
        #expect(try forecaster.backtest([first], folds: 2).folds.map { $0.cutoffs } == [[52], [56]])
    }

    @Test func refitAndSingleFitBothRun() throws {
        let sequences = noisySeasonalSequences(count: 3, length: 100, sigma: 0.1, seed: 4)
        let config = ForecasterConfig(model: .dlinear, lookback: 24, horizon: 6, epochs: 3, seed: 1)
        let refit = try Forecaster(config).backtest(sequences, folds: 2)
        let once = try Forecaster(config).backtest(sequences, folds: 2, refit: false)
        #expect(refit.folds.count == 2 && once.folds.count == 2)
        #expect(refit.mse.isFinite && once.mse.isFinite && refit.mse < 1 && once.mse < 1, "\(refit.mse) \(once.mse)")
    }

    @Test func conformalIntervalsCoverAtTheirLevel() throws {
        // Calibrate on backtests of the first 114 steps, then forecast the last 6 of each series.
        let sequences = noisySeasonalSequences(count: 40, length: 120, sigma: 0.3, seed: 9)
        let history = sequences.map { Array($0.prefix(114)) }
        let forecaster = Forecaster(ForecasterConfig(model: .seasonalNaive, lookback: 12, horizon: 6, season: 12))
        let backtest = try forecaster.backtest(history, folds: 8)
        let forecasts = try forecaster.predict(history)
        for (level, low, high) in [(0.8, 0.70, 0.90), (0.95, 0.88, 1.0)] {
            let widths = try #require(backtest.halfWidths(level: level))
            var covered = 0, total = 0
            for (s, forecast) in forecasts.enumerated() {
                for h in 0..<6 {
                    if abs(sequences[s][114 + h] - forecast[h]) <= widths[h] { covered += 1 }
                    total += 1
                }
            }
            let coverage = Double(covered) / Double(total)
            #expect(coverage >= low && coverage <= high, "\(Int(level * 100)) % intervals covered \(coverage)")
        }
        // Too few residuals cannot bound a high level.
        let small = try forecaster.backtest([Array(history[0])], folds: 2)
        #expect(small.halfWidths(level: 0.95) == nil)
    }
}
