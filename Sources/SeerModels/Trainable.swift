// What the Trainer and the evaluators ask of a model: a loss on a batch, and for forecasters a
// forecast of [B, H, C] from look-back windows [B, L, C].
import SeerNN
import SeerTensor

/// A model the Trainer can fit: a scalar loss of (inputs, targets).
public protocol Trainable: ParameterContainer {
    func loss(inputs: Tensor, targets: Tensor, _ context: ForwardContext) -> Tensor
}

/// A model that maps look-back windows [B, L, C] to forecasts [B, H, C].
public protocol Forecasting {
    var lookback: Int { get }
    var horizon: Int { get }
    func forecast(_ windows: Tensor, _ context: ForwardContext) -> Tensor
}
