// The library's classifiers: a case is prepared for a net as z-normalised, end-padded with its
// last value, step-major; the NT and DiJiang classifiers learn a synthetic two-class problem of
// varying length; a `Classifier` of either kind saved and loaded predicts the same.
import Foundation
import SeerBase
import SeerData
@testable import SeerTasks
import Testing

struct ClassifierTests {
    @Test func aCaseIsStandardisedPaddedMaskedAndStepMajor() {
        // Each case on its own: (1,2,3) has mean 2 and deviation √(2/3), so ±√1.5 at the ends; a
        // constant channel is 0. Then step-major, the mask channel last: 1 on real steps.
        let prepared = NetClassifier.prepare([[1, 2, 3], [5, 5, 5]], length: 5, means: [], scales: [], normalize: true)
        let z = Float((1.5).squareRoot())
        let expected: [Float] = [-z, 0, 1, 0, 0, 1, z, 0, 1, z, 0, 0, z, 0, 0]
        #expect(zip(prepared, expected).allSatisfy { abs($0 - $1) < 1e-5 } && prepared.count == expected.count, "\(prepared)")
        // With the training cases' per-channel statistics (the default), and cut when longer.
        #expect(NetClassifier.prepare([[4, 6]], length: 3, means: [2], scales: [2], normalize: false) == [1, 1, 2, 1, 2, 0])
        #expect(NetClassifier.prepare([[1, 2, 3, 4]], length: 2, means: [0], scales: [1], normalize: false) == [1, 1, 2, 1])
        let (means, scales) = NetClassifier.channelStatistics([[[1, 3], [5, 5]], [[1, 3, 1, 3], [5, 5, 5, 5]]])
        #expect(means == [2, 5] && scales == [1, 1], "a constant channel keeps scale 1")
    }

    /// Augmented copies keep the mask where the values go, and change the values only.
    @Test func augmentationShiftsTheMaskWithTheValues() {
        var rng = SeededGenerator(seed: 3)
        let x = NetClassifier.prepare([(0..<40).map(Float.init)], length: 50, means: [0], scales: [1], normalize: false)
        for _ in 0..<20 {
            let y = NetClassifier.augment(x, length: 50, channels: 1, rng: &rng)
            let mask = stride(from: 1, to: y.count, by: 2).map { y[$0] }
            #expect(Set(mask).isSubset(of: [0, 1]) && mask.filter { $0 == 1 }.count >= 35 && mask.filter { $0 == 1 }.count <= 45)
            #expect(zip(stride(from: 0, to: y.count, by: 2).map { y[$0] }, stride(from: 0, to: x.count, by: 2).map { x[$0] }).contains { $0 != $1 })
        }
    }

    /// Class 0: a bump early; class 1: a bump late; lengths 30–40.
    static func dataset(_ count: Int, seed: UInt64) throws -> ClassificationDataset {
        var rng = SeededGenerator(seed: seed)
        var values: [Float] = [], offsets: [Int] = [], lengths: [Int] = [], labels: [Int] = []
        for i in 0..<count {
            let length = Int.random(in: 30...40, using: &rng), label = i % 2
            let centre = Double(label == 0 ? length / 4 : 3 * length / 4)
            offsets.append(values.count)
            lengths.append(length)
            values += (0..<length).map { t in Float(3 * exp(-pow(Double(t) - centre, 2) / 6) + 0.2 * Double(rng.normal())) }
            labels.append(label)
        }
        return try ClassificationDataset(name: "bumps", classNames: ["early", "late"], labels: labels, dimensions: 1, values: values,
                                     offsets: offsets, lengths: lengths)
    }

    @Test(arguments: [ClassifierModel.nt, .dijiang])
    func netsLearnASyntheticProblem(model: ClassifierModel) throws {
        let train = try Self.dataset(40, seed: 1), test = try Self.dataset(40, seed: 2)
        let classifier = try Classifier(model: model, fitting: train, seed: 3, epochs: 6, members: 2)
        #expect(classifier.net?.reports?.count == 2 && classifier.details.hasPrefix("2 nets averaged"), "\(classifier.details)")
        let predicted = try classifier.predict(test)
        let truth = (0..<test.caseCount).map { test.className(case: $0)! }
        let accuracy = Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(truth.count)
        #expect(accuracy >= 0.9, "\(model): \(accuracy); \(classifier.details)")
        // Saved and loaded, the net predicts the same.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-net-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try classifier.save(to: directory)
        let loaded = try Classifier.load(from: directory)
        let reloaded = try loaded.predict(test)
        #expect(loaded.model == model && loaded.net != nil && reloaded == predicted)
        let probabilities = try classifier.predictProbabilities(test), again = try loaded.predictProbabilities(test)
        #expect(probabilities == again && probabilities.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-5 })
        // A directory written before the patch-token recipe is refused, not rebuilt wrongly.
        let config = directory + "/config.json"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "\"members\"", with: "\"old_members\"").write(toFile: config, atomically: true, encoding: .utf8)
        #expect(throws: DataError.self) { try Classifier.load(from: directory) }
    }

    /// `auto` cross-validates MultiRocket and NT on the training cases and keeps MultiRocket unless
    /// NT wins clearly (McNemar's paired counts), saying so with the figures.
    @Test func autoChoosesByCrossValidationAndSaysWhy() throws {
        let train = try Self.dataset(24, seed: 6), test = try Self.dataset(10, seed: 7)
        let classifier = try Classifier(model: .auto, fitting: train, seed: 2, features: 840, epochs: 8)
        let choice = try #require(classifier.autoChoice)
        #expect(choice.accuracies.count == AutoClassifierChoice.candidates.count && choice.folds == 5)
        #expect(choice.wins.count == 1 && choice.losses.count == 1)
        // The paired counts agree with the accuracies: the difference in cases right is wins − losses.
        let difference = (choice.accuracies[1] - choice.accuracies[0]) * 24
        #expect(abs(difference - Double(choice.wins[0] - choice.losses[0])) < 1e-9)
        let clear = AutoClassifierChoice.clearlyBetter(wins: choice.wins[0], losses: choice.losses[0])
        #expect(choice.chosen == (clear ? .nt : .multirocket))
        #expect((choice.chosen.family == nil) == (classifier.fitted != nil) && classifier.details.hasPrefix("auto chose \(choice.chosen.rawValue)"))
        #expect(classifier.details.contains("clear win"))
        #expect(try classifier.predict(test).count == 10)
    }

    /// A clear win is more than twice the paired standard error: 1 of 1 or 5 of 7 is noise, 9 of 10 is not.
    @Test func aClearWinNeedsMoreThanNoise() {
        #expect(!AutoClassifierChoice.clearlyBetter(wins: 1, losses: 0))
        #expect(!AutoClassifierChoice.clearlyBetter(wins: 4, losses: 0))
        #expect(AutoClassifierChoice.clearlyBetter(wins: 5, losses: 0))
        #expect(!AutoClassifierChoice.clearlyBetter(wins: 5, losses: 2))
        #expect(AutoClassifierChoice.clearlyBetter(wins: 9, losses: 1))
        #expect(!AutoClassifierChoice.clearlyBetter(wins: 3, losses: 9))
    }

    @Test(arguments: [ClassifierModel.minirocket, .multirocket])
    func aSavedRocketClassifierPredictsTheSame(model: ClassifierModel) throws {
        let train = try Self.dataset(30, seed: 4), test = try Self.dataset(20, seed: 5)
        let classifier = try Classifier(model: model, fitting: train, seed: 1, features: 1_680)
        #expect(classifier.fitted?.isMulti == (model == .multirocket))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-mr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try classifier.save(to: directory)
        let loaded = try Classifier.load(from: directory)
        #expect(try loaded.predict(test) == classifier.predict(test) && loaded.classNames == ["early", "late"])
        #expect(try loaded.decisionScores(test) == classifier.decisionScores(test))
        #expect(Classifier.isClassifier(directory) && loaded.model == model
                && loaded.fitted?.transform == classifier.fitted?.transform && loaded.fitted?.difference == classifier.fitted?.difference
                && loaded.fitted?.ridge.weights == classifier.fitted?.ridge.weights)
    }
}
