// MiniRocket's features and a leave-one-out-tuned ridge classifier as one model: fit on labelled
// cases (channels × steps each, lengths may differ), predict classes (the ridge outputs rank the classes: `ridge.decision`). The
// transform is fitted on the training cases only; a case is transformed in one pass.
import Foundation

/// The MiniRocket classifier.
public struct MiniRocketClassifier: Sendable, Codable, Equatable {
    public let transform: MiniRocket
    public let ridge: RidgeClassifier

    /// Fits on `cases` with `labels` in 0..<classes (about `features` features; seeded).
    public init(cases: [[[Float]]], labels: [Int], classes: Int, features: Int = 10_000, seed: UInt64 = 0) throws {
        precondition(cases.count == labels.count, "one label per case")
        transform = MiniRocket(fit: cases, features: features, seed: seed)
        let transformed = cases.map(transform.transform)
        ridge = try RidgeClassifier(features: transformed, labels: labels, classes: classes)
    }

    /// The classifier from its parts.
    public init(transform: MiniRocket, ridge: RidgeClassifier) {
        precondition(transform.featureCount == ridge.means.count, "the ridge must take the transform's features")
        self.transform = transform
        self.ridge = ridge
    }

    /// The class of each case.
    public func predict(_ cases: [[[Float]]]) -> [Int] { cases.map { ridge.predict(transform.transform($0)) } }

}
