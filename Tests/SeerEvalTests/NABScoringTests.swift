// NAB's scoring on hand-computed cases: the scaled sigmoid, a window's earliest detection, false
// positives before any window and after one, probation, missed windows under each profile, and the
// corpus-wide threshold sweep with its tie rule and normalisation. Golden values computed by hand
// (σ(y) = 2/(1 + e^{5y}) − 1).
@testable import SeerEval
import Testing

struct NABScoringTests {
    /// 100 rows (probation 15) with one window over rows 50…59 (w = 10).
    func file(_ detections: [Int: Double]) -> NABFile {
        var scores = [Double](repeating: 0, count: 100)
        for (row, score) in detections { scores[row] = score }
        return NABFile(name: "f", scores: scores, windows: [50...59])
    }

    @Test func sigmoidByHand() {
        #expect(abs(NABScoring.sigmoid(-1) - 0.9866142981514305) < 1e-15)
        #expect(NABScoring.sigmoid(0) == 0 && NABScoring.sigmoid(3.01) == -1)
        #expect(NABScoring.probation(rows: 100) == 15 && NABScoring.probation(rows: 10_000) == 750)
    }

    @Test func detectionsInAndAroundAWindow() {
        let standard = NABProfile.standard
        // The window's first row is worth exactly A_TP; its last σ(−1/10)/σ(−1).
        #expect(abs(NABScoring.raw(file([50: 1]), standard, threshold: 0.5).raw - 1) < 1e-12)
        #expect(abs(NABScoring.raw(file([59: 1]), standard, threshold: 0.5).raw - 0.24824154977542992) < 1e-12)
        // Only the earliest detection of a window counts; later ones neither add nor cost.
        let twice = NABScoring.raw(file([55: 1, 59: 1]), standard, threshold: 0.5)
        #expect(abs(twice.raw - 0.8597925669097837) < 1e-12 && twice.tp == 1 && twice.fp == 0)
        // A false positive 11 rows after the window: A_FP·σ(11/9); before any window: −A_FP.
        let after = NABScoring.raw(file([70: 1]), standard, threshold: 0.5)
        #expect(abs(after.raw - (-0.10951310130369775 - 1)) < 1e-12 && after.fp == 1 && after.fn == 1)
        #expect(abs(NABScoring.raw(file([20: 1]), standard, threshold: 0.5).raw - (-0.11 - 1)) < 1e-12)
        // Probation rows are neither true nor false positives.
        #expect(NABScoring.raw(file([5: 1]), standard, threshold: 0.5).raw == -1)
        // A missed window costs A_FN: 1, or 2 under the low-FN profile; the low-FP profile doubles A_FP.
        #expect(NABScoring.raw(file([:]), .lowFalseNegatives, threshold: 0.5).raw == -2)
        #expect(abs(NABScoring.raw(file([20: 1, 50: 1]), .lowFalsePositives, threshold: 0.5).raw - (1 - 0.22)) < 1e-12)
    }

    @Test func thresholdSweepAndNormalisation() {
        // Row 50 opens the window (0.9); row 80 is a false positive (0.5) and row 20 one before the window (0.7).
        let corpus = [file([50: 0.9, 80: 0.5, 20: 0.7]), NABFile(name: "g", scores: [Double](repeating: 0.2, count: 40), windows: [])]
        let result = NABScoring.optimise(corpus, .standard)
        #expect(result.threshold == 0.9 && result.raw == 1 && result.score == 100, "\(result)")
        #expect(result.truePositives == 1 && result.falsePositives == 0 && result.falseNegatives == 0)
        // Nothing scores above the rest: no detection wins over flagging every row, the null score, 0.
        let flat = NABScoring.optimise([file([:])], .standard)
        #expect(flat.threshold == 1.1 && flat.score == 0 && flat.falseNegatives == 1, "\(flat)")
        // A tie keeps the higher threshold: a later detection in the detected window changes nothing,
        // so 0.5 scores what 0.9 does, and 0.9 is kept.
        let tie = NABScoring.optimise([file([50: 0.9, 55: 0.5])], .standard)
        #expect(tie.threshold == 0.9 && tie.raw == 1, "\(tie)")
        // A detection far after the window (σ = −1: −0.11) at the same score as the window's is taken with it.
        let together = NABScoring.optimise([file([50: 0.9, 99: 0.9])], .standard)
        #expect(together.threshold == 0.9 && abs(together.raw - 0.89) < 1e-12 && together.falsePositives == 1, "\(together)")
        #expect(abs(NABScoring.normalised(-1, windows: 1, .standard)) < 1e-12 && abs(NABScoring.normalised(0, windows: 2, .lowFalseNegatives) - 200.0 / 3) < 1e-12)
    }
}
