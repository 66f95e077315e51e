// Batches for the Trainer: a sample count and a way to stack chosen samples into (inputs,
// targets) tensors. `SampleSet` keeps samples in two flat arrays; readers of long series can
// conform lazily instead of materialising every window.
import SeerTensor

/// Something the Trainer can draw mini-batches from.
public protocol BatchSource {
    var count: Int { get }
    /// Samples `indices` stacked along a new leading axis.
    func batch(_ indices: [Int]) -> (inputs: Tensor, targets: Tensor)
}

/// Samples of fixed shapes stored back to back.
public struct SampleSet: BatchSource {
    public let inputShape: Shape
    public let targetShape: Shape
    public let inputs: [Float]
    public let targets: [Float]

    public init(inputs: [Float], inputShape: Shape, targets: [Float], targetShape: Shape) {
        precondition(inputShape.count > 0 && inputs.count % inputShape.count == 0, "inputs are not whole samples of \(inputShape)")
        precondition(inputs.count / inputShape.count == targets.count / max(1, targetShape.count), "inputs and targets differ in sample count")
        self.inputShape = inputShape
        self.targetShape = targetShape
        self.inputs = inputs
        self.targets = targets
    }

    public var count: Int { inputs.count / inputShape.count }

    public func batch(_ indices: [Int]) -> (inputs: Tensor, targets: Tensor) {
        let ni = inputShape.count, nt = targetShape.count
        var x = [Float](), y = [Float]()
        x.reserveCapacity(indices.count * ni)
        y.reserveCapacity(indices.count * nt)
        for i in indices {
            x += inputs[(i * ni)..<((i + 1) * ni)]
            y += targets[(i * nt)..<((i + 1) * nt)]
        }
        return (Tensor(x, shape: Shape([indices.count] + inputShape.dims)), Tensor(y, shape: Shape([indices.count] + targetShape.dims)))
    }

    /// At most `limit` samples, evenly spaced over the set (all of them when there are no more).
    public func evenlySpaced(_ limit: Int) -> SampleSet {
        guard count > limit, limit > 0 else { return self }
        let (x, y) = batch((0..<limit).map { $0 * count / limit })
        return SampleSet(inputs: x.array, inputShape: inputShape, targets: y.array, targetShape: targetShape)
    }
}
