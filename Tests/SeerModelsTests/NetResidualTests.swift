// The zoo nets as the ensemble's forecasting member: the net learns the warm-up (its held-out
// error beats predicting the centre), scores are causal and a spike stands out, a saved member
// resumes bit for bit (weights and the stream's frame), copies score independently (the stream is
// shared state, rebuilt on write), a warm-up too short to train leaves the linear model speaking,
// and `auto` keeps the net only where its held-out error is lower.
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct NetResidualTests {
    /// A sine of period 20 with a little noise: easy to predict, not trivially constant.
    static func wave(_ count: Int, seed: UInt64 = 1) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { 10 + 2 * sin(2 * Double.pi * Double($0) / 20) + 0.05 * Double(generator.normal()) }
    }

    @Test(arguments: ResidualNet.allCases)
    func theNetLearnsTheWarmupAndScoresCausally(net: ResidualNet) throws {
        let values = Self.wave(320)
        var member = NetResidual(net: net, trainAfter: 160, lookback: 16)
        var scores: [Double?] = []
        for value in values { scores.append(member.update(value)) }
        #expect(member.isReady && !member.trainingFailed)
        #expect(scores.prefix(160).allSatisfy { $0 == nil } && scores.dropFirst(160).allSatisfy { $0 != nil })
        // The wave's normalised values swing about ±8 units; predicting the centre errs ~5.
        let heldOut = try #require(member.heldOutError)
        #expect(heldOut < 1, "\(net): the trained net predicts the held-out warm-up: error \(heldOut)")
        let scored = scores.compactMap { $0 }
        #expect(scored.allSatisfy { $0 >= 0 && $0 < 1 })
        // A prefix scores the same alone (nothing after a point changes its score).
        var prefix = NetResidual(net: net, trainAfter: 160, lookback: 16)
        let first = values.prefix(250).map { prefix.update($0) }
        #expect(first == Array(scores.prefix(250)), "\(net): causal")
        // A spike after training is the most surprising point.
        var spiked = values
        spiked[280] += 6
        var spikedMember = NetResidual(net: net, trainAfter: 160, lookback: 16)
        let spikedScores = spiked.map { spikedMember.update($0) ?? 0 }
        #expect((200..<320).max { spikedScores[$0] < spikedScores[$1] } == 280, "\(net)")
    }

    @Test(arguments: ResidualNet.allCases)
    func aSavedMemberResumesBitForBitAndCopiesAreIndependent(net: ResidualNet) throws {
        let values = Self.wave(300, seed: 4)
        var straight = NetResidual(net: net, trainAfter: 150, lookback: 16)
        let expected = values.map { straight.update($0) }
        // Saved mid-frame after training (and once before it), decoded, continued.
        for cut in [100, 203] {
            var first = NetResidual(net: net, trainAfter: 150, lookback: 16)
            var got = values.prefix(cut).map { first.update($0) }
            let saved = try JSONEncoder().encode(first)
            var resumed = try JSONDecoder().decode(NetResidual.self, from: saved)
            got += values.dropFirst(cut).map { resumed.update($0) }
            #expect(got == expected, "\(net): resumed at \(cut)")
        }
        // A copy taken after training shares the stream object until one of them writes.
        var original = NetResidual(net: net, trainAfter: 150, lookback: 16)
        for value in values.prefix(200) { _ = original.update(value) }
        var copy = original
        let fromOriginal = values.dropFirst(200).map { original.update($0) }
        let fromCopy = values.dropFirst(200).map { copy.update($0) }
        #expect(fromOriginal == Array(expected.dropFirst(200)) && fromCopy == fromOriginal)
    }

    @Test func aCorruptSavedNetIsRefused() throws {
        var member = NetResidual(net: .dijiang, trainAfter: 150, lookback: 16)
        for value in Self.wave(160) { _ = member.update(value) }
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(member)) as? [String: Any])
        object["weights"] = Data([1, 2, 3, 4, 5, 6, 7, 8]).base64EncodedString()
        let corrupt = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(NetResidual.self, from: corrupt) }
    }

    @Test func aWarmupTooShortToTrainLeavesTheLinearModelSpeaking() {
        let values = Self.wave(400)
        var linear = EnsembleDetector(season: 1)
        var withNet = EnsembleDetector(season: 1, net: .nt, warmup: 60)
        let expected = values.map { linear.update($0) }
        #expect(values.map { withNet.update($0) } == expected)
        #expect(!withNet.netIsReady && withNet.residualNet == nil, "the untrainable member is dropped")
    }

    @Test func autoKeepsTheNetOnlyWhereItPredictsBetter() throws {
        // A square wave of period 12: lags 1–3 (a season-1 series) cannot tell when it turns, a
        // net that sees 8–16 values can. A random walk: the last value is the best guess, which
        // the linear model learns exactly.
        let square: [Double] = (0..<500).map { i in
            let high = (i / 6) % 2 == 1
            return (high ? 5.0 : 0.0) + 0.01 * Double(i % 7)
        }
        var generator = SeededGenerator(seed: 9)
        var level = 0.0
        let walk = (0..<500).map { _ -> Double in level += Double(generator.normal()); return level }
        for (values, netWins) in [(square, true), (walk, false)] {
            var auto = EnsembleDetector(season: 1, net: .nt, warmup: 300, netOnlyIfBetter: true)
            for value in values { _ = auto.update(value) }
            let comparison = try #require(auto.netComparison)
            #expect(comparison.keptNet == netWins && auto.netIsReady == netWins, "\(comparison)")
            #expect(comparison.keptNet == (comparison.netError < comparison.linearError))
        }
    }
}
