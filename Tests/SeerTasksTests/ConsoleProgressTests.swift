// Training progress on the console: plain lines when not on a terminal (logs and CI), a bar
// redrawn in place on one, nothing when quiet.
import SeerModels
import SeerTasks
import SeerTensor
import Testing

@Suite struct ConsoleProgressTests {
    /// Windows of a ramp: 12 steps in, the next step out.
    static func rampWindows(_ count: Int) -> SampleSet {
        var inputs: [Float] = [], targets: [Float] = []
        for start in 0..<count {
            inputs += (0..<12).map { Float(start + $0) * 0.1 }
            targets.append(Float(start + 12) * 0.1)
        }
        return SampleSet(inputs: inputs, inputShape: [12, 1], targets: targets, targetShape: [1, 1])
    }

    @Test func plainLinesWhenNotATerminal() throws {
        var lines: [String] = []
        let progress = ConsoleProgress(.lines) { lines.append($0) }
        let model = LinearForecaster(LinearConfig(kind: .rlinear, lookback: 12, horizon: 1, seed: 6))
        try Trainer(TrainerConfig(epochs: 2, batchSize: 8), observer: progress)
            .fit(model, train: Self.rampWindows(16), validation: Self.rampWindows(8))
        #expect(lines.count == 3, "\(lines)")
        #expect(lines[0].hasPrefix("epoch 1/2  loss ") && lines[0].contains("  val ") && lines[0].contains(" it/s"), "\(lines[0])")
        #expect(lines[2].contains("kept epoch"), "\(lines[2])")
        #expect(!lines.joined().contains("\r"))
        var bar: [String] = []
        let drawn = ConsoleProgress(.bar) { bar.append($0) }
        drawn.trainingBegan(epochs: 2, stepsPerEpoch: 4)
        for step in 1...4 { drawn.stepFinished(epoch: 1, step: step, loss: 0.5) }
        #expect(bar.contains { $0.contains("epoch 1/2 [") && $0.contains("4/4") && $0.contains("ETA") }, "\(bar)")
        var quiet: [String] = []
        let silent = ConsoleProgress(.quiet) { quiet.append($0) }
        try Trainer(TrainerConfig(epochs: 1, batchSize: 8), observer: silent).fit(model, train: Self.rampWindows(16))
        #expect(quiet.isEmpty)
    }
}
