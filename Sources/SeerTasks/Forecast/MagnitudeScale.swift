// Histories whose magnitudes Float32 arithmetic cannot carry through a model: values near 1e25
// square to infinity in a net's instance normalisation and in the loss (Float32 overflows past
// ~1.8e19 squared), and values near 1e-25 square to zero, so every window looks constant. Such
// histories are multiplied by a power of two that brings their largest magnitude into [1, 2)
// before any model sees them, and the forecasts divided by it after. A power of two changes no
// digit of any value, and histories within [2^-20, 2^60] — all ordinary data — are left alone,
// so their results are exactly what they were.
import Foundation

/// The power of two a forecaster applies to histories of extreme magnitude, as an exponent: the
/// factor itself can lie beyond Float32 (subnormal histories need more than 2^127), so values are
/// rescaled one by one through their exponent, which is exact and never overflows on the way.
enum MagnitudeScale {
    /// Largest magnitudes outside this range are rescaled.
    static let smallest: Float = 0x1p-20, largest: Float = 0x1p60

    /// 0 for ordinary histories; otherwise k such that 2^k brings their largest finite magnitude
    /// into [1, 2).
    static func exponent(_ histories: [[Float]]) -> Int {
        var top: Float = 0
        for history in histories { for x in history where x.isFinite { top = max(top, abs(x)) } }
        guard top > 0, top < smallest || top > largest else { return 0 }
        return -Int(top.exponent)
    }

    /// `x` · 2^k, exactly (0, NaN and ±Inf unchanged).
    static func scale(_ x: Float, by k: Int) -> Float {
        guard k != 0, x.isFinite, x != 0 else { return x }
        return Float(sign: x.sign, exponent: x.exponent + k, significand: x.significand)
    }

    static func scaled(_ histories: [[Float]], by k: Int) -> [[Float]] {
        k == 0 ? histories : histories.map { $0.map { scale($0, by: k) } }
    }
}
