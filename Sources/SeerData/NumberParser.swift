// Decimal text → Float32 without Foundation, for the CSV and .ts hot paths. Up to 19
// significant digits are read exactly into an integer (8 at a time where possible) and scaled
// by one multiply in Double; the error bound of that product proves the Float32 rounding
// correct except next to a rounding midpoint, where the text goes to strtod instead. So every
// result equals the correctly rounded Float32 of the decimal text.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of parsing one cell.
public enum ParsedNumber: Equatable, Sendable {
    case value(Float)
    /// An empty cell or a missing-value marker (`NA`, `NaN`, `nan`, `null`, `N/A`, …).
    case missing
    /// Not a number; the text is kept for the error message.
    case invalid
    /// A number too large for Float32 (or `inf`), which Seer refuses rather than store as ±inf.
    case outOfRange
}

/// Fast, allocation-free parsing of decimal numbers from raw bytes.
public enum NumberParser {
    // Literal tables, so the optimiser can lay them out statically (a computed table costs a
    // lazy-initialisation check on every call).
    /// 10^0 … 10^22: every one exactly representable in Double.
    @usableFromInline static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The Doubles nearest to 10^-0 … 10^-22 (the compiler rounds each literal correctly).
    @usableFromInline static let negativePowersOfTen: [Double] = [
        1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11,
        1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22,
    ]

    /// Is `bytes` (already trimmed) one of the missing-value markers?
    @inlinable
    public static func isMissingMarker(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        switch n {
        case 0: return true
        case 2: return p[0] == 0x4E && p[1] == 0x41  // NA
        case 3:
            // NaN, nan, NAN, N/A, n/a
            let a = p[0] | 0x20, b = p[1], c = p[2] | 0x20
            if a == 0x6E && c == 0x6E && (b | 0x20) == 0x61 { return true }
            return a == 0x6E && b == 0x2F && c == 0x61
        case 4:
            // null, NULL, None
            let w = (p[0] | 0x20, p[1] | 0x20, p[2] | 0x20, p[3] | 0x20)
            return (w.0 == 0x6E && w.1 == 0x75 && w.2 == 0x6C && w.3 == 0x6C)
                || (w.0 == 0x6E && w.1 == 0x6F && w.2 == 0x6E && w.3 == 0x65)
        default: return false
        }
    }

    /// Parses a decimal number (`-1.5`, `3e-4`, `.5`, `+7`) with surrounding spaces allowed.
    @inlinable
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> ParsedNumber {
        var lo = 0, hi = count
        while lo < hi && (start[lo] == 0x20 || start[lo] == 0x09) { lo += 1 }
        while hi > lo && (start[hi - 1] == 0x20 || start[hi - 1] == 0x09) { hi -= 1 }
        let p = start + lo
        let n = hi - lo
        if isMissingMarker(p, n) { return .missing }

        var i = 0
        var negative = false
        if p[0] == 0x2D { negative = true; i = 1 } else if p[0] == 0x2B { i = 1 }
        var mantissa: UInt64 = 0
        var significant = 0      // digits in mantissa, counted from the first non-zero one
        var dropped = 0          // integer digits beyond 19 (scale up)
        var fractionDigits = 0   // fraction digits consumed into mantissa or skipped as leading zeros
        let digitsStart = i
        while i < n && p[i] == 0x30 { i += 1 }  // leading zeros carry no value
        var sawDigit = i > digitsStart
        // Integer part.
        while i < n, p[i] &- 0x30 < 10 {
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                significant += 1
            } else {
                dropped += 1
            }
            i += 1
        }
        // Fraction part: leading zeros only scale; then 8 digits at a time where they fit.
        if i < n && p[i] == 0x2E {
            i += 1
            if significant == 0 {
                while i < n && p[i] == 0x30 { i += 1; fractionDigits += 1; sawDigit = true }
            }
            while significant + 8 <= 19 && i + 8 <= n, let eight = NumberParser.eightDigits(p + i) {
                mantissa = mantissa &* 100_000_000 &+ eight
                significant += 8
                fractionDigits += 8
                sawDigit = true
                i += 8
            }
            while i < n, p[i] &- 0x30 < 10 {
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                    significant += 1
                    fractionDigits += 1
                }
                i += 1
            }
        }
        guard sawDigit else { return specialValue(p, n) }
        var exponent = 0
        if i < n && (p[i] | 0x20) == 0x65 {
            i += 1
            var expNegative = false
            if i < n && (p[i] == 0x2D || p[i] == 0x2B) { expNegative = p[i] == 0x2D; i += 1 }
            guard i < n else { return .invalid }
            var e = 0
            while i < n, p[i] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            exponent = expNegative ? -e : e
        }
        guard i == n else { return .invalid }
        let scale = exponent + dropped - fractionDigits
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if scale >= -22 && scale <= 22, let near = nearlyExact(mantissa, scale) {
            value = near
        } else {
            value = slowPath(p, n)
            negative = false  // strtod saw the sign itself
        }
        if negative { value = -value }
        let f = Float(value)
        return f.isFinite ? .value(f) : .outOfRange
    }

    /// Up to 19 significant digits times 10^scale (|scale| ≤ 22) in Double: the conversion of the
    /// mantissa, the power of ten (exact for 10^0…10^22, nearest Double for 10^-1…10^-22) and the
    /// product each round once, so the result lies within 2^-51 (relative) of the true value.
    /// That decides the Float32 rounding unless the 29 Double mantissa bits Float drops lie within
    /// a few units of exactly half (a rounding midpoint); then nil sends the text to strtod.
    /// (A multiply instead of a divide: the divide's latency was the parser's largest cost.)
    @inline(__always) @usableFromInline
    static func nearlyExact(_ mantissa: UInt64, _ scale: Int) -> Double? {
        let d = Double(mantissa) * (scale < 0 ? negativePowersOfTen[-scale] : powersOfTen[scale])
        guard d >= 0x1p-126 && d < 0x1p127 else { return nil }  // Float subnormals and overflow: be exact
        let dropped = Int64(d.bitPattern & 0x1FFF_FFFF)
        return abs(dropped - 0x1000_0000) <= 64 ? nil : d
    }

    /// The value of 8 ASCII digits at `p` (first digit most significant), or nil if any byte is
    /// not a digit. Works on all 8 bytes at once: a SWAR digit test, then three multiply-and-mask
    /// steps that pair digits into 2-, 4- and 8-digit numbers.
    @inline(__always) @usableFromInline
    static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        let high = word & 0xF0F0_F0F0_F0F0_F0F0
        let carry = (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0
        guard high == 0x3030_3030_3030_3030 && carry == 0x3030_3030_3030_3030 else { return nil }
        var x = word &- 0x3030_3030_3030_3030
        x = (x &* 10 &+ (x >> 8)) & 0x00FF_00FF_00FF_00FF
        x = (x &* 100 &+ (x >> 16)) & 0x0000_FFFF_0000_FFFF
        x = (x &* 10_000 &+ (x >> 32)) & 0x0000_0000_FFFF_FFFF
        return x
    }

    /// `inf`/`infinity` are refused as out of range; everything else is not a number.
    @usableFromInline
    static func specialValue(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParsedNumber {
        var i = 0
        if n > 0 && (p[0] == 0x2D || p[0] == 0x2B) { i = 1 }
        let rest = n - i
        if rest == 3 || rest == 8 {
            var word = ""
            for k in i..<n { word.append(Character(Unicode.Scalar(p[k] | 0x20))) }
            if word == "inf" || word == "infinity" { return .outOfRange }
        }
        return .invalid
    }

    /// strtod on a NUL-terminated copy, for inputs outside the exact fast path.
    @usableFromInline
    static func slowPath(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
            for k in 0..<n { buffer[k] = CChar(bitPattern: p[k]) }
            buffer[n] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ text: String) -> ParsedNumber {
        var copy = text
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return .missing }
            return parse(base, count: buffer.count)
        }
    }
}
