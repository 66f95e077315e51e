// The Rocket-family classifier: random-convolution features and a leave-one-out-tuned ridge
// classifier as one model. Two feature sets:
//   MiniRocket — PPV of the series' kernel outputs (~10,000 features);
//   MultiRocket — PPV, MPV, MIPV and LSPV of the outputs of the series and of its first
//   difference (~50,000 features; slower, usually more accurate).
// The transforms are fitted on the training cases only; a case is transformed in one pass.
import Foundation

/// A MiniRocket or MultiRocket classifier.
public struct RocketClassifier: Sendable, Codable, Equatable {
    /// The transform of the series itself.
    public let transform: MiniRocket
    /// MultiRocket's transform of the first difference; nil for MiniRocket (PPV of the series only).
    public let difference: MiniRocket?
    public let ridge: RidgeClassifier

    /// Whether the features are MultiRocket's (both representations, four summaries each).
    public var isMulti: Bool { difference != nil }

    /// Features per case.
    public var featureCount: Int { isMulti ? 4 * (transform.featureCount + difference!.featureCount) : transform.featureCount }

    /// Fits on `cases` with `labels` in 0..<classes: about `features` features in all (MultiRocket
    /// shares them among its two representations and four summaries; seeded).
    public init(cases: [[[Float]]], labels: [Int], classes: Int, features: Int = 10_000, multi: Bool = false, seed: UInt64 = 0) throws {
        precondition(cases.count == labels.count, "one label per case")
        if multi {
            let perRepresentation = max(84, features / 8)
            transform = MiniRocket(fit: cases, features: perRepresentation, seed: seed)
            difference = MiniRocket(fit: cases.map(MiniRocket.firstDifference), features: perRepresentation, seed: seed &+ 1)
        } else {
            transform = MiniRocket(fit: cases, features: features, seed: seed)
            difference = nil
        }
        let transformed = cases.map { [transform, difference] in Self.features($0, transform, difference) }
        ridge = try RidgeClassifier(features: transformed, labels: labels, classes: classes)
    }

    /// The classifier from its parts.
    public init(transform: MiniRocket, difference: MiniRocket? = nil, ridge: RidgeClassifier) {
        self.transform = transform
        self.difference = difference
        self.ridge = ridge
        precondition(featureCount == ridge.means.count, "the ridge must take the transform's features")
    }

    /// The features of one case.
    public func features(_ case_: [[Float]]) -> [Float] { Self.features(case_, transform, difference) }

    private static func features(_ case_: [[Float]], _ transform: MiniRocket, _ difference: MiniRocket?) -> [Float] {
        guard let difference else { return transform.transform(case_) }
        return transform.pooledTransform(case_) + difference.pooledTransform(MiniRocket.firstDifference(case_))
    }

    /// The ridge outputs of each class for one case.
    public func decision(_ case_: [[Float]]) -> [Float] { ridge.decision(features(case_)) }

    /// Class probabilities of each case (the ridge's outputs scaled by its leave-one-out fit).
    public func probabilities(_ cases: [[[Float]]]) -> [[Float]] { cases.map { ridge.probabilities(features($0)) } }

    /// The class of each case.
    public func predict(_ cases: [[[Float]]]) -> [Int] { cases.map { ridge.predict(features($0)) } }
}
