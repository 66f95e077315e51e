// Job files: YAML and JSON read to the same job, and every mistake refused with its line and
// column rather than ignored or defaulted.
import Foundation
import Testing
import SeerBase
@testable import SeerRegistry

@Suite struct JobFileTests {
    func write(_ text: String, suffix: String = ".yaml") throws -> String {
        let path = try RegistryFixtures.folder() + "/job" + suffix
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func yamlAndJSONGiveTheSameJob() throws {
        let yaml = try RetrainJob.load(try write("""
            job: nightly
            registry: reg
            sources:
              - csv: "data/*.csv"
                id_column: store
              - sqlite: w.db
                query: SELECT id, ts, v FROM m
            models: global
            model: rlinear
            horizon: 14
            season: 7
            accept: {metric: mae, tolerance: 0.05}
            lease_seconds: 60
            keep: 2
            """))
        let json = try RetrainJob.load(try write("""
            {"job": "nightly", "registry": "reg", "sources": [{"csv": "data/*.csv", "id_column": "store"},
             {"sqlite": "w.db", "query": "SELECT id, ts, v FROM m"}], "models": "global", "model": "rlinear", "horizon": 14,
             "season": 7, "accept": {"metric": "mae", "tolerance": 0.05}, "lease_seconds": 60, "keep": 2}
            """, suffix: ".json"))
        #expect(yaml.name == "nightly" && yaml.grouping == .global && yaml.horizon == 14 && yaml.season == 7)
        #expect(yaml.accept == AcceptanceRule(tolerance: 0.05, metric: "mae"))
        #expect(yaml.leaseSeconds == 60 && yaml.keep == 2)
        #expect(yaml.sources == json.sources)
        #expect(yaml.sources[1] == .sqlite(database: "w.db", table: nil, query: "SELECT id, ts, v FROM m", idColumn: nil, timeColumn: nil, valueColumn: nil))
        let detect = try RetrainJob.load(try write("job: d\nsources:\n  - csv: x.csv\ntask: detect\nmodel: residual\nwindow: 48\nthreshold: 0.7\n"))
        #expect(detect.task == .detect(.residual, threshold: 0.7, window: 48, maxAlarmRate: 0.05) && detect.model == nil)
        // Without a threshold, the detector's own alarm level (the Gaussian's is not 0.5).
        let gaussian = try RetrainJob.load(try write("job: g\nsources:\n  - csv: x.csv\ntask: detect\nmodel: gaussian\n"))
        #expect(gaussian.task == .detect(.gaussian, threshold: 1 - 1e-5, window: 168, maxAlarmRate: 0.05))
        var same = json
        same.file = yaml.file
        #expect(same == yaml)
    }

    func error(_ text: String) throws -> DataError {
        let path = try write(text)
        do {
            _ = try RetrainJob.load(path)
        } catch let error as DataError {
            return error
        }
        Issue.record("accepted: \(text)")
        return DataError(.other, "", file: "")
    }

    @Test func mistakesAreRefusedWithTheirPlace() throws {
        let base = "job: j\nsources:\n  - csv: x.csv\nmodel: rlinear\nhorizon: 4\n"
        let unknown = try error(base + "tolerence: 0.1\n")
        #expect(unknown.location?.line == 6 && unknown.location?.column == 1)
        #expect(unknown.message.contains("unknown key 'tolerence'"))
        let nested = try error(base + "accept:\n  tolerence: 0.1\n")
        #expect(nested.location?.line == 7 && nested.message.contains("accept: unknown key 'tolerence'"))
        let model = try error("job: j\nsources:\n  - csv: x.csv\nmodel: prophet\nhorizon: 4\n")
        #expect(model.location?.line == 4 && model.message.contains("'model' must name a model"))
        let horizon = try error("job: j\nsources:\n  - csv: x.csv\nmodel: rlinear\nhorizon: -1\n")
        #expect(horizon.location?.line == 5 && horizon.message.contains("whole number"))
        let missing = try error("job: j\nsources:\n  - csv: x.csv\nmodel: rlinear\n")
        #expect(missing.message.contains("needs 'horizon'"))
        let both = try error("job: j\nsources:\n  - csv: x.csv\n    sqlite: y.db\nmodel: rlinear\nhorizon: 4\n")
        #expect(both.location?.line == 3 && both.message.contains("exactly one of csv:, sqlite:, postgres: or prometheus:"))
        let syntax = try error("job: [unclosed\n")
        #expect(syntax.kind == .badInput && syntax.location?.line != nil && syntax.message.contains("not valid YAML"))
        let duplicate = try error(base + "horizon: 5\n")
        #expect(duplicate.kind == .badInput)
        let detectHorizon = try error("job: j\nsources:\n  - csv: x.csv\ntask: detect\nmodel: linear\nhorizon: 4\n")
        #expect(detectHorizon.location?.line == 6 && detectHorizon.message.contains("no horizon"))
        let forecastWindow = try error(base + "window: 24\n")
        #expect(forecastWindow.location?.line == 6 && forecastWindow.message.contains("belongs to detect jobs"))
        let detector = try error("job: j\nsources:\n  - csv: x.csv\ntask: detect\nmodel: rlinear\n")
        #expect(detector.location?.line == 5 && detector.message.contains("must name a detector"))
        let notMapping = try error("- just a list\n")
        #expect(notMapping.message.contains("mapping"))
    }

    /// Found by `make fuzz` (job target, 8.07 M executions): YAML 1.1's base-60 integers made
    /// Yams trap on an overflowing `horizon`, ending the process. Numbers are decimal now, refused
    /// with their place like any other bad value; the fuzzer's input is kept byte for byte.
    @Test func base60AndOverflowingNumbersAreRefusedNotACrash() throws {
        let found = try error("job: nigh8lforecUst\nmodel: rlinear\nhorizon: 819159593333333723:3333333\n")
        #expect(found.message.contains("needs 'sources'") || found.message.contains("whole number"), "\(found)")
        let base = "job: j\nsources:\n  - csv: x.csv\nmodel: rlinear\n"
        for text in ["horizon: 819159593333333723:3333333", "horizon: 1:30", "horizon: 99999999999999999999", "horizon: 0x10", "horizon: 4.5"] {
            let refused = try error(base + text + "\n")
            #expect(refused.location?.line == 5 && refused.message.contains("whole number"), "\(text): \(refused)")
        }
        let tolerance = try error(base + "horizon: 4\naccept: {tolerance: 1:30}\n")
        #expect(tolerance.location?.line == 6 && tolerance.message.contains("number"), "\(tolerance)")
        #expect(try RetrainJob.load(try write(base + "horizon: 14\naccept: {tolerance: 5e-2}\n")).accept.tolerance == 0.05)
    }

    @Test func prometheusSourcesAreReadAndChecked() throws {
        let job = try RetrainJob.load(try write("""
            job: p
            sources:
              - prometheus: http://127.0.0.1:9090
                query: sum by (job) (rate(http_requests_total[5m]))
                start: now-30d
                step: 1h
                token_file: token.txt
            model: rlinear
            horizon: 24
            """))
        #expect(job.sources == [.prometheus(url: "http://127.0.0.1:9090", query: "sum by (job) (rate(http_requests_total[5m]))", start: "now-30d", end: "now", step: "1h", tokenFile: "token.txt")])
        let base = "job: p\nsources:\n  - prometheus: http://h:9090\n"
        let tail = "model: rlinear\nhorizon: 4\n"
        #expect(try error(base + tail).message.contains("needs query: (PromQL)"))
        #expect(try error(base + "    query: up\n    step: soon\n" + tail).message.contains("'step' is a duration"))
        #expect(try error(base + "    query: up\n    start: last week\n" + tail).message.contains("'start' is now, now-7d"))
        #expect(try error(base + "    query: up\n    table: t\n" + tail).message.contains("its series ids are their label sets"))
        #expect(try error("job: p\nsources:\n  - prometheus: h:9090\n    query: up\n" + tail).message.contains("http:// or https:// URL"))
        #expect(try error("job: p\nsources:\n  - csv: x.csv\n    step: 1h\n" + tail).message.contains("belong to a prometheus: source"))
    }
}
