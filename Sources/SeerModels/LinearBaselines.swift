// The honest baselines of MODELS.md §5: repeat-last, seasonal-naive, and linear maps of the
// look-back window — DLinear (moving-average trend + remainder, one Linear(L→H) each; Zeng et al.
// 2023) and RLinear (RevIN + Linear(L→H); Li et al. 2023). Channels are independent and share
// weights. The decomposition is a fixed linear filter of the data, so only the maps train.
import SeerBase
import SeerNN
import SeerTensor

/// Repeats the last observed value over the horizon.
public struct RepeatLast: Forecasting {
    public let lookback: Int, horizon: Int
    public init(lookback: Int = 1, horizon: Int) { self.lookback = lookback; self.horizon = horizon }

    public func forecast(_ windows: Tensor, _ context: ForwardContext) -> Tensor {
        let (b, l, c) = (windows.shape[0], windows.shape[1], windows.shape[2])
        let x = windows.array
        var out = [Float](repeating: 0, count: b * horizon * c)
        for i in 0..<b { for h in 0..<horizon { for j in 0..<c { out[(i * horizon + h) * c + j] = x[(i * l + l - 1) * c + j] } } }
        return Tensor(out, shape: [b, horizon, c])
    }
}

/// Repeats the last full season: ŷ[h] = x[L − period + (h mod period)].
public struct SeasonalNaive: Forecasting {
    public let period: Int, horizon: Int
    public var lookback: Int { period }
    public init(period: Int, horizon: Int) {
        precondition(period >= 1, "the season must be at least one step")
        self.period = period
        self.horizon = horizon
    }

    public func forecast(_ windows: Tensor, _ context: ForwardContext) -> Tensor {
        let (b, l, c) = (windows.shape[0], windows.shape[1], windows.shape[2])
        precondition(l >= period, "seasonal-naive needs \(period) steps of history, got \(l)")
        let x = windows.array
        var out = [Float](repeating: 0, count: b * horizon * c)
        for i in 0..<b {
            for h in 0..<horizon {
                for j in 0..<c { out[(i * horizon + h) * c + j] = x[(i * l + l - period + h % period) * c + j] }
            }
        }
        return Tensor(out, shape: [b, horizon, c])
    }
}

public struct LinearConfig: Equatable, Sendable {
    public enum Kind: String, Sendable { case dlinear, rlinear }
    public var kind: Kind
    public var lookback: Int
    public var horizon: Int
    public var channels = 1
    /// DLinear's moving-average kernel (odd; edges replicate the end values).
    public var movingAverage = 25
    public var loss = RegressionLoss.mse
    public var seed: UInt64 = 0

    public init(kind: Kind, lookback: Int, horizon: Int, channels: Int = 1, movingAverage: Int = 25, loss: RegressionLoss = .mse,
                seed: UInt64 = 0) {
        self.kind = kind
        self.lookback = lookback
        self.horizon = horizon
        self.channels = channels
        self.movingAverage = movingAverage
        self.loss = loss
        self.seed = seed
    }
}

/// DLinear or RLinear.
public struct LinearForecaster: Trainable, Forecasting {
    public let config: LinearConfig
    public let seasonal: Linear
    public let trend: Linear?
    public let revin: RevIN?

    public init(_ config: LinearConfig) {
        self.config = config
        var rng = SeededGenerator(seed: config.seed)
        let (l, h) = (config.lookback, config.horizon)
        switch config.kind {
        case .dlinear:
            // DLinear starts from the average of the window (weights 1/L), as its authors do.
            seasonal = Linear("seasonal", inputs: l, outputs: h, initializer: .constant(1 / Float(l)), rng: &rng)
            trend = Linear("trend", inputs: l, outputs: h, initializer: .constant(1 / Float(l)), rng: &rng)
            revin = nil
        case .rlinear:
            seasonal = Linear("linear", inputs: l, outputs: h, rng: &rng)
            trend = nil
            revin = RevIN("revin", features: 1, affine: true)
        }
    }

    public var parameters: [Parameter] { seasonal.parameters + (trend?.parameters ?? []) + (revin?.parameters ?? []) }
    public var lookback: Int { config.lookback }
    public var horizon: Int { config.horizon }

    /// windows [B, L, C] → [B, H, C].
    public func callAsFunction(_ windows: Tensor, _ context: ForwardContext) -> Tensor {
        let (b, l, c) = (windows.shape[0], windows.shape[1], windows.shape[2])
        precondition(l == config.lookback && c == config.channels, "expected windows [batch, \(config.lookback), \(config.channels)], got \(windows.shape)")
        let rows = c == 1 ? windows.detached.reshaped([b, l, 1]) : windows.detached.permuted([0, 2, 1]).reshaped([b * c, l, 1])
        let tape = context.tape, device = seasonal.weight.device
        var y: Tensor
        if let revin {
            let stats = revin.statistics(rows)
            let x = revin.normalize(rows, stats, context, on: device).reshaped([b * c, l])
            y = revin.denormalize(seasonal(x, on: tape).reshaped([b * c, config.horizon, 1]), stats, context)
        } else {
            // The decomposition is a data transform on the host; its two parts go to the weights.
            let (trendPart, remainder) = Self.decompose(rows.reshaped([b * c, l]), kernel: config.movingAverage)
            y = (seasonal(remainder.moved(to: device), on: tape) + trend!(trendPart.moved(to: device), on: tape))
                .reshaped([b * c, config.horizon, 1])
        }
        return c == 1 ? y.reshaped([b, config.horizon, 1]) : y.reshaped([b, c, config.horizon]).permuted([0, 2, 1])
    }

    public func loss(inputs: Tensor, targets: Tensor, _ context: ForwardContext) -> Tensor {
        let prediction = self(inputs, context)
        return prediction.regressionLoss(config.loss, target: targets.moved(to: prediction.device))
    }

    public func forecast(_ windows: Tensor, _ context: ForwardContext) -> Tensor { self(windows, context) }

    /// (moving average, x − moving average) of each row of x [N, L]; the ends are padded with
    /// copies of the first and last values so the average keeps the window's length.
    public static func decompose(_ x: Tensor, kernel: Int) -> (trend: Tensor, remainder: Tensor) {
        let (n, l) = (x.shape[0], x.shape[1])
        let half = (kernel - 1) / 2
        let values = x.array
        var trend = [Float](repeating: 0, count: n * l), remainder = trend
        for row in 0..<n {
            let base = row * l
            for t in 0..<l {
                var sum: Float = 0
                for k in (t - half)...(t + half) { sum += values[base + min(max(k, 0), l - 1)] }
                trend[base + t] = sum / Float(2 * half + 1)
                remainder[base + t] = values[base + t] - trend[base + t]
            }
        }
        return (Tensor(trend, shape: [n, l]), Tensor(remainder, shape: [n, l]))
    }
}
