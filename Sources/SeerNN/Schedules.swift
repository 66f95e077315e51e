// Learning-rate schedules: a constant rate, linear warmup followed by cosine decay, or a rate
// halved every epoch (DLinear's authors' "type1").
#if canImport(Glibc)
import Glibc
#endif

/// The learning rate as a function of the step (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    case constant(Float)
    /// Linear warmup from 0 to `peak` over `warmup` steps, then cosine decay to `floor` at `total`.
    case warmupCosine(peak: Float, warmup: Int, total: Int, floor: Float)
    /// `initial` for the first epoch of `stepsPerEpoch` steps, halved at the start of each next one.
    case halvingPerEpoch(initial: Float, stepsPerEpoch: Int)

    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case .warmupCosine(let peak, let warmup, let total, let floor):
            if step < warmup { return peak * Float(step + 1) / Float(warmup) }
            if step >= total { return floor }
            let progress = Float(step - warmup) / Float(max(1, total - warmup))
            return floor + (peak - floor) * 0.5 * (1 + cosf(Float.pi * progress))
        case .halvingPerEpoch(let initial, let stepsPerEpoch):
            return initial * powf(0.5, Float(step / max(1, stepsPerEpoch)))
        }
    }
}
