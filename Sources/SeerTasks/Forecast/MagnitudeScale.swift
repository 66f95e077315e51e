// Histories whose magnitudes Float32 arithmetic cannot carry through a model: values near 1e25
// square to infinity in a net's instance normalisation and in the loss (Float32 overflows past
// ~1.8e19 squared), and values near 1e-25 square to zero, so every window looks constant. Such
// histories are multiplied by a power of two that brings their largest magnitude into [1, 2)
// before any model sees them, and the forecasts divided by it after. A power of two changes no
// digit of any value, and histories within [2^-20, 2^60] — all ordinary data — are left alone,
// so their results are exactly what they were.
import Foundation

/// The power-of-two factor a forecaster applies to histories of extreme magnitude.
enum MagnitudeScale {
    /// Largest magnitudes outside this range are rescaled.
    static let smallest: Float = 0x1p-20, largest: Float = 0x1p60

    /// 1 for ordinary histories; otherwise the power of two bringing their largest finite
    /// magnitude into [1, 2).
    static func factor(_ histories: [[Float]]) -> Float {
        var top: Float = 0
        for history in histories { for x in history where x.isFinite { top = max(top, abs(x)) } }
        guard top > 0, top < smallest || top > largest else { return 1 }
        return Float(sign: .plus, exponent: -top.exponent, significand: 1)
    }

    static func scaled(_ histories: [[Float]], by factor: Float) -> [[Float]] {
        factor == 1 ? histories : histories.map { $0.map { $0 * factor } }
    }
}
