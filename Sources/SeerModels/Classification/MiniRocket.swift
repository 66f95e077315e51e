// The MiniRocket transform (Dempster, Schmidt & Webb, KDD 2021), written from the paper: a fixed
// set of 84 length-9 kernels — weights −1 except three of 2, so each sums to zero — applied at
// exponentially spaced dilations, each (kernel, dilation) output compared with a few biases, and
// the proportion of positive values (PPV) of output − bias kept as one feature each: about 10,000
// features per case. Only the biases are learnt (quantiles of one random training case's output
// per kernel and dilation), so fitting costs one transform of a few cases.
//
// The paper's trick makes the 84 kernels cheap: with α = −1 and β = 2, a kernel's output is
// Σ_m α·x(t + (m−4)d) + Σ_{m ∈ its three} (β − α)·x(t + (m−4)d) — one shared sum of nine shifted
// copies plus three shifted copies of 3x. Half the (kernel, dilation) pairs pad the series with
// zeros (outputs at every step), half do not (outputs where the kernel fits), alternating.
//
// Multivariate cases: each (kernel, dilation) sums the outputs over a random subset of the
// channels (1 to 9 of them, log-uniformly), as the paper's multivariate variant does.
// Variable-length cases: each case is convolved at its own length and its PPV taken over its own
// outputs; a pair whose kernel does not fit unpadded in a short case uses padding for that case.
import Foundation
import SeerBase

/// The fitted MiniRocket transform: dilations, channel subsets and biases.
public struct MiniRocket: Sendable, Codable, Equatable {
    /// The three positions (of 9) weighted 2 in each of the 84 kernels.
    public static let kernels: [[Int]] = {
        var all: [[Int]] = []
        for a in 0..<9 { for b in (a + 1)..<9 { for c in (b + 1)..<9 { all.append([a, b, c]) } } }
        return all
    }()

    /// One dilation and the features it gives per kernel.
    public struct Dilation: Sendable, Codable, Equatable {
        public let dilation: Int
        public let featuresPerKernel: Int
        public init(dilation: Int, featuresPerKernel: Int) {
            self.dilation = dilation
            self.featuresPerKernel = featuresPerKernel
        }
    }

    public let channels: Int
    public let dilations: [Dilation]
    /// Per (dilation, kernel) in order: the channels summed.
    public let channelSets: [[Int]]
    /// Per feature in order (dilation, kernel, quantile): its bias.
    public let biases: [Float]

    /// Features per case.
    public var featureCount: Int { biases.count }

    /// A transform from its saved parts (checked: a bias per feature, a channel set per pair).
    public init?(channels: Int, dilations: [Dilation], channelSets: [[Int]], biases: [Float]) {
        guard channels >= 1, !dilations.isEmpty, dilations.allSatisfy({ $0.dilation >= 1 && $0.featuresPerKernel >= 1 }),
              channelSets.count == dilations.count * Self.kernels.count,
              channelSets.allSatisfy({ !$0.isEmpty && $0.allSatisfy((0..<channels).contains) }),
              biases.count == dilations.reduce(0, { $0 + $1.featuresPerKernel }) * Self.kernels.count else { return nil }
        self.channels = channels
        self.dilations = dilations
        self.channelSets = channelSets
        self.biases = biases
    }

    /// Fits the biases on `cases` (each: channels × steps; lengths may differ) for about
    /// `features` features (a multiple of 84 at most that), seeded.
    public init(fit cases: [[[Float]]], features: Int = 10_000, seed: UInt64 = 0) {
        precondition(!cases.isEmpty, "MiniRocket fits on at least one case")
        precondition(features >= 84, "at least one feature per kernel (84)")
        let channels = cases[0].count
        precondition(channels >= 1 && cases.allSatisfy { $0.count == channels }, "every case needs the same channels")
        self.channels = channels
        var rng = SeededGenerator(seed: seed)
        // The dilations reach up to the kernel spanning a typical (median) case.
        let lengths = cases.map { $0[0].count }.sorted()
        let length = max(9, lengths[lengths.count / 2])
        let dilations = Self.dilations(length: length, perKernel: features / 84)
        self.dilations = dilations
        var sets: [[Int]] = []
        var biases: [Float] = []
        var q = 0
        for (di, d) in dilations.enumerated() {
            for (ki, kernel) in Self.kernels.enumerated() {
                let chosen = Self.channelSubset(channels, &rng)
                sets.append(chosen)
                let example = cases[Int.random(in: 0..<cases.count, using: &rng)]
                let padded = (di + ki) % 2 == 1
                var output = Self.convolve(example, channels: chosen, kernel: kernel, dilation: d.dilation, padded: padded)
                output.sort()
                for _ in 0..<d.featuresPerKernel {
                    biases.append(Self.quantile(output, Self.quantileLevel(q)))
                    q += 1
                }
            }
        }
        channelSets = sets
        self.biases = biases
    }

    /// The PPV features of one case (channels × steps) — `featureCount` values in [0, 1].
    public func transform(_ case_: [[Float]]) -> [Float] {
        var features = [Float](repeating: 0, count: featureCount)
        forEachOutput(case_) { output, first, count in
            let length = Float(max(output.count, 1))
            for k in first..<(first + count) { features[k] = Float(Self.countAbove(biases[k], output)) / length }
        }
        return features
    }

    /// Calls `body` with each (dilation, kernel) pair's output for `case_`, the index of its
    /// first feature (bias) and its feature count, in feature order: the one walk both
    /// MiniRocket's PPV and MultiRocket's four summaries take.
    func forEachOutput(_ case_: [[Float]], _ body: (UnsafeBufferPointer<Float>, Int, Int) -> Void) {
        precondition(case_.count == channels, "a case of \(case_.count) channels for a transform fitted on \(channels)")
        var f = 0, pair = 0
        for (di, d) in dilations.enumerated() {
            // Per channel, the kernels' shared part at this dilation: −Σ of the nine shifted copies.
            let shared = case_.map { Self.sharedSum($0, dilation: d.dilation) }
            for (ki, kernel) in Self.kernels.enumerated() {
                let padded = (di + ki) % 2 == 1
                let output = Self.convolve(case_, shared: shared, channels: channelSets[pair], kernel: kernel, dilation: d.dilation, padded: padded)
                output.withUnsafeBufferPointer { body($0, f, d.featuresPerKernel) }
                f += d.featuresPerKernel
                pair += 1
            }
        }
    }

    /// How many of `values` exceed `bias`: branch-free, so the loop vectorises (it is most of a
    /// transform's work — one pass per feature).
    /// Eight lanes at a time (the compiler left the plain loop scalar, with a branch per value).
    @inline(__always) static func countAbove(_ bias: Float, _ values: UnsafeBufferPointer<Float>) -> Int {
        let n = values.count, lanes = n / 8 * 8
        var counts = SIMD8<Int32>(repeating: 0)
        let threshold = SIMD8<Float>(repeating: bias), one = SIMD8<Int32>(repeating: 1)
        let raw = UnsafeRawPointer(values.baseAddress!)
        var i = 0
        while i < lanes {
            let chunk = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            counts &+= SIMD8<Int32>(repeating: 0).replacing(with: one, where: chunk .> threshold)
            i += 8
        }
        var count = Int(counts.wrappedSum())
        while i < n { if values[i] > bias { count += 1 }; i += 1 }
        return count
    }

    /// dst[i] += scale · src[i] for i < count, eight lanes at a time (the scalar loop was not
    /// vectorised: the compiler cannot rule out that the two buffers overlap).
    @inline(__always) static func addScaled(_ scale: Float, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        let lanes = count / 8 * 8, factor = SIMD8<Float>(repeating: scale)
        let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
        var i = 0
        while i < lanes {
            let sum = to.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + factor * from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            to.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { dst[i] += scale * src[i]; i += 1 }
    }

    /// −Σ_m x(t + (m−4)d) at every step t (zeros outside the series): every kernel's weight −1 part.
    static func sharedSum(_ x: [Float], dilation d: Int) -> [Float] {
        let length = x.count
        var out = [Float](repeating: 0, count: length)
        x.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                for m in 0..<9 {
                    let shift = (m - 4) * d
                    let lo = max(0, -shift), hi = min(length, length - shift)
                    guard lo < hi else { continue }
                    for t in lo..<hi { out[t] -= x[t + shift] }
                }
            }
        }
        return out
    }

    /// One kernel's output from the shared sums: shared + 3·(the three shifted copies weighted 2).
    static func convolve(_ case_: [[Float]], shared: [[Float]], channels: [Int], kernel: [Int], dilation d: Int, padded: Bool) -> [Float] {
        let length = case_[0].count
        let reach = 4 * d
        let unpadded = !padded && length > 2 * reach
        let start = unpadded ? reach : 0, end = unpadded ? length - reach : length
        var out = [Float](repeating: 0, count: max(0, end - start))
        guard end > start else { return out }
        out.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            for c in channels {
                shared[c].withUnsafeBufferPointer { s in addScaled(1, s.baseAddress! + start, o, end - start) }
                case_[c].withUnsafeBufferPointer { x in
                    for m in kernel {
                        let shift = (m - 4) * d
                        let lo = max(start, -shift), hi = min(end, length - shift)
                        guard lo < hi else { continue }
                        addScaled(3, x.baseAddress! + lo + shift, o + (lo - start), hi - lo)
                    }
                }
            }
        }
        return out
    }

    /// Output of one kernel at one dilation, summed over `channels` of the case: every step when
    /// padded (zeros outside), else the steps where the kernel fits (padded when it fits nowhere).
    static func convolve(_ case_: [[Float]], channels: [Int], kernel: [Int], dilation d: Int, padded: Bool) -> [Float] {
        let length = case_[0].count
        let reach = 4 * d
        let unpadded = !padded && length > 2 * reach
        let start = unpadded ? reach : 0, end = unpadded ? length - reach : length
        var out = [Float](repeating: 0, count: max(0, end - start))
        for c in channels {
            let x = case_[c]
            x.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { out in
                    for m in 0..<9 {
                        let weight: Float = kernel.contains(m) ? 2 : -1
                        let shift = (m - 4) * d
                        // out[t − start] += weight · x[t + shift] where 0 ≤ t + shift < length.
                        let lo = max(start, -shift), hi = min(end, length - shift)
                        guard lo < hi else { continue }
                        for t in lo..<hi { out[t - start] += weight * x[t + shift] }
                    }
                }
            }
        }
        return out
    }

    /// Dilations 2^(e) for e spaced evenly over [0, log2((length − 1)/8)], at most 32 distinct,
    /// with the features per kernel shared among them in proportion to how often each came up.
    static func dilations(length: Int, perKernel: Int) -> [Dilation] {
        let maxExponent = max(0, log2(Double(length - 1) / 8))
        let slots = min(perKernel, 32)
        var counts: [Int: Int] = [:]
        for i in 0..<slots {
            let e = slots == 1 ? 0 : maxExponent * Double(i) / Double(slots - 1)
            counts[Int(pow(2, e)), default: 0] += 1
        }
        let distinct = counts.keys.sorted()
        // Each slot stands for perKernel / slots features; the remainder goes to the smallest dilations.
        let each = perKernel / slots
        var perDilation = distinct.map { counts[$0]! * each }
        var remainder = perKernel - perDilation.reduce(0, +)
        var i = 0
        while remainder > 0 { perDilation[i % perDilation.count] += 1; remainder -= 1; i += 1 }
        return zip(distinct, perDilation).map { Dilation(dilation: $0, featuresPerKernel: $1) }
    }

    /// The q-th quantile level: the fractional parts of multiples of the golden ratio (a
    /// low-discrepancy sequence, so any run of them covers (0, 1) evenly).
    static func quantileLevel(_ k: Int) -> Double {
        let phi = (5.0.squareRoot() + 1) / 2
        return (Double(k + 1) * phi).truncatingRemainder(dividingBy: 1)
    }

    /// The `level` quantile of sorted values, interpolated linearly.
    static func quantile(_ sorted: [Float], _ level: Double) -> Float {
        guard !sorted.isEmpty else { return 0 }
        let position = level * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        let fraction = Float(position - Double(below))
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }

    /// A random subset of the channels, of size 2^u for u uniform in [0, log2(min(C, 9) + 1)).
    static func channelSubset(_ channels: Int, _ rng: inout SeededGenerator) -> [Int] {
        guard channels > 1 else { return [0] }
        let most = log2(Double(min(channels, 9) + 1))
        let size = min(channels, max(1, Int(pow(2, Double.random(in: 0..<most, using: &rng)))))
        var all = Array(0..<channels)
        all.shuffle(using: &rng)
        return all.prefix(size).sorted()
    }
}
