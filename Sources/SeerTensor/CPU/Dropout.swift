// Inverted dropout with a counter-based mask: element i is kept when a hash of (seed, i) is at
// or above p, so the mask depends only on the seed and the index — never on threads or order.

extension CPUBackend {
    // x, out, mask: [count]
    public func dropoutForward(_ x: TensorStorage, _ out: TensorStorage, mask: TensorStorage, probability: Float, seed: UInt64) {
        let px = x.pointer, po = out.pointer, pm = mask.pointer
        let keep = 1 / (1 - probability)
        Parallelism.forEachChunk(x.count) { range in
            for i in range {
                let m: Float = CounterRandom.uniform(seed: seed, index: UInt64(i)) >= probability ? keep : 0
                pm[i] = m
                po[i] = px[i] * m
            }
        }
    }

    public func dropoutBackward(mask: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage) {
        let pm = mask.pointer, g = gradOut.pointer, gx = gradX.pointer
        Parallelism.forEachChunk(gradX.count) { range in for i in range { gx[i] += g[i] * pm[i] } }
    }
}

/// Stateless random numbers from (seed, index): a SplitMix64-style finaliser of their mix.
public enum CounterRandom {
    @inlinable
    public static func bits(seed: UInt64, index: UInt64) -> UInt64 {
        var z = seed &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inlinable
    public static func uniform(seed: UInt64, index: UInt64) -> Float {
        Float(bits(seed: seed, index: index) >> 40) * 0x1p-24
    }
}
