// Tests for the autograd tape itself rather than any one kernel: gradients of a tensor used
// twice add up, untracked computation records nothing, parameters' gradient buffers accumulate
// across backward passes, and `detached` stops gradients.
import Testing
@testable import SeerTensor

struct TapeTests {
    @Test func gradientsAccumulateWhenATensorIsUsedTwice() throws {
        // y = x·x + x uses x three times; dy/dx = 2x + 1.
        let values: [Float] = [-1.5, -0.25, 0, 0.5, 2, 3]
        let tape = Tape()
        let x = tape.watch(Tensor(values, shape: [2, 3]))
        let y = x * x + x
        tape.backward(y.sum())
        let gradient = try #require(tape.gradient(of: x))
        #expect(gradient == values.map { 2 * $0 + 1 })
    }

    @Test func profilesNameEachRecordedOpInBothPasses() throws {
        let tape = Tape()
        tape.forwardProfile = [:]
        tape.backwardProfile = [:]
        let x = tape.watch(Tensor((0..<4096).map { Float($0 % 7) }, shape: [64, 64]))
        let y = x.matmul(x).gelu()
        let loss = y.sum()
        tape.backward(loss)
        let forward = try #require(tape.forwardProfile), backward = try #require(tape.backwardProfile)
        for op in ["matmul(_:transposeSelf:transposeOther:)", "unary(_:)"] {
            #expect((forward[op] ?? -1) >= 0 && (backward[op] ?? -1) >= 0, "\(op) missing: \(forward.keys) / \(backward.keys)")
        }
        #expect(forward.values.reduce(0, +) > 0)
    }

    @Test func gradientsAccumulateAcrossBranches() throws {
        // Two branches through different ops meet again: L = Σ 2x + Σ_j (Σ_i x_ij), so dL/dx = 3.
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]))
        let a = x.scaled(by: 2).sum()
        let b = x.sum(axis: 0).sum()
        tape.backward(a + b)
        #expect(try #require(tape.gradient(of: x)) == [Float](repeating: 3, count: 6))
    }

    @Test func untrackedComputationRecordsNothing() {
        let tape = Tape()
        let a = Tensor([1, 2, 3, 4], shape: [2, 2]), b = Tensor([0.5, -1], shape: [2])
        let y = ((a.matmul(a) + b).gelu().softmax() * a).sum(axis: 0).mean()
        #expect(!y.isTracked && y.tape == nil)
        #expect(tape.recordCount == 0)
        // Untracked tensors meeting a watched-but-detached one still record nothing.
        let watched = tape.watch(a)
        let z = (watched.detached * a).sum()
        #expect(!z.isTracked)
        #expect(tape.recordCount == 0)
        // One tracked operand is enough to record.
        _ = watched * a
        #expect(tape.recordCount == 1)
    }

    @Test func watchAccumulatingIntoAddsAcrossPasses() {
        // A parameter's gradient buffer starts non-zero (an earlier micro-batch) and keeps adding.
        let weight = Tensor([1, -2, 3], shape: [3])
        let buffer = TensorStorage([10, 20, 30])
        for pass in 1...2 {
            let tape = Tape()
            let w = tape.watch(weight, accumulatingInto: buffer)
            let input = Tensor([Float(pass), 1, -1], shape: [3])
            // L = Σ w·input + Σ w·w, so dL/dw = input + 2w.
            tape.backward((w * input + w * w).sum())
        }
        // dL/dw over the two passes: ([1,1,−1] + 2w) + ([2,1,−1] + 2w) = [3, 2, −2] + 4w.
        let expected: [Float] = [10 + 3 + 4, 20 + 2 - 8, 30 - 2 + 12]
        #expect(buffer.array == expected)
    }

    @Test func watchAccumulatingIntoMatchesAPlainWatch() throws {
        // The sink receives exactly what `gradient(of:)` reports for an ordinary watch.
        var rng = SplitMix64(seed: 401)
        let x = Tensor(rng.values(12).map { Float($0) }, shape: [3, 4])
        let m = Tensor(rng.values(8).map { Float($0) }, shape: [4, 2])
        let plain = Tape()
        let px = plain.watch(x)
        plain.backward(px.matmul(m).tanh().sum())
        let expected = try #require(plain.gradient(of: px))
        let sink = TensorStorage(zeros: 12)
        let tape = Tape()
        let sx = tape.watch(x, accumulatingInto: sink)
        tape.backward(sx.matmul(m).tanh().sum())
        #expect(sink.array == expected)
    }

    @Test func detachedStopsGradients() throws {
        // y = stop(x)·x: only the second factor carries gradient, so dy/dx = x (not 2x).
        let values: [Float] = [1, -2, 0.5]
        let tape = Tape()
        let x = tape.watch(Tensor(values, shape: [3]))
        #expect(!x.detached.isTracked && x.detached.array == values)
        tape.backward((x.detached * x).sum())
        #expect(try #require(tape.gradient(of: x)) == values)
    }

    @Test func watchedTensorOffThePathGetsNoGradient() {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2], shape: [2]))
        let unused = tape.watch(Tensor([3, 4], shape: [2]))
        _ = unused.scaled(by: 2)  // recorded, but not on the path to the loss
        tape.backward(x.sum())
        #expect(tape.gradient(of: x) == [1, 1])
        #expect(tape.gradient(of: unused) == nil)
    }
}

/// The identity gradients of add, sub and reshape hand the output gradient on instead of copying
/// it; these graphs reuse one tensor several times, so a wrongly shared buffer would show.
struct GradientHandOverTests {
    @Test func reusedOperandsGetTheirOwnGradients() {
        let tape = Tape()
        let a = tape.watch(Tensor([1, 2, 3, 4], shape: [2, 2]))
        let b = tape.watch(Tensor([5, 6, 7, 8], shape: [2, 2]))
        // L = Σ w ⊙ ((a + a) − b + reshape(a − a) + b·a), w = [1, 2, 3, 4]
        let y = (a + a) - b + (a - a).reshaped([4]).reshaped([2, 2]) + b * a
        let w = Tensor([1, 2, 3, 4], shape: [2, 2])
        tape.backward((y * w).sum())
        // dL/da = w·(2 + b), dL/db = w·(a − 1)
        #expect(tape.gradient(of: a) == [7, 16, 27, 40])
        #expect(tape.gradient(of: b) == [0, 2, 6, 12])
    }

    @Test func broadcastSubtractionReducesTheRightOperand() {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]))
        let bias = tape.watch(Tensor([10, 20], shape: [2]))
        let y = (x - bias) + (x + bias)
        tape.backward((y * Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])).sum())
        #expect(tape.gradient(of: x) == [2, 4, 6, 8, 10, 12])
        #expect(tape.gradient(of: bias) == [0, 0])
    }
}
