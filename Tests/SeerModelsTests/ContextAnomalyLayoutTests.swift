// The contextual member's memory layout (runs in one pool, records that carry their runs, masks
// for right semi-contexts, a hash table for left ones) must not change a single score: golden
// values produced by the straightforward layout it replaced, with and without the context cap; a
// save in the middle of a series resumes to the same scores and saves the same bytes; and a
// damaged saved form is refused, never trusted.
import Foundation
@testable import SeerModels
import Testing

struct ContextAnomalyLayoutTests {
    /// A daily cycle of 144 steps, uniform noise from a fixed LCG and a spike every 397 steps.
    static let values: [Double] = {
        var state: UInt64 = 42
        func noise() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        return (0..<1_500).map { k in 10 + 3 * sin(2 * Double.pi * Double(k) / 144) + noise() + (k % 397 == 0 ? 8 : 0) }
    }()

    @Test(arguments: [
        // Produced by the earlier layout (per-context cells, array-keyed dictionaries).
        (10_000, 1_637, 358.35358169660407, [0.1881720430107527, 0.16569767441860467, 0.9505813953488372, 0.7274436090225564, 0.9610004426737495, 0.24866310160427807]),
        (300, 300, 345.008220931821, [0.1881720430107527, 0.18674698795180722, 0.5, 0.5, 0.5, 0.19480519480519481]),
    ])
    func scoresEqualTheEarlierLayout(cap: Int, contexts: Int, total: Double, picked: [Double]) {
        var detector = ContextAnomaly(maxContexts: cap)
        let scores = Self.values.map { detector.update($0) }
        #expect(detector.contexts == contexts)
        #expect(scores.reduce(0, +) == total)
        #expect([99, 396, 397, 398, 794, 1_499].map { scores[$0] } == picked)
    }

    @Test func aSaveResumesToTheSameScoresAndBytes() throws {
        var whole = ContextAnomaly()
        let expected = Self.values.map { whole.update($0) }
        var first = ContextAnomaly()
        var scores = Self.values.prefix(700).map { first.update($0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var resumed = try JSONDecoder().decode(ContextAnomaly.self, from: encoder.encode(first))
        #expect(try encoder.encode(resumed) == encoder.encode(first), "decoding then encoding changes nothing")
        scores += Self.values.dropFirst(700).map { resumed.update($0) }
        #expect(scores == expected)
        #expect(try encoder.encode(resumed) == encoder.encode(whole))
    }

    @Test func aDamagedSaveIsRefused() throws {
        var detector = ContextAnomaly(maxContexts: 500)
        for value in Self.values.prefix(200) { _ = detector.update(value) }
        let saved = try JSONSerialization.jsonObject(with: JSONEncoder().encode(detector)) as! [String: Any]
        let lefts = saved["leftFacts"] as! [[Int]], rights = saved["rightFacts"] as! [[Int]]
        let contextLeft = saved["contextLeft"] as! [Int], contextRight = saved["contextRight"] as! [Int]
        let multi = lefts.firstIndex { $0.count > 1 }!
        let damaged: [(String, Any)] = [
            ("leftFacts", [lefts[multi].reversed()] + lefts.dropFirst()),              // facts out of order
            ("leftFacts", [[ContextAnomaly.neuronBase + 1_000_000]] + lefts.dropFirst()), // a fact naming no context
            ("leftFacts", lefts + [lefts[0]]),                                       // a left side saved twice
            ("leftFacts", [[Int]()] + lefts.dropFirst()),                            // an empty left side
            ("rightFacts", rights + [rights[0]]),                                    // a right side saved twice
            ("rightFacts", [[ContextAnomaly.neuronBase]] + rights.dropFirst()),      // a right side beyond the sensory facts
            ("contextLeft", contextLeft + [contextLeft[0]]),                         // the lists disagree
            ("contextLeft", [lefts.count] + contextLeft.dropFirst()),                // a context of no left side
            ("leftGroup", Array(0..<19)),                                            // a left group too long
        ]
        for (key, value) in damaged {
            var copy = saved
            copy[key] = value
            let data = try JSONSerialization.data(withJSONObject: copy)
            #expect((try? JSONDecoder().decode(ContextAnomaly.self, from: data)) == nil, "accepted a damaged \(key)")
        }
        // A context saved twice: the first made a copy of the second.
        var twice = saved
        twice["contextLeft"] = [contextLeft[1]] + contextLeft.dropFirst()
        twice["contextRight"] = [contextRight[1]] + contextRight.dropFirst()
        #expect((try? JSONDecoder().decode(ContextAnomaly.self, from: JSONSerialization.data(withJSONObject: twice))) == nil)
        // The undamaged form still decodes (so the refusals above are the damage's doing).
        #expect((try? JSONDecoder().decode(ContextAnomaly.self, from: JSONSerialization.data(withJSONObject: saved))) != nil)
    }
}
