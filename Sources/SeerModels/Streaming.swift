// The streaming protocol of the zoo: a causal net run token by token, each step using only the
// tokens seen so far, in memory that does not grow with the sequence (NT keeps one open node per
// level of its frame; DiJiang one d_h × d_h state per head). Streaming anomaly scoring and
// online forecasting ask a backbone for a stream through `StreamableBackbone`, so they need not
// know which net they hold.
import SeerTensor

/// Token-by-token inference of a causal sequence net.
public protocol SequenceStream: AnyObject {
    /// Sequences advanced together.
    var batch: Int { get }
    /// Width d of the embeddings in and the outputs out.
    var width: Int { get }
    /// Tokens accepted so far.
    var count: Int { get }
    /// The net's outputs [batch, d] for the next token of each sequence, given its embeddings [batch, d].
    func next(_ embeddings: Tensor) -> Tensor
}

/// A backbone that can run as a stream.
public protocol StreamableBackbone: SequenceBackbone {
    /// A fresh stream over `batch` sequences of at most `tokens` tokens (nil when this net cannot
    /// stream that many sequences at once).
    func stream(batch: Int, tokens: Int) -> (any SequenceStream)?
}

extension NTStream: SequenceStream {
    public var batch: Int { 1 }
    public var width: Int { net.width }
    public func next(_ embeddings: Tensor) -> Tensor { step(embeddings.reshaped([net.width])).reshaped([1, net.width]) }
}

extension DiJiangStream: SequenceStream {
    public var width: Int { net.width }
    public func next(_ embeddings: Tensor) -> Tensor { step(embeddings) }
}

extension NTNet: StreamableBackbone {
    /// NT streams one sequence over a frame of `tokens` (its pyramid's shape depends on the frame).
    public func stream(batch: Int, tokens: Int) -> (any SequenceStream)? {
        batch == 1 ? NTStream(net: self, tokens: tokens) : nil
    }
}

extension DiJiangNet: StreamableBackbone {
    /// DiJiang streams any number of sequences of any length: its state is fixed-size.
    public func stream(batch: Int, tokens: Int) -> (any SequenceStream)? { DiJiangStream(net: self, batch: batch) }
}
