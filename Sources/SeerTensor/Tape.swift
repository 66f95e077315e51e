// Reverse-mode automatic differentiation over coarse ops. Ops on tracked tensors append a
// record — the output id and a closure that adds the inputs' gradients given the output's —
// and `backward` replays the records in reverse. Records capture storages and ids, never
// Tensors, so a tape holds activations but no reference back to itself. Without a tape (the
// inference mode) nothing is recorded and no activation is kept.

/// Gradients during one backward pass, by tensor id.
public final class GradientStore {
    /// The backend of the pass's device: fresh gradient buffers come from it.
    fileprivate var backend: any Backend = cpuBackend
    private var gradients: [Int: TensorStorage] = [:]
    /// Buffers that outlive the pass (parameters' gradient buffers), by id.
    fileprivate var sinks: [Int: TensorStorage] = [:]

    /// The gradient flowing into tensor `id`, if any reached it.
    public func gradient(_ id: Int) -> TensorStorage? { gradients[id] ?? sinks[id] }

    /// The buffer to add tensor `id`'s gradient into (zeroed on first use; a parameter's own
    /// gradient buffer for watched parameters, so gradients accumulate across passes).
    public func accumulator(_ id: Int, count: Int) -> TensorStorage {
        if let sink = sinks[id] { return sink }
        if let existing = gradients[id] { return existing }
        let fresh = backend.zeros(count)
        gradients[id] = fresh
        return fresh
    }

    /// The gradient of the record now running, which it may hand on to one input instead of
    /// copying it (nil when the output's gradient must be kept).
    fileprivate var donor: TensorStorage?

    /// Adds `g` (or −g) into tensor `id`'s gradient. The first gradient of a tensor that is not
    /// a parameter takes over `g` itself when `g` is the running record's output gradient — no
    /// zero fill, no copy (the identity gradients of add, sub, reshape) — else starts as a copy.
    public func add(_ g: TensorStorage, into id: Int?, negated: Bool = false) {
        guard let id else { return }
        if let existing = sinks[id] ?? gradients[id] {
            loadedBackend(g.device).accumulate(g, into: existing, negated: negated)
            return
        }
        if !negated, let donor, donor === g {
            self.donor = nil
            gradients[id] = g
            return
        }
        let kernels = loadedBackend(g.device)
        let fresh: TensorStorage
        if negated {
            fresh = kernels.zeros(g.count)
            kernels.accumulate(g, into: fresh, negated: true)
        } else {
            fresh = kernels.allocate(g.count)
            kernels.copy(g, into: fresh)
        }
        gradients[id] = fresh
    }

    fileprivate func release(_ id: Int) { gradients[id] = nil }
    fileprivate func take(_ id: Int) -> TensorStorage? { gradients[id] ?? sinks[id] }
}

/// A recording of differentiable ops, replayed backwards by `backward(_:)`.
public final class Tape {
    /// Adds the inputs' gradients, given the store and the output's gradient.
    public typealias Backward = (GradientStore, TensorStorage) -> Void

    private struct Record {
        let output: Int
        let op: StaticString
        let backward: Backward
    }

    /// When set, `backward` adds the seconds spent in each op's backward here, by op name
    /// (a profile of where a training step's backward time goes).
    public var backwardProfile: [String: Double]?
    /// When set, `record` adds the seconds since the previous record (or since this was set) to
    /// the op being recorded: each tracked op's forward time, by op name, as long as the forward
    /// pass does no untracked work of note between ops.
    public var forwardProfile: [String: Double]? {
        didSet { lastRecord = ContinuousClock.now }
    }
    private var lastRecord = ContinuousClock.now

    private var records: [Record] = []
    private var nextId = 0
    private var store = GradientStore()
    /// Gradients of leaves the caller asked to keep (`watch`), by id, after `backward`.
    private var kept: [Int: TensorStorage] = [:]
    private var keepIds: Set<Int> = []

    public init() {}

    /// Number of ops recorded so far.
    public var recordCount: Int { records.count }

    /// Starts tracking `tensor`: its gradient is kept after `backward` (see `gradient(of:)`).
    public func watch(_ tensor: Tensor) -> Tensor {
        let id = newId()
        keepIds.insert(id)
        return Tensor(shape: tensor.shape, storage: tensor.storage, tape: self, id: id)
    }

    /// Tracks a parameter's value: its gradient is added into `gradient` (the parameter's own
    /// buffer) by every backward pass, until the optimiser zeroes it.
    public func watch(_ value: Tensor, accumulatingInto gradient: TensorStorage) -> Tensor {
        precondition(gradient.count == value.count, "gradient buffer size differs from the value's")
        let id = newId()
        store.sinks[id] = gradient
        return Tensor(shape: value.shape, storage: value.storage, tape: self, id: id)
    }

    func newId() -> Int {
        defer { nextId += 1 }
        return nextId
    }

    /// Records an op whose output is `output` (a new, untracked result) and returns it tracked.
    public func record(_ output: Tensor, op: StaticString = "custom", backward: @escaping Backward) -> Tensor {
        let id = newId()
        if forwardProfile != nil {
            let now = ContinuousClock.now
            forwardProfile![String(describing: op), default: 0] += (now - lastRecord).seconds
            lastRecord = now
        }
        records.append(Record(output: id, op: op, backward: backward))
        return Tensor(shape: output.shape, storage: output.storage, tape: self, id: id)
    }

    /// The tape shared by the tracked tensors among `inputs`, or nil when none is tracked.
    public static func common(_ inputs: Tensor...) -> Tape? {
        var found: Tape?
        for input in inputs {
            guard let tape = input.tape else { continue }
            if let found { precondition(found === tape, "tensors from two different tapes meet in one op") }
            found = tape
        }
        return found
    }

    /// Back-propagates from `loss` (seeded with ones, i.e. d loss / d loss = 1 per element),
    /// then releases the recorded activations. Call once per tape.
    public func backward(_ loss: Tensor) {
        precondition(loss.tape === self, "backward needs a tensor recorded on this tape")
        store.backend = loss.kernels
        let seed = store.accumulator(loss.id, count: loss.count)
        store.backend.fill(seed, with: 1)
        replay()
    }

    /// Back-propagates a given gradient of `output` (same element count) — for ops that run a
    /// sub-graph on a tape of their own, such as recomputation in the backward pass.
    public func backward(_ output: Tensor, gradient: TensorStorage) {
        precondition(output.tape === self, "backward needs a tensor recorded on this tape")
        precondition(gradient.count == output.count, "gradient has \(gradient.count) elements, the output \(output.count)")
        store.backend = output.kernels
        store.add(gradient, into: output.id)
        replay()
    }

    /// The gradient buffer of a watched tensor after `backward` (no copy), or nil.
    public func gradientStorage(of tensor: Tensor) -> TensorStorage? { kept[tensor.id] }

    private func replay() {
        for record in records.reversed() {
            guard let gradient = store.take(record.output) else { continue }
            store.donor = keepIds.contains(record.output) ? nil : gradient
            if backwardProfile != nil {
                let start = ContinuousClock.now
                record.backward(store, gradient)
                backwardProfile![String(describing: record.op), default: 0] += (ContinuousClock.now - start).seconds
            } else {
                record.backward(store, gradient)
            }
            store.donor = nil
            if !keepIds.contains(record.output) { store.release(record.output) }
        }
        for id in keepIds { if let g = store.gradient(id) { kept[id] = g } }
        records.removeAll()
        store = GradientStore()
    }

    /// The gradient of a watched tensor after `backward`, or nil when none reached it.
    public func gradient(of tensor: Tensor) -> [Float]? {
        kept[tensor.id]?.array
    }
}

extension Duration {
    /// The duration in seconds as a Double (profiles, benchmarks, progress).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
