// A ridge classifier with its regularisation chosen by exact leave-one-out error, the classifier
// MiniRocket's authors pair with their features. Features are standardised on the training set;
// each class is a ±1 target (one against the rest), centred, so the intercept is the targets' mean;
// the class with the largest output wins.
//
// With far more features (p ≈ 10,000) than cases (n), everything goes through the n × n Gram
// matrix K = ZZᵀ: one eigendecomposition K = U S Uᵀ (LAPACK dsyevd) gives, for every α, the dual
// coefficients A = U (S + α)⁻¹ Uᵀ Y and the leave-one-out residuals A_i / [U (S + α)⁻¹ Uᵀ]_ii —
// exact for ridge regression, not an estimate — so ten α values cost one decomposition and ten
// O(n²) passes. The primal weights Zᵀ A then predict at O(p) per case.
import CBLAS
import Foundation
import SeerTensor

/// A fitted ridge classifier: standardisation, weights per class, and the α chosen.
public struct RidgeClassifier: Sendable, Codable, Equatable {
    public let classes: Int
    public let means: [Float], scales: [Float]
    /// Row-major [features, classes].
    public let weights: [Float]
    public let intercepts: [Float]
    /// The α chosen, and the leave-one-out squared error of each α tried (summed over classes).
    public let alpha: Double
    public let leaveOneOutErrors: [Double]
    /// The scale a of `probabilities` = softmax(a · decision): fitted to the training cases'
    /// exact leave-one-out outputs (so not to outputs the fit has already seen), minimising their
    /// log-loss.
    public let probabilityScale: Float
    public static let alphas: [Double] = (0..<10).map { pow(10, -3 + 6 * Double($0) / 9) }

    /// A classifier from its saved parts (checked for consistent sizes).
    public init?(classes: Int, means: [Float], scales: [Float], weights: [Float], intercepts: [Float], alpha: Double, leaveOneOutErrors: [Double],
                 probabilityScale: Float = 1) {
        guard classes >= 2, means.count == scales.count, weights.count == means.count * classes, intercepts.count == classes,
              scales.allSatisfy({ $0 > 0 && $0.isFinite }), probabilityScale > 0, probabilityScale.isFinite else { return nil }
        self.probabilityScale = probabilityScale
        self.classes = classes
        self.means = means
        self.scales = scales
        self.weights = weights
        self.intercepts = intercepts
        self.alpha = alpha
        self.leaveOneOutErrors = leaveOneOutErrors
    }

    /// Fits `features` (n rows of p) to `labels` in 0..<classes.
    public init(features: [[Float]], labels: [Int], classes: Int, alphas: [Double] = RidgeClassifier.alphas) throws {
        let n = features.count
        guard n >= 2 else { throw RidgeError.tooFewCases(n) }
        let p = features[0].count
        precondition(features.allSatisfy { $0.count == p } && labels.count == n && classes >= 2 && !alphas.isEmpty)
        self.classes = classes
        // Standardise each feature on the training cases (a constant feature gets scale 1).
        var means = [Float](repeating: 0, count: p), scales = [Float](repeating: 1, count: p)
        for j in 0..<p {
            var sum = 0.0, squares = 0.0
            for row in features { sum += Double(row[j]) }
            let mean = sum / Double(n)
            for row in features { let d = Double(row[j]) - mean; squares += d * d }
            let deviation = (squares / Double(n)).squareRoot()
            means[j] = Float(mean)
            scales[j] = deviation > 1e-12 ? Float(deviation) : 1
        }
        guard means.allSatisfy(\.isFinite), scales.allSatisfy(\.isFinite) else { throw RidgeError.nonFiniteFeatures }
        self.means = means
        self.scales = scales
        var z = [Float](repeating: 0, count: n * p)
        for i in 0..<n { for j in 0..<p { z[i * p + j] = (features[i][j] - means[j]) / scales[j] } }
        // Targets ±1, centred per class.
        var y = [Double](repeating: -1, count: n * classes)
        for (i, label) in labels.enumerated() { y[i * classes + label] = 1 }
        var intercepts = [Float](repeating: 0, count: classes)
        for c in 0..<classes {
            let mean = (0..<n).reduce(0.0) { $0 + y[$1 * classes + c] } / Double(n)
            intercepts[c] = Float(mean)
            for i in 0..<n { y[i * classes + c] -= mean }
        }
        self.intercepts = intercepts
        // K = Z Zᵀ (n × n), then its eigendecomposition.
        var gram = [Float](repeating: 0, count: n * n)
        // Through Seer's sgemm (OpenBLAS one thread per call, blocks over Seer's pool): a direct
        // call left OpenBLAS's own workers spinning in sched_yield for a fifth of a fit.
        z.withUnsafeBufferPointer { z in
            sgemm(transA: false, transB: true, m: n, n: n, k: p, alpha: 1, a: z.baseAddress!, lda: p, b: z.baseAddress!, ldb: p,
                  beta: 0, c: &gram, ldc: n)
        }
        let (values, vectors) = try Self.eigen(gram.map(Double.init), n: n)
        // P = Uᵀ Y: eigenvector k is vectors[k·n ..< (k+1)·n].
        var projected = [Double](repeating: 0, count: n * classes)
        for k in 0..<n { for i in 0..<n { let u = vectors[k * n + i]; for c in 0..<classes { projected[k * classes + c] += u * y[i * classes + c] } } }
        var errors: [Double] = []
        var best = (error: Double.infinity, alpha: alphas[0], dual: [Double]())
        for alpha in alphas {
            var dual = [Double](repeating: 0, count: n * classes), diagonal = [Double](repeating: 0, count: n)
            for k in 0..<n {
                let inverse = 1 / (max(values[k], 0) + alpha)
                for i in 0..<n {
                    let u = vectors[k * n + i]
                    diagonal[i] += u * u * inverse
                    for c in 0..<classes { dual[i * classes + c] += u * inverse * projected[k * classes + c] }
                }
            }
            var error = 0.0
            for i in 0..<n { for c in 0..<classes { let e = dual[i * classes + c] / diagonal[i]; error += e * e } }
            errors.append(error)
            if error < best.error { best = (error, alpha, dual) }
        }
        guard !best.dual.isEmpty else { throw RidgeError.nonFiniteFeatures }
        alpha = best.alpha
        leaveOneOutErrors = errors
        // Leave-one-out outputs: the ±1 target less the leave-one-out residual A_i / diag_i.
        var diagonal = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let inverse = 1 / (max(values[k], 0) + best.alpha)
            for i in 0..<n { diagonal[i] += vectors[k * n + i] * vectors[k * n + i] * inverse }
        }
        let heldOut = (0..<n).map { i in
            (0..<classes).map { c in (c == labels[i] ? 1 : -1) - best.dual[i * classes + c] / diagonal[i] }
        }
        probabilityScale = Float(Self.fitScale(heldOut, labels: labels))
        // Primal weights Zᵀ A ([p, classes]).
        var w = [Float](repeating: 0, count: p * classes)
        let dual = best.dual.map(Float.init)
        z.withUnsafeBufferPointer { z in
            dual.withUnsafeBufferPointer { dual in
                sgemm(transA: true, transB: false, m: p, n: classes, k: n, alpha: 1, a: z.baseAddress!, lda: p, b: dual.baseAddress!,
                      ldb: classes, beta: 0, c: &w, ldc: classes)
            }
        }
        weights = w
    }

    /// The class outputs of one case's features (the largest wins).
    public func decision(_ features: [Float]) -> [Float] {
        precondition(features.count == means.count, "\(features.count) features for a classifier of \(means.count)")
        var out = intercepts
        for j in 0..<means.count {
            let z = (features[j] - means[j]) / scales[j]
            guard z != 0 else { continue }
            for c in 0..<classes { out[c] += z * weights[j * classes + c] }
        }
        return out
    }

    /// Class probabilities of one case's features: softmax(probabilityScale · decision).
    public func probabilities(_ features: [Float]) -> [Float] { Self.softmax(decision(features).map { $0 * probabilityScale }) }

    /// exp(x − max) normalised (stable for any finite x).
    public static func softmax(_ x: [Float]) -> [Float] {
        let top = x.max() ?? 0
        let e = x.map { Foundation.exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// The a in [10⁻², 10²] minimising the cross-entropy of softmax(a · s_i) against smoothed
    /// targets — 1 − ε on the true class and ε/(K − 1) on each other, ε = 1/(n + 2) — by
    /// golden-section search on log a (the loss is convex in a). The smoothing is Platt's: with n
    /// cases, perfectly separated leave-one-out outputs say the error rate is below about 1/n, not
    /// that it is zero, so probabilities stay near 1 − ε instead of running to 1 − 10⁻¹⁷.
    static func fitScale(_ outputs: [[Double]], labels: [Int]) -> Double {
        let classes = outputs.first?.count ?? 2
        let epsilon = 1 / Double(outputs.count + 2), other = epsilon / Double(max(1, classes - 1))
        func loss(_ logScale: Double) -> Double {
            let a = Foundation.exp(logScale)
            return zip(outputs, labels).reduce(0.0) { total, pair in
                let scaled = pair.0.map { a * $0 }, top = scaled.max()!
                let logNormaliser = top + Foundation.log(scaled.reduce(0) { $0 + Foundation.exp($1 - top) })
                return total + scaled.indices.reduce(0.0) { $0 - ($1 == pair.1 ? 1 - epsilon : other) * (scaled[$1] - logNormaliser) }
            }
        }
        var lo = Foundation.log(1e-2), hi = Foundation.log(1e2)
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 {
            let a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
            if loss(a) <= loss(b) { hi = b } else { lo = a }
        }
        return Foundation.exp((lo + hi) / 2)
    }

    /// The predicted class of one case's features.
    public func predict(_ features: [Float]) -> Int {
        let scores = decision(features)
        return scores.indices.max { scores[$0] < scores[$1] }!
    }

    /// Eigenvalues and eigenvectors (vector k at [k·n ..< (k+1)·n]) of a symmetric n × n matrix.
    static func eigen(_ matrix: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        var a = matrix, w = [Double](repeating: 0, count: n)
        var size = Int32(n), lda = Int32(n), info: Int32 = 0
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        // Workspace query, then the decomposition.
        var lwork: Int32 = -1, liwork: Int32 = -1, workSize = 0.0, iworkSize: Int32 = 0
        dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info, 1, 1)
        guard info == 0 else { throw RidgeError.eigen(Int(info)) }
        lwork = Int32(workSize)
        liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw RidgeError.eigen(Int(info)) }
        return (w, a)
    }
}

/// Why a ridge classifier could not be fitted.
public enum RidgeError: Error, Equatable, CustomStringConvertible {
    case tooFewCases(Int)
    case eigen(Int)
    case nonFiniteFeatures

    public var description: String {
        switch self {
        case .tooFewCases(let n): return "a ridge classifier needs at least 2 training cases, not \(n)"
        case .eigen(let info): return "the eigendecomposition of the Gram matrix failed (LAPACK info \(info))"
        case .nonFiniteFeatures: return "the features are not finite (values too large for Float32?); no regularisation gives a finite fit"
        }
    }
}
