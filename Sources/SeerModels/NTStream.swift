// Streaming inference for the NT pyramid (MODELS.md §2): one token in, one output out, keeping
// per level the open left node of the up pass and the current down-pass summary. A token costs
// O(1) merges amortised (a node closes at level l every 2^l tokens) plus one down step per level
// whose node changed — O(log T) at worst — and the top mixer runs once per closed top node.
// The stream replays the net's front padding first, so its outputs equal the full forward's on
// the same frame of T tokens.
import SeerNN
import SeerTensor

/// Streaming state of one NT block.
final class NTBlockStream {
    let block: NTBlock
    let levels: Int
    /// The last closed even-index node of each level, waiting for its right sibling.
    var left: [Tensor?]
    var topNodes: [Tensor] = []
    var topOutputs: [Tensor] = []
    /// The down-pass summary c^l of the node that holds the current token, and that node's index.
    var summaryIndex: [Int]
    var summary: [Tensor?]

    init(block: NTBlock, levels: Int) {
        self.block = block
        self.levels = levels
        left = Array(repeating: nil, count: levels)
        summaryIndex = Array(repeating: -1, count: levels + 1)
        summary = Array(repeating: nil, count: levels + 1)
    }

    /// Output for token `i` (frame position) with input x [1, d].
    func step(_ x: Tensor, at i: Int) -> Tensor {
        let context = ForwardContext.inference()
        // Down pass along the path to token i.
        let topIndex = i >> levels
        if summaryIndex[levels] != topIndex {
            summary[levels] = topIndex == 0 ? block.start.tensor.reshaped([1, block.width]) : topOutputs[topIndex - 1]
            summaryIndex[levels] = topIndex
        }
        for l in stride(from: levels - 1, through: 0, by: -1) {
            let j = i >> l
            guard summaryIndex[l] != j else { continue }
            let parent = summary[l + 1]!
            if j & 1 == 0 {
                summary[l] = parent
            } else {
                let mixed = block.splits[l](Tensor.concatenate([parent, left[l]!], axis: 1), on: nil)
                summary[l] = block.splitNorms[l](parent + mixed, on: nil)
            }
            summaryIndex[l] = j
        }
        let ffn = block.contract(block.expand(Tensor.concatenate([summary[0]!, x], axis: 1), on: nil).gelu(), on: nil)
        let y = block.outputNorm(x + ffn, on: nil)
        // Up pass: close every node that token i completes.
        var node = x, index = i
        for l in 0..<levels {
            if index & 1 == 0 {
                left[l] = node
                return y
            }
            node = block.mergeNorms[l](node + block.merges[l](Tensor.concatenate([left[l]!, node], axis: 1), on: nil), on: nil)
            index >>= 1
        }
        topNodes.append(node.reshaped([1, 1, block.width]))
        let count = topNodes.count
        let nodes = Tensor.concatenate(topNodes, axis: 1) + block.topPositions.tensor.slice(axis: 0, 0..<count)
        topOutputs.append(block.topMix(nodes, context).slice(axis: 1, (count - 1)..<count).reshaped([1, block.width]))
        return y
    }
}

/// Token-by-token inference of an `NTNet` over a frame of `tokens` tokens.
public final class NTStream {
    public let net: NTNet
    /// Tokens the frame holds (T); the stream accepts that many.
    public let tokens: Int
    let padding: Int
    var position = 0
    let blocks: [NTBlockStream]

    public init(net: NTNet, tokens: Int) {
        let frame = NTConfig.frame(tokens: tokens)
        let levels = net.blocks.first?.levels ?? frame.levels
        precondition(frame.levels <= levels, "a frame of \(tokens) tokens needs \(frame.levels) levels; the net has \(levels) (raise maxTokens)")
        self.net = net
        self.tokens = tokens
        padding = frame.padded - tokens
        blocks = net.blocks.map { NTBlockStream(block: $0, levels: frame.levels) }
        let pad = net.pad.tensor.reshaped([1, net.width])
        for _ in 0..<padding { _ = advance(pad) }
    }

    /// Tokens accepted so far (padding excluded).
    public var count: Int { position - padding }

    /// The net's output [d] for the next token, given its embedding [d].
    public func step(_ token: Tensor) -> Tensor {
        precondition(count < tokens, "the stream's frame of \(tokens) tokens is full")
        return advance(token.reshaped([1, net.width])).reshaped([net.width])
    }

    private func advance(_ x: Tensor) -> Tensor {
        var h = x
        for block in blocks { h = block.step(h, at: position) }
        position += 1
        return h
    }
}
