// The device seam: every storage, gradient accumulation, optimiser step and weight snapshot goes
// through a Backend, and asking for a device without one is an error, not a crash. The CPU
// backend's training-state kernels are checked against plain loops here.
import SeerBase
@testable import SeerTensor
import Testing

@Suite struct BackendSeamTests {
    @Test func aMissingDeviceIsAnErrorWithExitCode69() {
        #expect(throws: DeviceUnavailable.self) { _ = try backend(for: .cuda(0)) }
        do {
            _ = try backend(for: .cuda(3))
            Issue.record("cuda:3 has no backend in this build")
        } catch {
            #expect(error.exitCode == 69 && error.description.contains("cuda:3"), "\(error)")
        }
        #expect((try? backend(for: .cpu))?.device == .cpu)
    }

    @Test func memoryKernelsRoundTrip() throws {
        let kernels = try backend(for: .cpu)
        let a = kernels.allocate(5)
        kernels.upload([1, -2, 3, 0.5, 7], into: a)
        let b = kernels.zeros(5)
        #expect(kernels.download(b) == [0, 0, 0, 0, 0])
        kernels.copy(a, into: b)
        #expect(kernels.download(b) == [1, -2, 3, 0.5, 7])
        kernels.fill(TensorStorage(viewing: b, offset: 1, count: 2), with: 9)
        #expect(kernels.download(b) == [1, 9, 9, 0.5, 7])
        #expect(a.backend.device == .cpu)
    }

    @Test func trainingStateKernels() throws {
        let kernels = try backend(for: .cpu)
        let g = TensorStorage([1, 2, -3]), into = TensorStorage([10, 10, 10])
        kernels.accumulate(g, into: into, negated: false)
        #expect(into.array == [11, 12, 7])
        kernels.accumulate(g, into: into, negated: true)
        #expect(into.array == [10, 10, 10])
        #expect(kernels.sumOfSquares(g) == 14)
        kernels.scaleInPlace(g, by: 0.5)
        #expect(g.array == [0.5, 1, -1.5])
        #expect(kernels.allFinite(g) && !kernels.allFinite(TensorStorage([1, .nan])) && !kernels.allFinite(TensorStorage([.infinity])))
        let average = TensorStorage([0, 4]), values = TensorStorage([10, 0])
        kernels.movingAverage(average, toward: values, decay: 0.75)
        #expect(average.array == [2.5, 3])
    }

    /// One AdamW step against the update written out by hand (step 1: m̂ = g, v̂ = g², so each
    /// weight moves by lr·g/(|g| + ε) after its decoupled decay).
    @Test func adamWStepMatchesTheFormula() throws {
        let kernels = try backend(for: .cpu)
        let w: [Float] = [1, -2, 0.5], grad: [Float] = [0.1, -0.4, 0], mask: [Float] = [1, 1, 0]
        let state = AdamState(values: TensorStorage(w), gradients: TensorStorage(grad), decayMask: TensorStorage(mask),
                              firstMoment: kernels.zeros(3), secondMoment: kernels.zeros(3), beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                              weightDecay: 0.01, decoupled: true)
        let lr: Float = 0.01
        kernels.adamStep(state, learningRate: lr, step: 1)
        for i in 0..<3 {
            let decayed = Double(w[i]) - Double(lr) * 0.01 * Double(mask[i]) * Double(w[i])
            let expected = decayed - Double(lr) * Double(grad[i]) / (abs(Double(grad[i])) + 1e-8)
            #expect(abs(Double(state.values.array[i]) - expected) < 1e-6, "weight \(i): \(state.values.array[i]) vs \(expected)")
        }
        #expect(state.firstMoment.array.map { Double($0) }.elementsEqual(grad.map { 0.1 * Double($0) }) { abs($0 - $1) < 1e-7 })
    }
}
