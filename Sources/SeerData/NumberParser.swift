// Decimal text → Float32 without Foundation, for the CSV and .ts hot paths. Up to 19
// significant digits are read exactly into an integer; when it is at most 2^53 and the power of
// ten lies within ±22 the Double result is correctly rounded (Clinger's fast path), which then
// rounds to Float. Anything else (very long mantissas, huge exponents) goes to strtod, so results are
// always correctly rounded to Double before the final rounding to Float.
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
    /// Exact powers of ten representable in Double.
    @usableFromInline static let powersOfTen: [Double] = (0...22).map { e in
        var x = 1.0
        for _ in 0..<e { x *= 10 }
        return x
    }

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
        var significant = 0      // digits kept in mantissa
        var dropped = 0          // integer digits beyond 19 (scale up)
        var fractionDigits = 0   // fraction digits kept (scale down)
        var sawDigit = false
        while i < n, p[i] &- 0x30 < 10 {
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                if mantissa != 0 { significant += 1 }
            } else {
                dropped += 1
            }
            i += 1
        }
        if i < n && p[i] == 0x2E {
            i += 1
            while i < n, p[i] &- 0x30 < 10 {
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                    if mantissa != 0 { significant += 1 }
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
        } else if mantissa <= (1 << 53) && scale >= -22 && scale <= 22 {
            value = Double(mantissa)
            value = scale < 0 ? value / powersOfTen[-scale] : value * powersOfTen[scale]
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

    /// 16–19 significant digits: Double(mantissa) and the scaling each round once, so the result
    /// is within 2^-52 (relative) of the true value. That decides the Float32 rounding unless the
    /// 29 Double mantissa bits that Float drops lie within a few units of exactly half (a
    /// rounding midpoint); then nil sends the text to strtod.
    @inline(__always) @usableFromInline
    static func nearlyExact(_ mantissa: UInt64, _ scale: Int) -> Double? {
        var d = Double(mantissa)
        d = scale < 0 ? d / powersOfTen[-scale] : d * powersOfTen[scale]
        guard d >= 0x1p-126 && d < 0x1p127 else { return nil }  // Float subnormals and overflow: be exact
        let dropped = Int64(d.bitPattern & 0x1FFF_FFFF)
        return abs(dropped - 0x1000_0000) <= 16 ? nil : d
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
