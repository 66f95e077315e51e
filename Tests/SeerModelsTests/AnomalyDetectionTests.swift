// The residual detector's parts: recursive least squares recovers a linear law, the likelihood
// stage calibrates (steady scores sit at 0.5, a jump after them nears 1, on NAB's log scale),
// alarms are suppressed after the first, and every score is causal — the same whatever follows.
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct AnomalyDetectionTests {
    @Test func recursiveLeastSquaresRecoversALine() {
        var model = RecursiveLeastSquares(dimension: 2, forgetting: 1)
        for x in stride(from: -3.0, through: 3, by: 0.5) { model.learn([1, x], 2 * x + 1) }
        #expect(abs(model.theta[0] - 1) < 1e-3 && abs(model.theta[1] - 2) < 1e-3, "\(model.theta)")
    }

    @Test func likelihoodCalibratesAgainstTheSeriesOwnScores() {
        #expect(abs(0.5.logScaled - log(0.5000000001) / log(1e-10)) < 1e-15)
        #expect(1.0.logScaled > 0.9999 && 1.0.logScaled <= 1 && 0.0.logScaled == 0)
        var stage = AnomalyLikelihood(longWindow: 500, shortWindow: 1, reestimation: 10, learningPeriod: 50)
        var generator = SeededGenerator(seed: 5)
        var steady: [Double] = []
        for _ in 0..<400 { steady.append(stage.update(0.2 + 0.02 * Double(generator.normal()))) }
        // Ordinary scores: likelihoods spread around 0.5 (log scale ≈ 0.03), none alarming.
        #expect(steady.suffix(300).allSatisfy { $0 < 0.5 }, "\(steady.suffix(300).max()!)")
        #expect(stage.update(0.9) > 0.9)
    }

    /// A periodic series with one spike: the spike scores highest; the alarm is not repeated for
    /// the suppression span; and the scores before it do not depend on anything after.
    @Test func aSpikeAlarmsOnceAndScoresAreCausal() {
        let season = 24
        var generator = SeededGenerator(seed: 9)
        var values = (0..<1200).map { 10 + 3 * sin(2 * Double.pi * Double($0) / Double(season)) + 0.1 * Double(generator.normal()) }
        values[1000] += 6
        func run(_ series: [Double]) -> [Double] {
            var detector = ResidualDetector(predictor: .linear(season: season, forgetting: 0.999), suppression: 50,
                                            stage: AnomalyLikelihood(longWindow: 2000, shortWindow: 1, reestimation: 50, learningPeriod: 300))
            return series.map { detector.update($0) }
        }
        let scores = run(values)
        let top = scores.indices.max { scores[$0] < scores[$1] }!
        #expect(top == 1000, "highest at \(top): \(scores[top]) vs \(scores[1000])")
        #expect(scores[1000] >= 0.5 && scores[1001...1050].allSatisfy { $0 == 0 })
        #expect(Array(run(Array(values.prefix(1000)))) == Array(scores.prefix(1000)))
        #expect(scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    /// A constant series never produces a NaN and never alarms.
    @Test func aConstantSeriesIsQuiet() {
        var detector = ResidualDetector(predictor: .linear(season: 12, forgetting: 0.999))
        let scores = (0..<1000).map { _ in detector.update(7) }
        #expect(scores.allSatisfy { $0.isFinite && $0 < 0.5 }, "\(scores.max()!)")
    }
}

struct LevelShiftTests {
    /// A noisy series that steps up by two standard deviations: the residual model adapts within a
    /// few steps, but the level-shift term keeps the shift visible; without it the step scores lower.
    @Test func aLevelShiftIsScoredHigher() {
        var generator = SeededGenerator(seed: 21)
        let values = (0..<1500).map { 5 + Double(generator.normal()) + ($0 >= 1200 ? 2 : 0) }
        func peak(_ levelShift: (window: Int, history: Int)?) -> Double {
            var detector = ResidualDetector(predictor: .linear(season: 1, forgetting: 0.999), suppression: 0,
                                            stage: AnomalyLikelihood(longWindow: 2000, shortWindow: 1, reestimation: 50, learningPeriod: 300),
                                            levelShift: levelShift)
            let scores = values.map { detector.update($0) }
            return scores[1200..<1260].max()!
        }
        let with = peak((12, 500)), without = peak(nil)
        #expect(with > without && with > 0.5, "with \(with), without \(without)")
    }
}
