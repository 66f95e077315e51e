// Widening of the 16-bit float formats found in safetensors files (IEEE half and bfloat16) to
// Float. Written out bit by bit instead of using Swift's Float16, which is missing on Intel Macs;
// both conversions are exact, since every half and bfloat16 value is a Float value.

/// Converts 16-bit float bit patterns to Float.
enum HalfPrecision {
    /// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
    static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits) & 0x3FF
        switch exponent {
        case 0:
            // Zero or subnormal: fraction × 2⁻²⁴. Float holds that exactly (its normal range
            // reaches 2⁻¹²⁶), so a multiplication by a power of two loses nothing.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity (fraction 0) or NaN; the fraction moves to the top of Float's fraction so
            // the quiet bit stays the quiet bit and the payload survives.
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            // Normal: re-bias the exponent from 15 to 127 and widen the fraction from 10 to 23 bits.
            return Float(bitPattern: sign | (exponent + 127 - 15) << 23 | fraction << 13)
        }
    }

    /// bfloat16 is the top half of a Float (same sign and exponent, 7 fraction bits), so zeros,
    /// subnormals, infinities and NaNs all widen by a shift.
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
