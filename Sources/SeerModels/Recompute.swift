// Recomputation (gradient checkpointing): run a piece of a net without keeping its activations
// and run it again, on a tape of its own, when the backward pass reaches it. The outer tape keeps
// only the piece's inputs, so activation memory falls to one piece's worth at the cost of a
// second forward. Dropout draws the same masks both times (the seed is fixed up front).
import SeerNN
import SeerTensor

extension ForwardContext {
    /// `body(inputs)` with its activations recomputed in the backward pass instead of kept.
    /// Parameters used inside `body` must be taken from the context it is given.
    public func recomputing(_ inputs: [Tensor], _ body: @escaping (ForwardContext, [Tensor]) -> Tensor) -> Tensor {
        // The piece draws its dropout masks from a seed of its own, with or without a tape, so
        // a run with gradients and one without see the same masks.
        let seed = dropoutSeed(), training = self.training
        guard let tape else { return body(ForwardContext(tape: nil, training: training, seed: seed), inputs) }
        let detached = inputs.map(\.detached)
        let output = body(ForwardContext(tape: nil, training: training, seed: seed), detached)
        let tracked = inputs.map(\.isTracked), ids = inputs.map(\.id)
        return tape.record(output) { store, gradient in
            let inner = Tape()
            let watched = zip(detached, tracked).map { tensor, isTracked in isTracked ? inner.watch(tensor) : tensor }
            let again = body(ForwardContext(tape: inner, training: training, seed: seed), watched)
            inner.backward(again, gradient: gradient)
            for (i, tensor) in watched.enumerated() where tracked[i] {
                if let g = inner.gradientStorage(of: tensor) { store.add(g, into: ids[i]) }
            }
        }
    }
}
