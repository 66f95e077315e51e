// MultiRocket's features (Tan, Dempster, Bergmeir & Webb, DMKD 2022), written from the paper:
// MiniRocket's kernels, dilations and quantile biases applied to two representations of a case —
// the series and its first difference, each with its own fitted transform — and four summaries of
// each (kernel, dilation, bias) output instead of PPV alone:
//   PPV  — the proportion of outputs above the bias;
//   MPV  — the mean of those positive values (output − bias), 0 when there are none;
//   MIPV — the mean position of the positive values, as a fraction of the output's length
//          (−1 when there are none), which says *where* a pattern occurs;
//   LSPV — the longest run of consecutive positive values, as a fraction of the length, which
//          says whether it occurs as one stretch or scattered.
// Positions and runs are fractions of the length (the paper counts steps) so that cases of
// different lengths give comparable features; with equal lengths it is the same up to a scale the
// ridge's standardisation removes.
import Foundation
import SeerBase

extension MiniRocket {
    /// The four MultiRocket summaries per feature (PPV, MPV, MIPV, LSPV in that order): 4 ×
    /// `featureCount` values.
    public func pooledTransform(_ case_: [[Float]]) -> [Float] {
        var features = [Float](repeating: 0, count: 4 * featureCount)
        features.withUnsafeMutableBufferPointer { features in
            forEachOutput(case_) { output, first, count in
                for k in first..<(first + count) { Self.pool(biases[k], output, into: features.baseAddress! + 4 * k) }
            }
        }
        return features
    }

    /// PPV, MPV, MIPV and LSPV of `values − bias`, written to `out[0…3]`. Eight lanes at a time:
    /// the count, the sum and the positions by SIMD masks; the longest run from each lane group's
    /// 8-bit mask (runs inside a byte from a table, runs across bytes from its end bits). A plain
    /// loop carrying the run from value to value was most of MultiRocket's time.
    @inline(__always) static func pool(_ bias: Float, _ values: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let n = values.count
        guard n > 0 else { out[0] = 0; out[1] = 0; out[2] = -1; out[3] = 0; return }
        let lanes = n / 8 * 8
        let threshold = SIMD8<Float>(repeating: bias), zeroF = SIMD8<Float>(repeating: 0)
        let one = SIMD8<Int32>(repeating: 1), zeroI = SIMD8<Int32>(repeating: 0), eight = SIMD8<Int32>(repeating: 8)
        let bitValues = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
        var sums = zeroF
        var count = 0, positionSum = 0, run = 0, longest = 0
        let raw = UnsafeRawPointer(values.baseAddress!)
        var i = 0
        // Blocks of 2,048 values keep the per-lane position sums (positions within the block)
        // inside Int32 however long the series.
        while i < lanes {
            let blockStart = i, blockEnd = min(lanes, i + 2048)
            var counts = zeroI, positions = zeroI
            var index = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
            while i < blockEnd {
                let excess = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - threshold
                let above = excess .> zeroF
                counts &+= zeroI.replacing(with: one, where: above)
                sums += zeroF.replacing(with: excess, where: above)
                positions &+= zeroI.replacing(with: index, where: above)
                index &+= eight
                let byte = UInt8(truncatingIfNeeded: zeroI.replacing(with: bitValues, where: above).wrappedSum())
                if byte == 0xFF {
                    run += 8
                } else {
                    // Bit k is value i + k: the run so far continues through the low ones, ends, and
                    // a new one starts with the high ones.
                    run += (~byte).trailingZeroBitCount
                    longest = max(longest, run, Int(longestRunInByte[Int(byte)]))
                    run = (~byte).leadingZeroBitCount
                }
                i += 8
            }
            let blockCount = Int(counts.wrappedSum())
            count += blockCount
            positionSum += Int(positions.wrappedSum()) + blockStart * blockCount
        }
        var sum = sums.sum()
        while i < n {
            let excess = values[i] - bias
            if excess > 0 { count += 1; sum += excess; positionSum += i; run += 1 } else { run = 0 }
            longest = max(longest, run)
            i += 1
        }
        longest = max(longest, run)
        let length = Float(n)
        out[0] = Float(count) / length
        out[1] = count > 0 ? sum / Float(count) : 0
        out[2] = count > 0 ? Float(positionSum) / Float(count) / length : -1
        out[3] = Float(longest) / length
    }

    /// The longest run of one bits in each byte value.
    static let longestRunInByte: [UInt8] = (0..<256).map { value in
        var longest = 0, run = 0
        for bit in 0..<8 { run = value >> bit & 1 == 1 ? run + 1 : 0; longest = max(longest, run) }
        return UInt8(longest)
    }

    /// A case's first difference per channel (x[t+1] − x[t]); a one-step case gives one zero.
    public static func firstDifference(_ case_: [[Float]]) -> [[Float]] {
        case_.map { x in x.count < 2 ? [0] : (1..<x.count).map { x[$0] - x[$0 - 1] } }
    }
}
