// The ensemble detector's parts: the contextual member learns a repeating pattern (its scores
// fall) and is surprised by a new one; the averaged likelihood is silent on a flat series and
// alarms on a run of large raw scores, not on one; the ensemble is causal, finite and silent on a
// constant series, alarms once for a spike, and drops an alarm seen at the same time yesterday;
// a gross outlier (1e30 among values near 10) alarms whatever the filter would hide.
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct EnsembleDetectorTests {
    @Test func contextsLearnAPatternAndAreSurprisedByANewOne() {
        var detector = ContextAnomaly()
        let pattern: [Double] = [0, 3, 7, 3]
        var scores: [Double] = []
        for i in 0..<400 { scores.append(detector.update(pattern[i % 4])) }
        #expect(scores[0] == 0.5, "an empty memory scores 0.5")
        let late = scores.suffix(40).reduce(0, +) / 40
        #expect(late < 0.1, "a learnt pattern is predicted: \(late)")
        // A new order of the same values.
        let novel = [7.0, 0, 7, 0].map { detector.update($0) }
        #expect(novel.max()! > 0.5, "\(novel)")
        let learnt = detector.contexts
        // The cap: no contexts beyond it, however novel the series.
        var capped = ContextAnomaly(maxContexts: 50)
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<2_000 { _ = capped.update(Double(generator.normal())) }
        #expect(capped.contexts == 50 && learnt > 4)
    }

    @Test func averagedLikelihoodIsSilentWhenFlatAndAlarmsOnARun() {
        var values = ScoreRing(capacity: 8640)
        var flat = AveragedLikelihood(learning: 50, estimation: 50)
        var scores: [Double] = []
        for _ in 0..<300 { scores.append(flat.update(0.9, values: values)); values.append(5) }
        // A null distribution (mean 0.5, spread 1,000) puts every raw score near L = 0.5.
        #expect(scores.allSatisfy { abs($0 - 0.5.logScaled) < 1e-3 }, "a constant series has a null distribution: \(scores.max()!)")

        var generator = SeededGenerator(seed: 8)
        var stage = AveragedLikelihood(learning: 50, estimation: 50)
        var series = ScoreRing(capacity: 8640)
        for _ in 0..<400 { _ = stage.update(0.2 + 0.05 * Double(generator.normal()), values: series); series.append(Double(generator.normal())) }
        // One large raw score among ordinary ones is averaged away; ten in a row are not.
        let single = stage.update(0.95, values: series)
        #expect(single < 0.5, "\(single)")
        var run: [Double] = []
        for _ in 0..<10 { run.append(stage.update(0.95, values: series)) }
        #expect(run.last! > 0.9, "\(run)")
    }

    @Test func theEnsembleIsCausalFiniteAndAlarmsOnce() {
        let season = 48
        var generator = SeededGenerator(seed: 2)
        var values = (0..<2_000).map { 10 + 3 * sin(2 * Double.pi * Double($0) / Double(season)) + 0.2 * Double(generator.normal()) }
        values[1_500] += 12
        var detector = EnsembleDetector(season: season)
        let scores = values.map { detector.update($0) }
        #expect(scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        #expect(scores[1_500] >= 0.5, "the spike alarms: \(scores[1_500])")
        #expect(scores[1_501..<1_700].allSatisfy { $0 == 0 }, "one alarm per anomaly")
        // Causal: changing what follows changes nothing before it.
        var altered = values
        for i in 1_200..<2_000 { altered[i] = -altered[i] }
        var again = EnsembleDetector(season: season)
        #expect(Array(altered.map { again.update($0) }.prefix(1_200)) == Array(scores.prefix(1_200)))
        // A constant series never alarms and scores finitely.
        var constant = EnsembleDetector(season: season)
        let flat = (0..<1_500).map { _ in constant.update(42) }
        #expect(flat.allSatisfy { $0.isFinite && $0 < 0.5 })
    }

    /// A 1e30 glitch 50 steps after an ordinary alarm, inside its quiet period, and one at the same
    /// time of day as an alarm yesterday: both alarm. A level that jumps a millionfold and stays
    /// alarms once at the jump, not at every later value.
    @Test func aGrossOutlierAlwaysAlarms() {
        let season = 48
        var generator = SeededGenerator(seed: 6)
        var base = (0..<2_000).map { 10 + 3 * sin(2 * Double.pi * Double($0) / Double(season)) + 0.2 * Double(generator.normal()) }
        base[1_400] += 12
        var values = base
        values[1_450] = 1e30
        var detector = EnsembleDetector(season: season)
        let scores = values.map { detector.update($0) }
        #expect(scores[1_400] >= 0.5 && scores[1_450] == 1, "\(scores[1_400]) \(scores[1_450])")
        #expect(scores[1_401..<1_450].allSatisfy { $0 == 0 } && scores[1_451..<1_650].allSatisfy { $0 == 0 },
                "the glitch starts a quiet period of its own")
        #expect(scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        // An ordinary value there is hidden by the quiet period, as before.
        var ordinary = base
        ordinary[1_450] = 20
        var plain = EnsembleDetector(season: season)
        #expect(ordinary.map { plain.update($0) }[1_450] == 0)

        var yesterday = base
        yesterday[1_400 + season] = -1e30
        var parts = EnsembleParts()
        parts.quiet = false
        var daily = EnsembleDetector(season: season, parts: parts)
        #expect(yesterday.map { daily.update($0) }[1_400 + season] == 1)

        var jump = base
        for i in 1_700..<2_000 { jump[i] = 1e8 }
        var shifted = EnsembleDetector(season: season)
        let jumped = jump.map { shifted.update($0) }
        #expect(jumped[1_700] == 1 && jumped[1_701..<1_900].allSatisfy { $0 == 0 }, "\(jumped[1_700..<1_710])")
    }

    /// A state saved before the gross-outlier rule (no `grossScale` key) still decodes and scores
    /// as a fresh one would from there.
    @Test func aStateSavedBeforeTheGrossRuleDecodes() throws {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<400).map { _ in 10 + Double(generator.normal()) }
        var detector = EnsembleDetector(season: 24)
        for v in values.prefix(300) { _ = detector.update(v) }
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(detector)) as? [String: Any])
        #expect(object["grossScale"] != nil, "the scale is measured at the first new extreme")
        object["grossScale"] = nil
        var old = try JSONDecoder().decode(EnsembleDetector.self, from: JSONSerialization.data(withJSONObject: object))
        var current = detector
        let later = values.suffix(100)
        #expect(later.map { old.update($0) } == later.map { current.update($0) })
        var glitched = old
        #expect(glitched.update(1e30) == 1)
    }

    /// A spike at the same time on two days: the first alarms, the second is the same daily event.
    @Test func anAlarmSeenYesterdayIsDropped() {
        let season = 48
        var generator = SeededGenerator(seed: 4)
        var values = (0..<2_000).map { 10 + 3 * sin(2 * Double.pi * Double($0) / Double(season)) + 0.2 * Double(generator.normal()) }
        values[1_400] += 12
        values[1_400 + season] += 20  // beyond the range the first one set: the range flag alarms
        var parts = EnsembleParts()
        parts.quiet = false
        var detector = EnsembleDetector(season: season, parts: parts)
        let scores = values.map { detector.update($0) }
        #expect(scores[1_400] >= 0.5 && scores[1_400 + season] == 0, "\(scores[1_400]) \(scores[1_400 + season])")
        var plain = EnsembleDetector(season: season, parts: { var p = parts; p.seenYesterday = false; return p }())
        #expect(values.map { plain.update($0) }[1_400 + season] >= 0.5, "without the rule both alarm")
    }
}
