// CUDABackend end to end on the CPU emulator: device memory owned by TensorStorage, the tape's
// gradients and Adam's steps on the device, and a short training run of a net that uses every
// sequence kernel (linear attention from feature logits, packed causal self-attention, the causal
// convolution) beside LayerNorm, GELU, matmuls and MSE — the same loss curve as on the CPU. Also:
// a failed launch is kept and reported, not turned into silent numbers. The emulated device is
// registered as cuda:90 so tests that expect cuda:0 to be missing are not affected.
import SeerBase
import SeerCUDAEmulator
@testable import SeerTensor
import Testing

@Suite struct CUDABackendTests {
    @Test func storagesLiveOnTheDeviceAndRoundTrip() throws {
        let made = CUDABackend(device: .cuda(90), on: EmulatedDevice())
        let backend = made
        let a = backend.allocate(5)
        backend.upload([1, -2, 3, 0.5, 7], into: a)
        let b = backend.zeros(5)
        #expect(b.array == [0, 0, 0, 0, 0] && b.device == .cuda(90) && b.backend.device == .cuda(90))
        backend.copy(a, into: b)
        backend.fill(TensorStorage(viewing: b, offset: 1, count: 2), with: 9)
        #expect(backend.download(b) == [1, 9, 9, 0.5, 7])
        #expect(b.copy().array == [1, 9, 9, 0.5, 7] && b.firstElement == 1)
        #expect(try SeerTensor.backend(for: .cuda(90)) as? CUDABackend === made)
        try backend.checkHealth()
    }

    @Test func aFailedLaunchIsKeptAndReportedNotSilent() throws {
        let backend = CUDABackend(device: .cuda(91), on: FailingSoftmax())
        let x = backend.allocate(4), out = backend.allocate(4)
        backend.upload([1, 2, 3, 4], into: x)
        backend.softmaxForward(x, out, rows: 1, n: 4, log: false)
        backend.fill(out, with: 1)  // skipped: a failure came first
        let read = backend.download(out)
        #expect(read.count == 4 && read.allSatisfy { $0.isNaN })
        #expect(throws: EmulatorError.self) { try backend.checkHealth() }
    }

    /// Ten Adam steps of the same net from the same weights on CPUBackend and on CUDABackend:
    /// the losses agree to 1e-3 at every step, and they fall.
    @Test func aNetTrainsToTheSameLossCurveOnBothDevices() throws {
        let cuda = CUDABackend(device: .cuda(92), on: EmulatedDevice())
        let cpu = try backend(for: .cpu)
        let onCPU = try TinyNet(on: cpu).train(steps: 10), onCUDA = try TinyNet(on: cuda).train(steps: 10)
        try cuda.checkHealth()
        for (step, (a, b)) in zip(onCPU, onCUDA).enumerated() {
            #expect(abs(a - b) <= 1e-3 * max(1, abs(a)), "step \(step): cpu \(a), cuda \(b)")
        }
        #expect(onCUDA.last! < onCUDA.first!, "\(onCUDA)")
    }
}

/// A small net over [batch 2, time 70, 8 channels] touching every sequence kernel; its weights are
/// seeded, so two instances on two devices start equal.
struct TinyNet {
    let backend: any Backend
    var parameters: [Tensor] = []
    var moments: [(TensorStorage, TensorStorage, TensorStorage)] = []
    let x: Tensor, y: Tensor

    init(on backend: any Backend) throws {
        self.backend = backend
        var generator = SeededGenerator(seed: 7)
        func tensor(_ shape: Shape, scale: Float) -> Tensor {
            let storage = backend.allocate(shape.count)
            backend.upload((0..<shape.count).map { _ in generator.uniform(-scale, scale) }, into: storage)
            return Tensor(shape: shape, storage: storage)
        }
        x = tensor([2, 70, 8], scale: 1)
        y = tensor([2, 70, 8], scale: 1)
        let shapes: [(Shape, Float)] = [([8, 16], 0.35), ([16], 0.1), ([16], 1), ([16], 0.1), ([16, 16], 0.25), ([16, 8], 0.25), ([2], 1),
                                        ([8, 24], 0.35), ([8, 3], 0.5), ([8], 0.1), ([8, 8], 0.35)]
        parameters = shapes.map { tensor($0.0, scale: $0.1) }
        moments = parameters.map { p in
            let mask = backend.allocate(p.count)
            backend.fill(mask, with: 1)
            return (backend.zeros(p.count), backend.zeros(p.count), mask)
        }
    }

    func loss(_ p: [Tensor]) -> Tensor {
        var h = x.matmul(p[0]).addingBias(p[1]).layerNorm(gamma: p[2], beta: p[3])              // [2, 70, 16]
        let z = h.matmul(p[4]).reshaped([2, 70, 4, 4])                                            // 2 heads × (φq, φk) × m 4
        let v = h.matmul(p[5]).reshaped([2, 70, 2, 4])                                            // 2 heads × e 4
        h = Tensor.decayedLinearAttention(featureLogits: z, value: v, decayLogit: p[6]).reshaped([2, 70, 8])
        h = Tensor.causalSelfAttention(qkv: h.matmul(p[7]), heads: 2)                             // [2, 70, 8]
        h = h.causalDepthwiseConv(weight: p[8], bias: p[9]).gelu()
        return h.matmul(p[10]).mseLoss(y)
    }

    /// The loss before each of `steps` Adam steps.
    func train(steps: Int) throws -> [Float] {
        var losses: [Float] = []
        for step in 1...steps {
            let tape = Tape()
            let watched = parameters.map { tape.watch($0) }
            let value = loss(watched)
            losses.append(value.item)
            tape.backward(value)
            for (i, p) in watched.enumerated() {
                let gradient = try #require(tape.gradientStorage(of: p))
                backend.adamStep(AdamState(values: parameters[i].storage, gradients: gradient, decayMask: moments[i].2, firstMoment: moments[i].0,
                                           secondMoment: moments[i].1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decoupled: true),
                                 learningRate: 0.01, step: step)
            }
        }
        return losses
    }
}

/// The emulator with softmax failing as a GPU launch might.
final class FailingSoftmax: ForwardingDevice, @unchecked Sendable {
    override func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                         parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        if kernel == "seer_softmax_forward" { throw EmulatorError(description: "launch failed (simulated)") }
        try inner.launch(kernel, grid: grid, block: block, parameters: parameters)
    }
}
