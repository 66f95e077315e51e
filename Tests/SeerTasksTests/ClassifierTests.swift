// The library's classifiers: a case is prepared for a net as z-normalised, end-padded with its
// last value, step-major; the NT and DiJiang classifiers learn a synthetic two-class problem of
// varying length; a `Classifier` of either kind saved and loaded predicts the same.
import Foundation
import SeerBase
import SeerData
@testable import SeerTasks
import Testing

struct ClassifierTests {
    @Test func aCaseIsNormalisedPaddedAndStepMajor() {
        let prepared = NetClassifier.prepare([[1, 2, 3], [5, 5, 5]], length: 5, normalize: true)
        // (1,2,3): mean 2, deviation √(2/3), so ±1/√(2/3) = ±√1.5 at the ends; the constant channel is 0.
        let z = Float((1.5).squareRoot())
        let expected: [Float] = [-z, 0, 0, 0, z, 0, z, 0, z, 0]
        #expect(zip(prepared, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(prepared)")
        #expect(NetClassifier.prepare([[4, 6]], length: 3, normalize: false) == [4, 6, 6])
        #expect(NetClassifier.prepare([[1, 2, 3, 4]], length: 2, normalize: false) == [1, 2])
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
        let classifier = try Classifier(model: model, fitting: train, seed: 3, epochs: 25)
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
    }

    /// `auto` cross-validates MultiRocket and NT on the training cases and keeps the better, saying so.
    @Test func autoChoosesByCrossValidationAndSaysWhy() throws {
        let train = try Self.dataset(24, seed: 6), test = try Self.dataset(10, seed: 7)
        let classifier = try Classifier(model: .auto, fitting: train, seed: 2, features: 840, epochs: 8)
        let choice = try #require(classifier.autoChoice)
        #expect(choice.accuracies.count == AutoClassifierChoice.candidates.count && choice.folds == 5)
        let best = choice.accuracies.max()!
        #expect(choice.chosen == AutoClassifierChoice.candidates[choice.accuracies.firstIndex(of: best)!], "ties go to the earlier candidate")
        #expect((choice.chosen.family == nil) == (classifier.fitted != nil) && classifier.details.hasPrefix("auto chose \(choice.chosen.rawValue)"))
        #expect(try classifier.predict(test).count == 10)
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
