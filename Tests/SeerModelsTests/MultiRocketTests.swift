// MultiRocket's features: the vectorised pooling (count, sum, positions, longest run by byte
// masks and a table) equals a plain loop over every length and threshold, including runs that
// cross 8-lane groups and 2,048-value blocks; the first difference; and the classifier separates
// synthetic classes a bump's *position* decides — univariate, multivariate and varying in length —
// deterministically and through a Codable round trip.
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct MultiRocketTests {
    /// The four summaries by their definitions, one value at a time.
    static func referencePool(_ bias: Float, _ values: [Float]) -> [Float] {
        guard !values.isEmpty else { return [0, 0, -1, 0] }
        let positive = values.indices.filter { values[$0] > bias }
        var longest = 0, run = 0
        for x in values { run = x > bias ? run + 1 : 0; longest = max(longest, run) }
        let n = Float(values.count)
        let mpv = positive.isEmpty ? 0 : positive.reduce(Float(0)) { $0 + values[$1] - bias } / Float(positive.count)
        let mipv = positive.isEmpty ? -1 : Float(positive.reduce(0, +)) / Float(positive.count) / n
        return [Float(positive.count) / n, mpv, mipv, Float(longest) / n]
    }

    @Test func theVectorisedPoolingEqualsThePlainDefinition() {
        var rng = SeededGenerator(seed: 5)
        for length in [0, 1, 7, 8, 9, 16, 63, 250, 2_047, 2_048, 2_049, 5_000] {
            // Slowly varying values give long runs; noise gives short ones.
            var level: Float = 0
            let values = (0..<length).map { _ -> Float in level += Float(rng.normal()) * 0.3; return level + Float(rng.normal()) * 0.1 }
            for bias in [-100, -0.5, 0, 0.7, 100] as [Float] {
                var out = [Float](repeating: 9, count: 4)
                values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { MiniRocket.pool(bias, v, into: $0.baseAddress!) } }
                let expected = Self.referencePool(bias, values)
                let close = zip(out, expected).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }
                #expect(close, "length \(length), bias \(bias): \(out) vs \(expected)")
            }
        }
        // Every value above: one run the whole length, positions averaging the middle.
        var out = [Float](repeating: 0, count: 4)
        let ramp = (0..<100).map(Float.init)
        ramp.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { MiniRocket.pool(-1, v, into: $0.baseAddress!) } }
        #expect(out == [1, 50.5, 0.495, 1])
    }

    @Test func theFirstDifferenceIsPerChannel() {
        #expect(MiniRocket.firstDifference([[1, 3, 6], [2, 2, 1]]) == [[2, 3], [0, -1]])
        #expect(MiniRocket.firstDifference([[4]]) == [[0]])
    }

    @Test(arguments: [(1, false), (2, false), (2, true)])
    func theMultiRocketClassifierSeparatesSyntheticClasses(channels: Int, varying: Bool) throws {
        let train = MiniRocketTests.cases(30, channels: channels, varying: varying, seed: 1)
        let test = MiniRocketTests.cases(40, channels: channels, varying: varying, seed: 2)
        let model = try RocketClassifier(cases: train.cases, labels: train.labels, classes: 2, features: 4_000, multi: true, seed: 4)
        #expect(model.isMulti && model.featureCount == model.ridge.means.count && model.featureCount == 8 * (4_000 / 8 / 84 * 84))
        let predicted = model.predict(test.cases)
        let accuracy = Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.labels.count)
        #expect(accuracy >= 0.95, "channels \(channels), varying \(varying): accuracy \(accuracy)")
        let restored = try JSONDecoder().decode(RocketClassifier.self, from: JSONEncoder().encode(model))
        #expect(restored == model && restored.predict(test.cases) == predicted)
        #expect(try RocketClassifier(cases: train.cases, labels: train.labels, classes: 2, features: 4_000, multi: true, seed: 4) == model)
    }
}

struct RidgeProbabilityTests {
    /// The probability scale is fitted to leave-one-out outputs: on classes that overlap it stays
    /// modest (probabilities spread), on separable ones it grows; probabilities sum to 1 and rank
    /// the classes as the decision does.
    @Test func probabilitiesAreCalibratedOnLeaveOneOutOutputs() throws {
        var rng = SeededGenerator(seed: 9)
        func problem(separation: Double) -> (features: [[Float]], labels: [Int]) {
            var features: [[Float]] = [], labels: [Int] = []
            for i in 0..<60 {
                let label = i % 3
                features.append((0..<20).map { j in Float((j == label ? separation : 0) + Double(rng.normal())) })
                labels.append(label)
            }
            return (features, labels)
        }
        let noisy = problem(separation: 0.7), clear = problem(separation: 6)
        let soft = try RidgeClassifier(features: noisy.features, labels: noisy.labels, classes: 3)
        let sharp = try RidgeClassifier(features: clear.features, labels: clear.labels, classes: 3)
        #expect(soft.probabilityScale < sharp.probabilityScale, "\(soft.probabilityScale) vs \(sharp.probabilityScale)")
        let noisyTop = noisy.features.map { soft.probabilities($0).max()! }.reduce(0, +) / 60
        let clearTop = clear.features.map { sharp.probabilities($0).max()! }.reduce(0, +) / 60
        #expect(noisyTop < 0.9 && clearTop > 0.9 && noisyTop > 1.0 / 3, "mean top probability \(noisyTop) vs \(clearTop)")
        for x in noisy.features {
            let p = soft.probabilities(x), d = soft.decision(x)
            #expect(abs(p.reduce(0, +) - 1) < 1e-5 && p.indices.max { p[$0] < p[$1] } == d.indices.max { d[$0] < d[$1] })
        }
        #expect(RidgeClassifier.softmax([1000, 0, -1000]) == [1, 0, 0])
    }
}
