// A trainable parameter: one identity shared by the layer that uses it and the optimiser that
// updates it. Its value and gradient are storages that a ParameterGroup may re-home into flat
// buffers (so an optimiser step is one loop); the Parameter object itself never changes.
import SeerTensor

/// A named trainable tensor with its gradient buffer.
public final class Parameter {
    public let name: String
    public let shape: Shape
    /// Whether decoupled weight decay applies (false for norms' gains and biases).
    public let decays: Bool
    public internal(set) var value: TensorStorage
    public internal(set) var gradient: TensorStorage

    public init(name: String, shape: Shape, decays: Bool, values: [Float]) {
        precondition(values.count == shape.count, "parameter \(name): \(values.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.decays = decays
        value = TensorStorage(values)
        gradient = TensorStorage(zeros: shape.count)
    }

    public var count: Int { shape.count }

    /// Where the value lives (the host until a ParameterGroup moves it).
    public var device: Device { value.device }

    /// The value as an untracked tensor (inference).
    public var tensor: Tensor { Tensor(shape: shape, storage: value) }

    /// The value tracked on `tape`, its gradient added into `gradient`; untracked when `tape` is nil.
    public func tensor(on tape: Tape?) -> Tensor {
        guard let tape else { return tensor }
        return tape.watch(tensor, accumulatingInto: gradient)
    }

    /// A copy of the current values.
    public var values: [Float] { value.array }

    /// Overwrites the values (e.g. when loading a checkpoint).
    public func load(_ values: [Float]) {
        precondition(values.count == count, "parameter \(name): \(values.count) values for shape \(shape)")
        value.backend.upload(values, into: value)
    }
}

/// Parameters laid out in two flat buffers (values, gradients), each parameter's slice
/// 64-byte aligned. Creating a group re-homes the parameters' storages into the buffers.
public final class ParameterGroup {
    public let parameters: [Parameter]
    public let values: TensorStorage
    public let gradients: TensorStorage
    /// 1 where weight decay applies, 0 elsewhere (padding included), one entry per element.
    public let decayMask: TensorStorage
    /// Where each parameter starts in the flat buffers.
    public let offsets: [Int]
    /// The backend of the group's device: norms, clipping and optimiser steps run there.
    public let kernels: any Backend

    /// Groups `parameters` on the device of `kernels` (by default where they are now, all on one
    /// device). Parameters elsewhere are copied there: this is how a model's weights move to a
    /// GPU for training, and back to the host afterwards.
    public init(_ parameters: [Parameter], on kernels: (any Backend)? = nil) {
        var seen = Set<ObjectIdentifier>()
        let unique = parameters.filter { seen.insert(ObjectIdentifier($0)).inserted }
        var offsets: [Int] = []
        var total = 0
        for p in unique {
            offsets.append(total)
            total += (p.count + 15) / 16 * 16  // keep every slice on a 64-byte boundary
        }
        if kernels == nil { precondition(Set(unique.map(\.value.device)).count <= 1, "a parameter group lives on one device") }
        let kernels = kernels ?? unique.first?.value.backend ?? CPUBackend()
        values = kernels.zeros(total)
        gradients = kernels.zeros(total)
        decayMask = kernels.zeros(total)
        for (p, offset) in zip(unique, offsets) {
            let value = TensorStorage(viewing: values, offset: offset, count: p.count)
            let gradient = TensorStorage(viewing: gradients, offset: offset, count: p.count)
            if p.value.device == kernels.device {
                kernels.copy(p.value, into: value)
                kernels.copy(p.gradient, into: gradient)
            } else {
                kernels.upload(p.value.array, into: value)  // the host's copy: downloaded first when on a device
                kernels.upload(p.gradient.array, into: gradient)
            }
            if p.decays { kernels.fill(TensorStorage(viewing: decayMask, offset: offset, count: p.count), with: 1) }
            p.value = value
            p.gradient = gradient
        }
        self.kernels = kernels
        self.parameters = unique
        self.offsets = offsets
    }

    /// Total number of trainable values (padding excluded).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    public func zeroGradients() { kernels.fill(gradients, with: 0) }

    /// The L2 norm of all gradients together.
    public func gradientNorm() -> Float { Float(kernels.sumOfSquares(gradients).squareRoot()) }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public func clipGradientNorm(_ maxNorm: Float) -> Float {
        let norm = gradientNorm()
        if norm > maxNorm && norm.isFinite {
            kernels.scaleInPlace(gradients, by: maxNorm / (norm + 1e-6))
        }
        return norm
    }

    /// True when every gradient is finite.
    public var gradientsAreFinite: Bool { kernels.allFinite(gradients) }

    /// A copy of the values (a snapshot of the weights, on the group's device).
    public func snapshot() -> TensorStorage {
        let copy = kernels.allocate(values.count)
        kernels.copy(values, into: copy)
        return copy
    }

    /// Puts a snapshot's values back.
    public func restore(_ snapshot: TensorStorage) { kernels.copy(snapshot, into: values) }
}
