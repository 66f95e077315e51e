// Row reductions for the CPU kernels on SIMD16<Float>: a float sum in a plain loop stays serial
// (strict evaluation order), 16 accumulators do not. Transcendental functions (exp, erf, GELU,
// SiLU, tanh, softmax rows) live in the C target CVectorMath, which carries baseline, AVX2+FMA
// and AVX-512 builds and picks one at run time — Swift's SIMD code neither fuses multiply-adds nor vectorises such
// arithmetic well on baseline x86-64 (measured 3–10× slower).

typealias Float16x = SIMD16<Float>

enum VectorMath {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Float16x { UnsafeRawPointer(p).loadUnaligned(as: Float16x.self) }

    /// Lanes `0..<count` from `p`, the rest `fill` (for row tails).
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> Float16x {
        var v = Float16x(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Float16x()
        var i = 0
        while i + 16 <= n { acc += load(p + i); i += 16 }
        if i < n { acc += loadPartial(p + i, n - i) }
        return acc.sum()
    }

    @inline(__always)
    static func maximum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Float16x(repeating: -.infinity)
        var i = 0
        while i + 16 <= n { let v = load(p + i); acc.replace(with: v, where: v .> acc); i += 16 }
        if i < n { let v = loadPartial(p + i, n - i, fill: -.infinity); acc.replace(with: v, where: v .> acc) }
        return acc.max()
    }

    /// Σ p[i]², for RMS norms.
    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Float16x()
        var i = 0
        while i + 16 <= n { let v = load(p + i); acc += v * v; i += 16 }
        if i < n { let v = loadPartial(p + i, n - i); acc += v * v }
        return acc.sum()
    }

    /// Σ a[i]·b[i].
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Float16x()
        var i = 0
        while i + 16 <= n { acc += load(a + i) * load(b + i); i += 16 }
        if i < n { acc += loadPartial(a + i, n - i) * loadPartial(b + i, n - i) }
        return acc.sum()
    }

    /// Σ a[i]·b[i]·c[i].
    @inline(__always)
    static func dot3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Float16x()
        var i = 0
        while i + 16 <= n { acc += load(a + i) * load(b + i) * load(c + i); i += 16 }
        if i < n { acc += loadPartial(a + i, n - i) * loadPartial(b + i, n - i) * loadPartial(c + i, n - i) }
        return acc.sum()
    }

    /// (Σ (p[i] − shift), Σ (p[i] − shift)²) in one pass.
    @inline(__always)
    static func shiftedMoments(_ p: UnsafePointer<Float>, _ n: Int, shift: Float) -> (sum: Float, squares: Float) {
        var sum = Float16x(), squares = Float16x()
        var i = 0
        while i + 16 <= n { let d = load(p + i) - shift; sum += d; squares += d * d; i += 16 }
        if i < n {
            let d = loadPartial(p + i, n - i, fill: shift) - shift
            sum += d
            squares += d * d
        }
        return (sum.sum(), squares.sum())
    }
}
