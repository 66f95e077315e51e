// The library's forecasting front door: every model family fits and predicts, save → load gives
// identical forecasts (with the caller's metadata), and bad histories get clear errors.
import Foundation
import Testing
import SeerModels
@testable import SeerTasks
import SeerNN
import SeerTensor

/// Two seasonal series with different levels and trends (a global model sees both).
func seasonalSequences(length: Int = 120) -> [[Float]] {
    (0..<2).map { k in (0..<length).map { t in Float(k) * 3 + 0.01 * Float(t) + sinf(2 * .pi * Float(t) / 12 + Float(k)) } }
}

struct ForecasterTests {
    @Test(arguments: ModelFamily.allCases)
    func everyFamilyFitsAndPredicts(model: ModelFamily) throws {
        var config = ForecasterConfig(model: model, lookback: 36, horizon: 6, width: 8, epochs: 2, season: 12, seed: 1)
        config.batchSize = 16
        let forecaster = Forecaster(config)
        let sequences = seasonalSequences()
        try forecaster.fit(sequences)
        let forecasts = try forecaster.predict(sequences)
        #expect(forecasts.count == 2 && forecasts.allSatisfy { $0.count == 6 && $0.allSatisfy(\.isFinite) })
        if model == .seasonalNaive {
            // The last season repeated: exactly the values 12 steps before each future step.
            #expect(forecasts[0] == Array(sequences[0][(120 - 12)..<(120 - 6)]))
        }
        if model == .naive { #expect(forecasts[1] == [Float](repeating: sequences[1][119], count: 6)) }
    }

    @Test func dlinearLearnsASeasonalPattern() throws {
        let forecaster = Forecaster(ForecasterConfig(model: .dlinear, lookback: 36, horizon: 6, epochs: 30, seed: 2))
        let sequences = seasonalSequences(length: 240)
        try forecaster.fit(sequences)
        let error = try #require(try forecaster.validationError(sequences))
        let naive = try #require(try Forecaster(ForecasterConfig(model: .naive, lookback: 36, horizon: 6)).validationError(sequences))
        #expect(error < 0.05 && error < naive / 10, "DLinear validation MSE \(error) vs repeat-last \(naive)")
    }

    @Test(arguments: [ModelFamily.nt, .dijiang, .dlinear, .seasonalNaive])
    func saveThenLoadForecastsTheSame(model: ModelFamily) throws {
        let forecaster = Forecaster(ForecasterConfig(model: model, lookback: 24, horizon: 4, width: 8, epochs: 1, season: 12, seed: 3))
        let sequences = seasonalSequences()
        try forecaster.fit(sequences)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-forecaster-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try forecaster.save(to: directory, metadata: ["frequency": .string("MS")])
        let (loaded, metadata) = try Forecaster.load(from: directory)
        #expect(loaded.config == forecaster.config)
        #expect(metadata["frequency"]?.stringValue == "MS")
        #expect(try loaded.predict(sequences) == forecaster.predict(sequences))
    }

    @Test func automaticEpochsAimForAStepBudget() throws {
        // 48 windows in batches of 32: 2 steps an epoch → 250 epochs for 500 steps, patience 50 (100 steps).
        let auto = ForecasterConfig(model: .nt, lookback: 60, horizon: 24)
        #expect(auto.epochs == nil)
        #expect(auto.trainingPlan(trainingWindows: 48) == TrainingPlan(epochs: 250, stepsPerEpoch: nil, patience: 50))
        // One window, one step an epoch: 500 epochs.
        #expect(auto.trainingPlan(trainingWindows: 1) == TrainingPlan(epochs: 500, stepsPerEpoch: nil, patience: 100))
        // A big data set: 1,719 steps an epoch would make 17,190 steps; the cap of 1,000 turns that
        // into 10 "epochs" of 100 sampled batches, a held-out check after each, patience 3 — with
        // the nets' large-data batch (64) and rate (3e-3).
        let large = TrainingPlan(epochs: 10, stepsPerEpoch: 100, patience: 3, batchSize: 64, learningRate: 3e-3)
        #expect(auto.trainingPlan(trainingWindows: 55_000) == large)
        var capped = auto
        capped.maxSteps = 250
        #expect(capped.trainingPlan(trainingWindows: 55_000) == TrainingPlan(epochs: 2, stepsPerEpoch: 100, patience: 3, batchSize: 64,
                                                                               learningRate: 3e-3))
        // DLinear keeps its authors' batch and rate at every size.
        #expect(ForecasterConfig(model: .dlinear, lookback: 60, horizon: 24).trainingPlan(trainingWindows: 55_000)
            == TrainingPlan(epochs: 10, stepsPerEpoch: 100, patience: 3, batchSize: 32, learningRate: 5e-3))
        // A batch or rate in the config wins over the family's.
        var set = auto
        set.batchSize = 128
        set.learningRate = 1e-2
        #expect(set.trainingPlan(trainingWindows: 55_000) == TrainingPlan(epochs: 10, stepsPerEpoch: 100, patience: 3, batchSize: 128,
                                                                            learningRate: 1e-2))
        // Under the cap the plan is unchanged: 11 batches an epoch × 46 epochs = 506 steps.
        #expect(auto.trainingPlan(trainingWindows: 330) == TrainingPlan(epochs: 46, stepsPerEpoch: nil, patience: 10))
        // Just over it: 104 batches × 10 epochs = 1,040 steps → 19 epochs of 52 sampled batches of 64.
        #expect(auto.trainingPlan(trainingWindows: 3_300) == TrainingPlan(epochs: 19, stepsPerEpoch: 52, patience: 3, batchSize: 64,
                                                                           learningRate: 3e-3))
        var given = auto
        given.epochs = 4
        #expect(given.trainingPlan(trainingWindows: 48) == TrainingPlan(epochs: 4, stepsPerEpoch: nil, patience: 50))
        // --epochs keeps its meaning: full passes, no cap unless one is asked for.
        #expect(given.trainingPlan(trainingWindows: 55_000) == TrainingPlan(epochs: 4, stepsPerEpoch: nil, patience: 3))
        given.maxSteps = 2_000
        #expect(given.trainingPlan(trainingWindows: 55_000) == TrainingPlan(epochs: 20, stepsPerEpoch: 100, patience: 3, batchSize: 64,
                                                                             learningRate: 3e-3))
        // The automatic setting survives a save → load.
        let forecaster = Forecaster(ForecasterConfig(model: .dlinear, lookback: 24, horizon: 4, seed: 3))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-forecaster-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try forecaster.save(to: directory)
        #expect(try Forecaster.load(from: directory).forecaster.config.epochs == nil)
    }

    /// A long series trains on the capped plan: epochs of sampled batches, the family's large-data
    /// batch, at most the step cap, and the report says so.
    @Test func aLongSeriesTrainsWithinTheStepCap() throws {
        let long = (0..<8_000).map { Float(sin(2 * Double.pi * Double($0) / 24)) + 0.001 * Float($0 % 7) }
        let forecaster = Forecaster(ForecasterConfig(model: .nt, lookback: 24, horizon: 4, width: 8, maxSteps: 30))
        let report = try #require(try forecaster.fit([long]))
        let plan = try #require(forecaster.plan)
        #expect(plan.isCapped && plan.batchSize == 64 && plan.learningRate == 3e-3 && plan.stepsPerEpoch == 30, "\(plan)")
        #expect(report.steps <= 30, "\(report.steps) steps")
        #expect(forecaster.settings.contains { $0.value.contains("windows sampled per epoch") })
        // A short series keeps the small-data plan (a step cap asks a linear model for gradient training).
        let short = Forecaster(ForecasterConfig(model: .dlinear, lookback: 24, horizon: 4, maxSteps: 1000))
        try short.fit([Array(long.prefix(200))])
        #expect(short.plan?.isCapped == false && short.plan?.batchSize == 32)
    }

    /// DLinear and RLinear are solved exactly on a long history (enough windows per weight), train
    /// by gradient steps on a short one or when a gradient setting is given, and say which.
    @Test(arguments: [ModelFamily.dlinear, .rlinear])
    func linearModelsAreSolvedExactlyOnLongHistories(model: ModelFamily) throws {
        let long = seasonalSequences(length: 800)  // 2 × 619 training windows for 25 weights
        let exact = Forecaster(ForecasterConfig(model: model, lookback: 24, horizon: 4, seed: 1))
        #expect(try exact.fit(long) == nil)
        let fit = try #require(exact.exactFit)
        #expect(exact.plan == nil && fit.rows >= 20 * 25 && fit.heldOutRows > 0 && LinearForecaster.relativeRidges.contains(fit.relativeRidge))
        #expect(exact.settings.contains { $0.name == "training" && $0.value.hasPrefix("exact least squares") }, "\(exact.settings)")
        // The exact fit forecasts the held-out windows far better than repeat-last.
        let error = try #require(try exact.validationError(long))
        let naive = try #require(try Forecaster(ForecasterConfig(model: .naive, lookback: 24, horizon: 4)).validationError(long))
        #expect(error < naive / 10, "\(model): held-out MSE \(error) vs repeat-last \(naive)")
        let short = Forecaster(ForecasterConfig(model: model, lookback: 24, horizon: 4, seed: 1))
        try short.fit(seasonalSequences(length: 120))
        #expect(short.exactFit == nil && short.plan != nil)
        let asked = Forecaster(ForecasterConfig(model: model, lookback: 24, horizon: 4, epochs: 2, seed: 1))
        try asked.fit(long)
        #expect(asked.exactFit == nil && asked.plan?.epochs == 2 && !asked.config.fitsExactly)
    }

    @Test func badHistoriesAreRefusedClearly() throws {
        let forecaster = Forecaster(ForecasterConfig(model: .dlinear, lookback: 24, horizon: 6, epochs: 1))
        #expect(throws: ForecasterError.tooShort(longest: 20, needed: 31, need: .window(lookback: 24, horizon: 6))) { try forecaster.fit([[Float](repeating: 1, count: 20)]) }
        var holes = seasonalSequences()[0]
        holes[50] = .nan
        #expect(throws: ForecasterError.missingValues(sequence: 0)) { try forecaster.fit([holes]) }
        #expect(throws: ForecasterError.missingValues(sequence: 0)) { try forecaster.predict([Array(holes.prefix(60))]) }
        #expect(throws: ForecasterError.tooShort(longest: 10, needed: 24, need: .lookback(24))) { try forecaster.predict([[Float](repeating: 0, count: 10)]) }
        let message = ForecasterError.tooShort(longest: 20, needed: 31, need: .window(lookback: 24, horizon: 6)).description
        #expect(message.contains("20 steps") && message.contains("at least 31") && message.contains("look-back 24 + horizon 6 + 1"), "\(message)")
        // Library errors speak of settings; only the CLI names its flags.
        for error in [ForecasterError.tooShort(longest: 20, needed: 31, need: .window(lookback: 24, horizon: 6)), .missingValues(sequence: 2), .badModel("x")] {
            #expect(!error.description.contains("--"), "\(error)")
            #expect(error.exitCode == 65)
        }
    }
}
