// Learning-rate schedules: a constant rate, or linear warmup followed by cosine decay.
#if canImport(Glibc)
import Glibc
#endif

/// The learning rate as a function of the step (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    case constant(Float)
    /// Linear warmup from 0 to `peak` over `warmup` steps, then cosine decay to `floor` at `total`.
    case warmupCosine(peak: Float, warmup: Int, total: Int, floor: Float)

    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case .warmupCosine(let peak, let warmup, let total, let floor):
            if step < warmup { return peak * Float(step + 1) / Float(warmup) }
            if step >= total { return floor }
            let progress = Float(step - warmup) / Float(max(1, total - warmup))
            return floor + (peak - floor) * 0.5 * (1 + cosf(Float.pi * progress))
        }
    }
}
