// The tensor users and layers handle: a shape, a storage, and — when it takes part in a
// recorded computation — the tape and its id there. Ops return new tensors and never write
// into their inputs, so a Tensor behaves as a value.

/// An n-dimensional Float32 array on a device, optionally tracked for gradients.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
    public let shape: Shape
    public let storage: TensorStorage
    /// The tape that records ops on this tensor (nil: not tracked, e.g. inference or data).
    public let tape: Tape?
    /// This tensor's id on `tape` (-1 when untracked).
    public let id: Int

    /// Wraps `storage` (its count must equal the shape's) as an untracked tensor.
    public init(shape: Shape, storage: TensorStorage) {
        precondition(storage.count == shape.count, "storage of \(storage.count) floats cannot hold shape \(shape)")
        self.shape = shape
        self.storage = storage
        tape = nil
        id = -1
    }

    init(shape: Shape, storage: TensorStorage, tape: Tape?, id: Int) {
        self.shape = shape
        self.storage = storage
        self.tape = tape
        self.id = id
    }

    /// A tensor holding a copy of `values` with `shape` (counts must match).
    public init(_ values: [Float], shape: Shape) {
        precondition(values.count == shape.count, "\(values.count) values cannot fill shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(values))
    }

    /// A rank-1 tensor of `values`.
    public init(_ values: [Float]) { self.init(values, shape: [values.count]) }

    public static func zeros(_ shape: Shape) -> Tensor { Tensor(shape: shape, storage: TensorStorage(zeros: shape.count)) }

    public static func filled(_ shape: Shape, with value: Float) -> Tensor {
        let storage = TensorStorage(count: shape.count)
        storage.pointer.initialize(repeating: value, count: shape.count)
        return Tensor(shape: shape, storage: storage)
    }

    public var count: Int { shape.count }
    public var rank: Int { shape.rank }
    public var device: Device { storage.device }
    public var isTracked: Bool { tape != nil }

    /// A copy of the values, row-major.
    public var array: [Float] { storage.array }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, not \(shape)")
        return storage.firstElement
    }

    /// The same values, no longer tracked (gradients will not flow through it).
    public var detached: Tensor { Tensor(shape: shape, storage: storage) }

    public var description: String {
        let values = array.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)(\(values)\(count > 8 ? ", …" : ""))"
    }
}
