// `--model auto` for classification: each candidate is scored by stratified k-fold
// cross-validation on the training cases only (the test set never informs the choice), the best
// mean accuracy wins, a tie goes to the earlier (cheaper) candidate, and the choice is said with
// its figures.
import SeerBase
import SeerModels

/// What `auto` compared and chose.
public struct AutoClassifierChoice: Sendable, Codable, Equatable {
    /// Candidates in the order tried; a tie goes to the earlier. MultiRocket stands for the Rocket
    /// family: it matched or beat MiniRocket on every set measured (DECISIONS.md), and letting
    /// cross-validation on a few dozen cases pick between two near-equal models only adds noise.
    public static let candidates: [ClassifierModel] = [.multirocket, .nt]
    public let chosen: ClassifierModel
    /// Mean cross-validated accuracy per candidate, in `candidates` order.
    public let accuracies: [Double]
    public let folds: Int

    /// In words, for reports: which, and why.
    public var reason: String {
        let figures = zip(Self.candidates, accuracies).map { "\($0.rawValue) \(String(format: "%.3f", $1))" }.joined(separator: ", ")
        return "auto chose \(chosen.rawValue) by \(folds)-fold cross-validated accuracy on the training cases (\(figures))"
    }

    /// Scores the candidates on `cases` with `labels` (a net candidate as `members` nets) (every class needs a case; folds ≤ the
    /// smallest class, at least 2).
    static func choose(cases: [[[Float]]], labels: [Int], classes: Int, seed: UInt64, features: Int?, epochs: Int?, members: Int = 1, normalizeCases: Bool = false) throws -> AutoClassifierChoice {
        // Stratified folds: each class's cases shuffled and dealt round-robin.
        let smallest = (0..<classes).map { c in labels.filter { $0 == c }.count }.min() ?? 0
        let folds = max(2, min(5, smallest))
        var rng = SeededGenerator(seed: seed &+ 101)
        var fold = [Int](repeating: 0, count: labels.count)
        for c in 0..<classes {
            var ofClass = labels.indices.filter { labels[$0] == c }
            ofClass.shuffle(using: &rng)
            for (k, i) in ofClass.enumerated() { fold[i] = k % folds }
        }
        var accuracies: [Double] = []
        for candidate in candidates {
            var correct = 0
            for f in 0..<folds {
                let train = labels.indices.filter { fold[$0] != f }, held = labels.indices.filter { fold[$0] == f }
                let trainCases = train.map { cases[$0] }, trainLabels = train.map { labels[$0] }
                let predicted: [Int]
                if let family = candidate.family {
                    predicted = try NetClassifier(family: family, cases: trainCases, labels: trainLabels, classes: classes,
                                                  settings: NetClassifierSettings(epochs: epochs, seed: seed, members: members, normalizeCases: normalizeCases)).predict(held.map { cases[$0] })
                } else {
                    predicted = try RocketClassifier(cases: trainCases, labels: trainLabels, classes: classes, features: features ?? candidate.defaultFeatures,
                                                     multi: candidate == .multirocket, seed: seed)
                        .predict(held.map { cases[$0] })
                }
                correct += zip(predicted, held).filter { $0 == labels[$1] }.count
            }
            accuracies.append(Double(correct) / Double(labels.count))
        }
        let best = accuracies.indices.max { accuracies[$0] < accuracies[$1] || (accuracies[$0] == accuracies[$1] && $0 > $1) }!
        return AutoClassifierChoice(chosen: candidates[best], accuracies: accuracies, folds: folds)
    }
}
