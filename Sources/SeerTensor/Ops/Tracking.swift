// The pattern every differentiable op follows: compute the output with the backend, then —
// when any input is tracked — record a backward closure that captures storages and input ids
// (never Tensors, which would tie the tape to itself).

extension Tensor {
    /// This tensor's id when tracked, for backward closures.
    var trackedId: Int? { tape == nil ? nil : id }

    /// `output` tracked on the inputs' tape with `backward`, or `output` as is when no input is tracked.
    static func record(_ output: Tensor, inputs: Tensor..., op: StaticString = #function, backward: @escaping Tape.Backward) -> Tensor {
        record(output, inputs: inputs, op: op, backward: backward)
    }

    /// `record` for an input list built at run time (concatenation, optional operands).
    static func record(_ output: Tensor, inputs: [Tensor], op: StaticString = #function, backward: @escaping Tape.Backward) -> Tensor {
        var tape: Tape?
        for input in inputs {
            // Kernels take storages as addresses, so an operand on another device would be read as
            // garbage (or, on the emulator, silently as host memory): refuse the program's mistake.
            // (The output may differ: a loss is a host scalar.)
            precondition(input.device == inputs[0].device,
                         "\(op) met tensors on \(inputs[0].device) and \(input.device); move data with Tensor.moved(to:)")
            guard let t = input.tape else { continue }
            if let tape { precondition(tape === t, "tensors from two different tapes meet in one op") }
            tape = t
        }
        guard let tape else { return output }
        return tape.record(output, op: op, backward: backward)
    }

    /// The backend for this tensor's device.
    var kernels: any Backend { loadedBackend(device) }
}

extension GradientStore {
    /// The gradient buffer of input `id` (nil when the input is not tracked).
    @inline(__always)
    func buffer(_ id: Int?, count: Int) -> TensorStorage? {
        guard let id else { return nil }
        return accumulator(id, count: count)
    }
}
