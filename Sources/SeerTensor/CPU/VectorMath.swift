// Vectorised math for the CPU kernels: exp, erf, and row reductions on SIMD16<Float>. libm's
// expf/erff are scalar calls the compiler cannot vectorise, and a float sum in a plain loop
// stays serial (strict evaluation order); these keep 16 lanes busy instead.
//
// exp: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7 polynomial (relative error ≈ 1e-7),
// 2^n built in the exponent bits. erf: Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7),
// sharing its e^(−x²) with the Gaussian density GELU's derivative needs.

typealias Float16x = SIMD16<Float>

enum VectorMath {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Float16x { UnsafeRawPointer(p).loadUnaligned(as: Float16x.self) }

    @inline(__always)
    static func store(_ v: Float16x, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float16x.self) }

    /// Lanes `0..<count` from `p`, the rest `fill` (for row tails).
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> Float16x {
        var v = Float16x(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func storePartial(_ v: Float16x, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { p[i] = v[i] }
    }

    @inline(__always)
    static func exp(_ input: Float16x) -> Float16x {
        // Clamp with compare-and-select: the stdlib's pointwiseMin/Max go lane by lane via memory.
        let low = Float16x(repeating: -87.3), high = Float16x(repeating: 88.7)
        let x = input.replacing(with: low, where: input .< low).replacing(with: high, where: input .> high)
        // Adding 1.5·2^23 rounds x·log2(e) to the nearest integer n and leaves n in the low
        // mantissa bits, with no float→int conversion (which Swift's SIMD does lane by lane).
        let shifted = x * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        let r = x - n * 0.693359375 + n * 2.12194440e-4  // ln2 split in two for exactness
        var p = Float16x(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        let bits = unsafeBitCast(shifted, to: SIMD16<UInt32>.self)
        let exponent = (bits &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Float16x.self)
    }

    /// erf(x), given gaussian = e^(−x²) (callers often need that term themselves).
    @inline(__always)
    static func erf(_ x: Float16x, gaussian: Float16x) -> Float16x {
        let a = magnitude(x)
        let t = 1 / (1 + 0.3275911 * a)
        var poly = Float16x(repeating: 1.061405429)
        poly = poly * t - 1.453152027
        poly = poly * t + 1.421413741
        poly = poly * t - 0.284496736
        poly = poly * t + 0.254829592
        let positive = 1 - poly * t * gaussian
        return positive.replacing(with: Float16x() - positive, where: x .< 0)
    }

    @inline(__always)
    static func magnitude(_ x: Float16x) -> Float16x { x.replacing(with: Float16x() - x, where: x .< 0) }

    @inline(__always)
    static func sigmoid(_ x: Float16x) -> Float16x { 1 / (1 + exp(Float16x() - x)) }

    /// tanh through e^(−2|x|); an odd polynomial near 0, where 1 − e^(−2|x|) would cancel.
    @inline(__always)
    static func tanh(_ x: Float16x) -> Float16x {
        let a = magnitude(x)
        let e = exp(a * -2)
        let far = (1 - e) / (1 + e)
        let x2 = a * a
        let near = a * (1 + x2 * (-0.333333333 + x2 * (0.133333333 + x2 * (-0.053968254 + x2 * 0.021869488))))
        let magnitude = near.replacing(with: far, where: a .> 0.25)
        return magnitude.replacing(with: Float16x() - magnitude, where: x .< 0)
    }

    // Whole-range kernels written as plain loops, one per function: passing SIMD16 values through
    // closures made the compiler copy them with memmove calls (10 ns per element), and one loop
    // switching on the function per vector ran 1.3–2.6× slower (measured); these stay in registers.

    /// A 16-lane window at `i` of a range ending at `end`: full loads, or padded tails.
    @inline(__always)
    static func lanes(_ i: Int, _ end: Int) -> Int { min(16, end - i) }

    @inline(__always)
    static func get(_ p: UnsafePointer<Float>, _ i: Int, _ n: Int, fill: Float = 0) -> Float16x {
        n == 16 ? load(p + i) : loadPartial(p + i, n, fill: fill)
    }

    @inline(__always)
    static func put(_ v: Float16x, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ n: Int) {
        if n == 16 { store(v, p + i) } else { storePartial(v, p + i, n) }
    }

    static func geluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            let n = lanes(i, range.upperBound), v = get(x, i, n)
            let u = v * 0.70710678118654752
            put(0.5 * v * (1 + erf(u, gaussian: exp(Float16x() - u * u))), y, i, n)
            i += 16
        }
    }

    /// gx += g · (½(1 + erf(x/√2)) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π). A scalar loop of
    /// branch-free arithmetic that LLVM's loop vectoriser widens: the SIMD16 form of this kernel
    /// (more live values than the forward) was partly scalarised and ran 2.7× slower (measured).
    static func geluBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        for i in range {
            let v = x[i], u = v * 0.70710678118654752
            let gaussian = scalarExp(-(u * u))
            let t = 1 / (1 + 0.3275911 * Swift.abs(u))
            let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
            let positive = 1 - poly * gaussian
            let erf = u < 0 ? -positive : positive
            gx[i] += g[i] * (0.5 * (1 + erf) + v * gaussian * 0.39894228040143268)
        }
    }

    /// `exp(_:)` for one lane (same reduction and polynomial), for auto-vectorised loops.
    @inline(__always)
    static func scalarExp(_ input: Float) -> Float {
        let x = Swift.min(Swift.max(input, -87.3), 88.7)
        let shifted = x * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        return p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    }

    static func siluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            let n = lanes(i, range.upperBound), v = get(x, i, n)
            put(v * sigmoid(v), y, i, n)
            i += 16
        }
    }

    /// gx += g · σ(x)(1 + x(1 − σ(x)))
    static func siluBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            let n = lanes(i, range.upperBound), v = get(x, i, n), s = sigmoid(v)
            put(get(gx, i, n) + get(g, i, n) * s * (1 + v * (1 - s)), gx, i, n)
            i += 16
        }
    }

    static func sigmoidForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            let n = lanes(i, range.upperBound)
            put(sigmoid(get(x, i, n)), y, i, n)
            i += 16
        }
    }

    static func tanhForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            let n = lanes(i, range.upperBound)
            put(tanh(get(x, i, n)), y, i, n)
            i += 16
        }
    }

    /// y[i] = e^(x[i] − shift) for i < n; returns Σ y.
    static func expShifted(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) -> Float {
        var acc = Float16x()
        var i = 0
        while i < n {
            let k = lanes(i, n)
            let e = exp(get(x, i, k, fill: -.infinity) - shift)
            acc += e
            put(e, y, i, k)
            i += 16
        }
        return acc.sum()
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

    /// Σ (p[i] − shift)², for variances.
    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int, shift: Float = 0) -> Float {
        var acc = Float16x()
        var i = 0
        while i + 16 <= n { let d = load(p + i) - shift; acc += d * d; i += 16 }
        if i < n {
            let d = loadPartial(p + i, n - i, fill: shift) - shift
            acc += d * d
        }
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
}
