// What a forward pass needs besides its input: the tape to record on (nil = inference, nothing
// kept), whether dropout is active, and a stream of dropout seeds so every dropout site of a
// step draws its own mask while the whole run stays reproducible from one seed.
import SeerNN
import SeerTensor

/// One forward pass's mode.
public final class ForwardContext {
    /// Where ops record themselves; nil in inference.
    public let tape: Tape?
    /// True while training: dropout is active.
    public let training: Bool
    private var seedState: UInt64

    public init(tape: Tape?, training: Bool, seed: UInt64 = 0) {
        self.tape = tape
        self.training = training
        seedState = seed
    }

    /// Inference: no tape, no dropout.
    public static func inference() -> ForwardContext { ForwardContext(tape: nil, training: false) }

    /// A fresh seed for the next dropout site.
    public func dropoutSeed() -> UInt64 {
        seedState &+= 0x9E37_79B9_7F4A_7C15
        return seedState
    }

    /// Whether dropout with probability `p` acts in this pass (training and p > 0).
    public func dropsOut(_ p: Float) -> Bool { training && p > 0 }

    /// Dropout with probability `p` when training and p > 0; the identity otherwise.
    public func dropout(_ x: Tensor, _ p: Float) -> Tensor {
        dropsOut(p) ? x.dropout(probability: p, seed: dropoutSeed()) : x
    }
}

extension Linear {
    /// residual + dropout(layer(blocks)), the one residual-sum every block of the zoo ends its
    /// sub-layers with. When no dropout acts in this pass the residual is the product's starting
    /// value (`Tensor.linear(…, adding:)`: no separate sum); otherwise it is added after the
    /// dropout, as the definition says.
    public func callAsFunction(_ blocks: [Tensor.ColumnBlock], residual: Tensor.ColumnBlock, dropout p: Float,
                               _ context: ForwardContext) -> Tensor {
        guard context.dropsOut(p) else { return self(blocks, adding: residual, on: context.tape) }
        return residual.values + context.dropout(self(blocks, on: context.tape), p)
    }
}

/// A sequence net: [N, T, d] tokens → [N, T, d] features. Causal nets' output at token t depends
/// only on tokens ≤ t.
public protocol SequenceBackbone: ParameterContainer {
    var width: Int { get }
    /// True when output t depends only on inputs ≤ t.
    var isCausal: Bool { get }
    func callAsFunction(_ x: Tensor, _ context: ForwardContext) -> Tensor
}

extension SequenceBackbone {
    /// The body of every stacked backbone: each block in order, then the final LayerNorm.
    func stack<Block>(_ blocks: [Block], _ x: Tensor, finalNorm: LayerNorm, _ context: ForwardContext,
                      _ apply: (Block, Tensor, ForwardContext) -> Tensor) -> Tensor {
        var h = x
        for block in blocks { h = apply(block, h, context) }
        return finalNorm(h, on: context.tape)
    }
}

/// The parameters of several containers, in order.
func collectParameters(_ containers: [any ParameterContainer]) -> [Parameter] { containers.flatMap(\.parameters) }
