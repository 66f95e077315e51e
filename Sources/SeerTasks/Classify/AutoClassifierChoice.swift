// `--model auto` for classification: each candidate is scored by stratified k-fold
// cross-validation on the training cases only (the test set never informs the choice). The first
// candidate (MultiRocket) is the default; another replaces it only when it wins clearly — more
// cases right than wrong against it by over twice the paired standard error (McNemar's test at
// about 95 %) — and the choice is said with its figures.
//
// Why not simply the best mean: over 30 resamples of ArrowHead, GunPoint and ItalyPowerDemand,
// "best mean, ties to MultiRocket" chose NT in 8 of 90 splits, on cross-validated wins of a case
// or two among 24–67 training cases, and NT was the worse model on the test set every time
// (ArrowHead 0.749 against MultiRocket's 0.909, for one). On a few dozen cases a one-case lead is
// noise; a model that costs 50× more to train should have to win by more than noise.
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
    /// Per candidate after the first: training cases it got right and the first got wrong, and
    /// the reverse (the paired counts of McNemar's test).
    public var wins: [Int] = [], losses: [Int] = []

    /// Whether `wins` against `losses` is a clear win: more than twice the paired standard error.
    static func clearlyBetter(wins: Int, losses: Int) -> Bool {
        wins > losses && Double(wins - losses) > 2 * Double(wins + losses).squareRoot()
    }

    /// In words, for reports: which, and why.
    public var reason: String {
        let figures = zip(Self.candidates, accuracies).map { "\($0.rawValue) \(String(format: "%.3f", $1))" }.joined(separator: ", ")
        let paired = zip(wins, losses).enumerated().map { i, pair in
            "\(Self.candidates[i + 1].rawValue) right where \(Self.candidates[0].rawValue) was wrong on \(pair.0) cases, the reverse on \(pair.1)"
        }.joined(separator: "; ")
        return "auto chose \(chosen.rawValue) by \(folds)-fold cross-validated accuracy on the training cases (\(figures)"
            + (paired.isEmpty ? "" : "; \(paired); another model replaces \(Self.candidates[0].rawValue) only on a clear win") + ")"
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
        var right: [[Bool]] = []
        for candidate in candidates {
            var correct = 0
            var caseRight = [Bool](repeating: false, count: labels.count)
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
                for (p, i) in zip(predicted, held) where p == labels[i] {
                    correct += 1
                    caseRight[i] = true
                }
            }
            accuracies.append(Double(correct) / Double(labels.count))
            right.append(caseRight)
        }
        var choice = AutoClassifierChoice(chosen: candidates[0], accuracies: accuracies, folds: folds)
        for k in 1..<candidates.count {
            choice.wins.append(labels.indices.filter { right[k][$0] && !right[0][$0] }.count)
            choice.losses.append(labels.indices.filter { !right[k][$0] && right[0][$0] }.count)
        }
        // The clearest winner among the challengers, if any wins clearly.
        let clear = (1..<candidates.count).filter { clearlyBetter(wins: choice.wins[$0 - 1], losses: choice.losses[$0 - 1]) }
        if let best = clear.max(by: { accuracies[$0] < accuracies[$1] }) {
            choice = AutoClassifierChoice(chosen: candidates[best], accuracies: accuracies, folds: folds, wins: choice.wins, losses: choice.losses)
        }
        return choice
    }
}
