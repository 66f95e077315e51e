// `seer bench …`: measured claims, never asserted in tests. Each benchmark prints a readable
// table, or with --json one JSON document carrying the same figures; the measuring lives in
// SeerBench, these commands only parse options.
import ArgumentParser
import Seer

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run Seer's benchmarks (speed, memory, accuracy) beside their peers.",
        subcommands: [IngestBenchCommand.self, DetectBenchCommand.self, DetectChildCommand.self, KernelBenchCommand.self, SpeedBenchCommand.self, SineBenchCommand.self, ETTBenchCommand.self, EverydayBenchCommand.self, NABBenchCommand.self, UCRBenchCommand.self, RetrainBenchCommand.self, BenchServeCommand.self,
                      StockBenchCommand.self, IngestChildCommand.self, SpeedChildCommand.self])
}
