// The model catalog: one descriptor per family, consistent with what the forecaster builds, and
// the benchmark variants resolvable by name.
import SeerData
import SeerModels
import SeerTensor
@testable import SeerTasks
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ModelFamilyTests {
    @Test func everyFamilyHasOneConsistentDescriptor() {
        #expect(ModelFamilyDescriptor.all.map(\.family) == ModelFamily.allCases)
        for d in ModelFamilyDescriptor.all {
            let shape = NetShape(width: 8, layers: 1, heads: 2)
            #expect((d.backbone(shape, tokens: 4) != nil) == (d.kind == .net), "\(d.name)")
            let trains = d.kind == .net || d.kind == .linear
            #expect((d.smallData != nil) == trains && (d.largeData != nil) == trains, "\(d.name)")
            #expect((d.smallData?.shape != nil) == (d.kind == .net), "\(d.name)")
            #expect(!d.summary.isEmpty)
            // The forecaster a family builds trains exactly when its descriptor says it does.
            let forecaster = Forecaster(ForecasterConfig(model: d.family, lookback: 8, horizon: 2, width: 8, season: 3))
            #expect(forecaster.parameters.isEmpty == !trains, "\(d.name)")
        }
        #expect(ForecastRun.autoCandidates == [.nt, .dijiang, .dlinear, .rlinear, .theta, .ets, .arima, .mstl, .croston, .tsb, .naive, .seasonalNaive])
    }

    @Test func minimumHistoryFollowsTheFamily() {
        #expect(ModelFamily.nt.descriptor.minimumHistory(lookback: 24, horizon: 6, season: 12) == 31)
        #expect(ModelFamily.naive.descriptor.minimumHistory(lookback: 24, horizon: 6, season: 12) == 24)
        #expect(ModelFamily.seasonalNaive.descriptor.minimumHistory(lookback: 24, horizon: 6, season: 12) == 12)
        #expect(ModelFamily.seasonalNaive.descriptor.inputSteps(lookback: 4, season: 12) == 12)
    }

    /// Below a day the default season is the daily cycle (half-hourly data: 48, not 1).
    @Test func defaultSeasonsFollowTheFrequency() {
        let cases: [(Frequency?, Int)] = [(Frequency(.minute, 30), 48), (Frequency(.hour), 24), (Frequency(.hour, 2), 12),
                                          (Frequency(.minute, 5), 288), (Frequency(.minute, 7), 1), (Frequency(.day), 7),
                                          (Frequency(.week), 52), (Frequency(.monthStart), 12), (Frequency(.quarterStart), 4), (nil, 1)]
        for (frequency, season) in cases { #expect(ForecastRun.defaultSeason(frequency) == season, "\(String(describing: frequency))") }
    }

    /// A history too short for most candidates: they step aside (named), the run still forecasts.
    @Test func autoStepsShortCandidatesAside() throws {
        let data = try ForecastData(sequences: [ForecastSequence(id: "y", values: (0..<10).map { Float($0 % 4) }, timestamps: nil)], frequency: nil)
        let trained = try ForecastRun(data: data, request: ForecastRequest(horizon: 4, lookback: 6, selection: .crossValidation)).train()
        // One fold of H = 4 fits ten steps for the models that need little history and for the
        // linear ones with a shrunk look-back; the nets (fitted once before the cutoffs) step aside.
        #expect(Set(trained.tooShort.keys) == ["nt", "dijiang"], "\(trained.tooShort)")
        #expect(trained.forecaster.config.model.descriptor.kind != .net && trained.chosenBy.contains("over 1 rolling-origin fold"),
                "\(trained.chosenBy)")
        // Three zeros in ten non-negative steps make it intermittent: Croston and TSB compete too.
        #expect(trained.scoreName == "cross-validated MASE (1 fold)" && trained.scores.count == 9 && trained.scores["tsb"] != nil,
                "\(trained.scores)")
        #expect(try trained.forecaster.predict(data.values)[0].count == 4)
        // Two points still forecast (seasonal-naive of season 1); with a season of 5, nothing fits.
        let tiny = try ForecastData(sequences: [ForecastSequence(id: "y", values: [1, 2], timestamps: nil)], frequency: nil)
        let fallback = try ForecastRun(data: tiny, request: ForecastRequest(horizon: 4, lookback: 6, selection: .crossValidation)).train()
        #expect(try ForecastRun(data: tiny, request: ForecastRequest(horizon: 4, lookback: 6)).train().chosenBy.contains("too little history"))
        #expect(fallback.forecaster.config.model == .seasonalNaive && fallback.chosenBy.contains("too little history"), "\(fallback.chosenBy)")
        #expect(throws: ForecastTaskError.self) { try ForecastRun(data: tiny, request: ForecastRequest(horizon: 4, lookback: 6, season: 5)).train() }
    }

    @Test func benchmarkVariantsResolve() {
        let names = ModelVariant.all.map(\.name)
        #expect(Set(names).count == names.count, "variant names are unique")
        for name in ["dijiang-cffn", "gpt-stored", "nt-recompute"] { #expect(ModelVariant.named(name) != nil, "\(name)") }
        guard case .dijiang(let c)? = ModelVariant.named("dijiang-cffn")?.backbone(NetShape(width: 8, layers: 1, heads: 2), tokens: 4) else {
            Issue.record("dijiang-cffn builds a DiJiang backbone")
            return
        }
        #expect(c.feedForward == .continuedFraction)
        guard case .gpt(let g)? = ModelVariant.named("gpt-stored")?.backbone(NetShape(width: 8, layers: 1, heads: 2), tokens: 4) else {
            Issue.record("gpt-stored builds a GPT backbone")
            return
        }
        #expect(g.attention == .stored)
        #expect(ModelVariant.named("no-such-net") == nil)
    }

    /// Found by a backtest of weekly data: a season (52) longer than the look-back (32) crashed
    /// seasonal-naive's held-out error; its windows now reach back a whole season.
    @Test func seasonLongerThanTheLookBackIsScoredNotCrashed() throws {
        let series = (0..<400).map { Float(sin(2 * Double.pi * Double($0) / 52)) }
        let forecaster = Forecaster(ForecasterConfig(model: .seasonalNaive, lookback: 32, horizon: 8, season: 52))
        try forecaster.fit([series])
        let error = try #require(try forecaster.validationError([series]))
        #expect(error < 1e-8, "a pure season repeats exactly: \(error)")
        #expect(try forecaster.predict([series])[0].count == 8)
    }
}
