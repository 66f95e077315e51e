// MiniRocket and its ridge classifier: the fast convolution (shared −Σ part plus three 3x copies)
// equals the direct nine-tap one; the dilations and feature count follow the paper's layout; the
// ridge's leave-one-out errors equal refitting without each case (a golden check of the
// eigendecomposition route through LAPACK); and the classifier separates synthetic classes —
// univariate, multivariate and of varying length — and survives a Codable round trip.
import Foundation
@testable import SeerModels
import SeerBase
import Testing

struct MiniRocketTests {
    @Test func theFastConvolutionEqualsTheDirectOne() {
        var rng = SeededGenerator(seed: 2)
        let x = (0..<40).map { _ in Float(rng.normal()) }, y = (0..<40).map { _ in Float(rng.normal()) }
        let case_ = [x, y]
        for d in [1, 2, 4, 7] {
            let shared = case_.map { MiniRocket.sharedSum($0, dilation: d) }
            for kernel in MiniRocket.kernels.prefix(30) {
                for padded in [false, true] {
                    let fast = MiniRocket.convolve(case_, shared: shared, channels: [0, 1], kernel: kernel, dilation: d, padded: padded)
                    let direct = MiniRocket.convolve(case_, channels: [0, 1], kernel: kernel, dilation: d, padded: padded)
                    #expect(fast.count == direct.count && zip(fast, direct).allSatisfy { abs($0 - $1) < 1e-4 }, "d \(d) \(kernel) \(padded)")
                    // Unpadded: only where all nine taps fit (40 − 8d outputs), padded: every step.
                    #expect(fast.count == (padded || 40 <= 8 * d ? 40 : 40 - 8 * d))
                }
            }
        }
        // A kernel's weights sum to zero: a constant series gives 0 wherever the kernel fits.
        let flat = MiniRocket.convolve([[Float](repeating: 3, count: 30)], channels: [0], kernel: [0, 4, 8], dilation: 2, padded: false)
        #expect(flat.allSatisfy { abs($0) < 1e-5 })
    }

    /// The eight-lane helpers agree with plain loops at every length (whole lanes and remainders).
    @Test func theVectorHelpersEqualPlainLoops() {
        var rng = SeededGenerator(seed: 6)
        for count in [0, 1, 7, 8, 9, 23, 64] {
            let values = (0..<count).map { _ in Float(rng.normal()) }, other = (0..<count).map { _ in Float(rng.normal()) }
            for bias: Float in [-0.5, 0, 0.7] {
                let fast = values.withUnsafeBufferPointer { MiniRocket.countAbove(bias, $0) }
                #expect(fast == values.filter { $0 > bias }.count, "\(count) \(bias)")
            }
            var sum = values
            if count > 0 { other.withUnsafeBufferPointer { o in sum.withUnsafeMutableBufferPointer { MiniRocket.addScaled(3, o.baseAddress!, $0.baseAddress!, count) } } }
            #expect(sum == zip(values, other).map { $0 + 3 * $1 }, "\(count)")
        }
    }

    @Test func dilationsAndFeaturesFollowThePaper() {
        #expect(MiniRocket.kernels.count == 84 && Set(MiniRocket.kernels.map { $0 }).count == 84)
        let dilations = MiniRocket.dilations(length: 150, perKernel: 119)
        #expect(dilations.map(\.featuresPerKernel).reduce(0, +) == 119)
        #expect(dilations.first?.dilation == 1 && dilations.last!.dilation <= 149 / 8 && dilations.last!.dilation >= 149 / 16)
        #expect(zip(dilations, dilations.dropFirst()).allSatisfy { $0.dilation < $1.dilation })
        var rng = SeededGenerator(seed: 1)
        let cases = (0..<5).map { _ in [(0..<150).map { _ in Float(rng.normal()) }] }
        let transform = MiniRocket(fit: cases, seed: 3)
        #expect(transform.featureCount == 9_996)
        let features = transform.transform(cases[0])
        #expect(features.count == 9_996 && features.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Short series: one dilation, and kernels that cannot fit unpadded fall back to padding.
        let short = MiniRocket(fit: [[[1, 2, 3, 4, 5, 4, 3]]], features: 840)
        #expect(short.dilations.map(\.dilation) == [1] && short.transform([[1, 2, 3, 2, 1, 2, 3]]).count == 840)
    }

    @Test func leaveOneOutErrorsEqualRefittingWithoutEachCase() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 9, p = 6, classes = 3
        let features = (0..<n).map { _ in (0..<p).map { _ in Float(rng.normal()) } }
        let labels = (0..<n).map { $0 % classes }
        let alphas = [0.1, 1, 10]
        let ridge = try RidgeClassifier(features: features, labels: labels, classes: classes, alphas: alphas)
        // The same standardised features and centred targets, refitted without case i each time
        // (primal ridge: (ZᵀZ + αI) w = Zᵀ y, solved by Gaussian elimination in Double).
        let z = features.map { row in (0..<p).map { Double((row[$0] - ridge.means[$0]) / ridge.scales[$0]) } }
        let y = (0..<n).map { i in (0..<classes).map { c in (labels[i] == c ? 1.0 : -1.0) - Double(ridge.intercepts[c]) } }
        for (a, alpha) in alphas.enumerated() {
            var total = 0.0
            for i in 0..<n {
                let rows = (0..<n).filter { $0 != i }
                for c in 0..<classes {
                    var m = (0..<p).map { r in (0..<p).map { s in rows.reduce(0.0) { $0 + z[$1][r] * z[$1][s] } + (r == s ? alpha : 0) } }
                    var b = (0..<p).map { r in rows.reduce(0.0) { $0 + z[$1][r] * y[$1][c] } }
                    Self.solve(&m, &b)
                    let predicted = (0..<p).reduce(0.0) { $0 + z[i][$1] * b[$1] }
                    total += (y[i][c] - predicted) * (y[i][c] - predicted)
                }
            }
            #expect(abs(ridge.leaveOneOutErrors[a] - total) < 1e-3 * max(1, total), "α \(alpha): \(ridge.leaveOneOutErrors[a]) vs \(total)")
        }
        #expect(ridge.alpha == alphas[ridge.leaveOneOutErrors.indices.min { ridge.leaveOneOutErrors[$0] < ridge.leaveOneOutErrors[$1] }!])
        #expect(throws: RidgeError.tooFewCases(1)) { try RidgeClassifier(features: [[1, 2]], labels: [0], classes: 2) }
    }

    /// Gaussian elimination with partial pivoting: m x = b, x left in b.
    static func solve(_ m: inout [[Double]], _ b: inout [Double]) {
        let n = b.count
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            m.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = m[row][col] / m[col][col]
                for k in col..<n { m[row][k] -= f * m[col][k] }
                b[row] -= f * b[col]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            b[row] = (b[row] - ((row + 1)..<n).reduce(0.0) { $0 + m[row][$1] * b[$1] }) / m[row][row]
        }
    }

    /// Class 0: a bump early in the case; class 1: a bump late; random phase noise around it.
    /// Multivariate cases put the signal in channel 1 and noise in channel 0.
    static func cases(_ count: Int, channels: Int, varying: Bool, seed: UInt64) -> (cases: [[[Float]]], labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var cases: [[[Float]]] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 2
            let length = varying ? Int.random(in: 50...70, using: &rng) : 60
            let centre = Double(label == 0 ? length / 4 : 3 * length / 4) + Double.random(in: -3...3, using: &rng)
            let signal = (0..<length).map { t in Float(3 * exp(-pow(Double(t) - centre, 2) / 8) + 0.3 * Double(rng.normal())) }
            let noise = (0..<length).map { _ in Float(rng.normal()) }
            cases.append(channels == 1 ? [signal] : [noise, signal])
            labels.append(label)
        }
        return (cases, labels)
    }

    @Test(arguments: [(1, false), (2, false), (2, true)])
    func theClassifierSeparatesSyntheticClasses(channels: Int, varying: Bool) throws {
        let train = Self.cases(30, channels: channels, varying: varying, seed: 1), test = Self.cases(40, channels: channels, varying: varying, seed: 2)
        let model = try RocketClassifier(cases: train.cases, labels: train.labels, classes: 2, features: 2_000, seed: 4)
        let predicted = model.predict(test.cases)
        let accuracy = Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.labels.count)
        #expect(accuracy >= 0.95, "channels \(channels), varying \(varying): accuracy \(accuracy)")
        // A saved model predicts the same.
        let restored = try JSONDecoder().decode(RocketClassifier.self, from: JSONEncoder().encode(model))
        #expect(restored == model && restored.predict(test.cases) == predicted)
        // Seeded: the same fit twice is the same model.
        #expect(try RocketClassifier(cases: train.cases, labels: train.labels, classes: 2, features: 2_000, seed: 4) == model)
    }
}
