// The nets trained on a CUDA backend over the CPU emulator: `seer selftest`'s training runs give
// the CPU's loss curve on the device, a broken product is caught by them, the weights come back
// to the host after training, and a failed launch stops training with the device's error and the
// starting weights kept. The emulated devices are cuda:93–95 (cuda:90–92 are the tensor tests').
import SeerBase
import SeerCUDAEmulator
import SeerModels
import SeerNN
import SeerTensor
import Testing

@Suite struct DeviceTrainingTests {
    static let emulated = CUDABackend(device: .cuda(93), on: EmulatedDevice())

    /// Every net of the zoo, three steps each on both devices: the curves agree — to 1e-5 here,
    /// far inside the GPU's tolerance, since the emulator does the CPU's float arithmetic (the
    /// measured differences were about 1e-7).
    @Test func everyNetTrainsToTheCPUsCurveOnTheDevice() throws {
        _ = Self.emulated
        let checks = try NetSelfTest.run(on: .cuda(93), steps: 3, scale: .tiny)
        try Self.emulated.checkHealth()
        #expect(checks.count == NetSelfTest.configurations(.tiny).count)
        for check in checks {
            #expect(check.passed && check.error <= 1e-5 && check.deviceLosses.count == 3 && check.cpuLosses.count == 3,
                    "\(check.name): cpu \(check.cpuLosses), device \(check.deviceLosses), error \(check.error)")
        }
    }

    /// A device whose products are twice what they should be: every curve parts at once (which
    /// also shows each net's products really ran on the device).
    @Test func aWrongProductOnTheDeviceFailsTheCheck() throws {
        _ = CUDABackend(device: .cuda(94), on: DoublingProducts())
        let checks = try NetSelfTest.run(on: .cuda(94), steps: 2, scale: .tiny)
        #expect(!checks.isEmpty && checks.allSatisfy { !$0.passed }, "\(checks.map { ($0.name, $0.error) })")
    }

    /// After training on the device the weights are on the host again, equal to the device's, and
    /// forecasts match a model trained on the CPU.
    @Test func weightsComeBackToTheHostAfterTraining() throws {
        _ = Self.emulated
        let data = NetSelfTest.samples(count: 8, .tiny)
        func trained(on device: Device) throws -> SequenceModel {
            let model = SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 1, topHeads: 2, maxTokens: 24)),
                                                          head: .direct(horizon: 4), lookback: 24, seed: 5))
            var config = TrainerConfig(epochs: 2, batchSize: 4, schedule: .constant, patience: nil, seed: 1)
            config.device = device
            try Trainer(config).fit(model, train: data)
            return model
        }
        let onDevice = try trained(on: .cuda(93)), onCPU = try trained(on: .cpu)
        #expect(onDevice.parameters.allSatisfy { $0.device == .cpu })
        let windows = data.batch([0, 1]).inputs
        let a = onDevice.forecast(windows, .inference()).array, b = onCPU.forecast(windows, .inference()).array
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) }, "\(a) vs \(b)")
    }

    /// A launch that fails mid-run: training throws the device's error (not a NaN loss), and the
    /// model keeps its starting weights on the host.
    @Test func aFailedLaunchStopsTrainingAndKeepsTheStartingWeights() throws {
        _ = CUDABackend(device: .cuda(95), on: FailingLaunches(failing: "seer_layer_norm_backward_x"))
        let model = SequenceModel(SequenceModelConfig(backbone: .gpt(GPTConfig(width: 8, heads: 2, layers: 1)),
                                                      head: .direct(horizon: 4), lookback: 24, seed: 5))
        let before = model.parameters.map(\.values)
        var config = TrainerConfig(epochs: 1, batchSize: 4, patience: nil)
        config.device = .cuda(95)
        #expect(throws: EmulatorError.self) { try Trainer(config).fit(model, train: NetSelfTest.samples(count: 8, .tiny)) }
        #expect(model.parameters.allSatisfy { $0.device == .cpu })
        #expect(model.parameters.map(\.values) == before)
    }

    /// A device this machine does not have is refused before any work.
    @Test func aMissingDeviceIsUnavailable() {
        var config = TrainerConfig(epochs: 1, batchSize: 4)
        config.device = .cuda(63)
        let model = LinearForecaster(LinearConfig(kind: .rlinear, lookback: 24, horizon: 4))
        #expect(throws: DeviceUnavailable.self) { try Trainer(config).fit(model, train: NetSelfTest.samples(count: 8, .tiny)) }
    }
}

/// The emulator with every matrix product doubled (α × 2).
final class DoublingProducts: ForwardingDevice, @unchecked Sendable {
    override func gemm(_ product: ColumnMajorGEMM) throws {
        var doubled = product
        doubled.alpha *= 2
        try inner.gemm(doubled)
    }
}

/// The emulator with one kernel's launches failing, as a GPU fault would.
final class FailingLaunches: ForwardingDevice, @unchecked Sendable {
    let failing: String
    init(failing: String) {
        self.failing = failing
        super.init()
    }
    override func launch(_ kernel: String, grid: (Int, Int, Int), block: (Int, Int, Int),
                         parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        if kernel == failing { throw EmulatorError(description: "\(kernel): launch failed (simulated)") }
        try inner.launch(kernel, grid: grid, block: block, parameters: parameters)
    }
}
