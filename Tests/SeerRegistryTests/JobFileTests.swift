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

    /// Found by `make fuzz` (job target, 9.82 M executions): 3.9 KB of nested `? -` (complex
    /// keys) with duplicates held one load for over 14 s under the fuzz build (0.18 s natively),
    /// in Yams' recursive sort of the duplicated keys. A job file's shape is now checked first —
    /// plain keys, 32 levels, 100,000 values with aliases expanded — so Yams never builds such a
    /// tree, and each file is refused at once with its place; the fuzzer's input is kept byte for byte.
    @Test func complexKeysDeepNestingAndAliasBombsAreRefusedAtOnce() throws {
        let found = Data(base64Encoded: """
            czplOmVzOjoKZzoKPyANLSA/ID8gPyA/ICAtIGNBak13d3M6Cj8gDS0gPyA/ICAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8g
            ICAgIC0gIC0gPyAtIC0gLSAtICAtID8gLSA/IC0gLSAgLSA/IC0gPyAgICAgLSAgLSAgIC0gPyAtID8gICAgIC0gIC0gPyAtIC0g
            LSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0gIC0gICAtICAtID8gLSAtIC0gLSA/IC0gLeKAqA0/4oCoDSAgLSA/IC0gPyAgICAgLSAg
            LSA/IC0gLSAtID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAt
            ID8gICAgIC0gIC0gICAtID8gLSAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgPyAtIC0gIC0gPyAtID8gICAgIC0g
            IC0gICAtID8gLSA/ICAgICAtICAtID8gLSAtIC0gPyAtICAtICAtID8gLSAtIC0gPyAtICAtICAgLSAgLSA/IC0gLSAtIC0gPyAt
            IC3igKgNP+KAqA0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gICAtID8gLSAtIC0gLSA/IC0gLSAgLSA/IC0gPyAgICAg
            LSAgLSA/IC0gLSAtID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSAgLSA/IC0gPyAtIC0gIC0g
            PyAtID8gICAgIC0gIC0gICAtID8gLSA/ICAgICAtICAtID8gLSAtIC0gPyAtICAtICAtID8gLSAtIC0gPyAtICAtID8gLSA/IC0g
            LSAgLSA/IC0gPyAtID8gLSA/IC0gLSAgLSA/IC0gPyAtICAtID8gLSA/IC0gLSAgICAgLSAgLSA/IC0gLSA/IC0gPyAgICAgLSAg
            LSA/IC0gLSAtID8gLSAgLSAgLSA/IC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gID8gLSAtICAtID8gLSA/ICAg
            ICAtICAtICAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSAgIC0gIC0gPyAtIC0gLSAt
            ID8gLSAt4oCoDT/igKgNICAtID8gLSA/ICAgICAtICAtID8gLSAtIC0gPyAtICAgLSA/IC0gLSAtIC0gPyAtIC0gIC0gPyAtID8g
            ICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0gIC0gPyAtID8gLSAtICAtID8gLSA/IC0gIC0gPyAtID8gLSAt
            ICAtID8gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSA/IC0g
            PyAtIC0gIC0gPyAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gICAt
            ID8gLSA/ICAgICAtICAtIC0/LSAgLSAgPyAtICAtICAtID8gLSAtIC0gPyAtICAtICAgLSAgLSA/IDoKZzoKPyANLSA/ID8gPyA/
            ICAtIGNBak13d3M6Cj8gDS0gPyA/ICAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSAtICAtID8g
            LSA/IC0gLSAgLSA/IC0gPyAgICAgLSAgLSAgIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0g
            IC0gICAtICAtID8gLSAtIC0gLSA/IC0gLeKAqA0/4oCoDSAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgLSA/IC0g
            LSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gICAtID8gLSAgLSA/
            IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gICAtID8gLSA/ICAgICAtICAtID8g
            LSAtIC0gPyAtICAtICAtID8gLSAtIC0gPyAtICAtICAgLSAgLSA/IC0gLSAtIC0gPyAtIC3igKgNP+KAqA0gIC0gPyAtID8gICAg
            IC0gIC0gPyAtIC0gLSA/IC0gICAtID8gLSAtIC0gLSA/IC0gLSAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgLSA/
            IC0gLSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gICAtID8gLSA/
            ICAgICAtICAtID8gLSAtIC0gPyAtICAtICAtID8gLSAtIC0gPyAtICAtID8gLSA/IC0gLSAgLSA/IC0gPyAtID8gLSA/IC0gLSAg
            LSA/IC0gPyAtICAtID8gLSA/IC0gLSAgICAgLSAgLSA/IC0gLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgLSA/IC0g
            IC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gID8gLSAtICAtID8gLSA/ICAgICAtICAtICAgLSA/IC0gPyAgICAgLSAg
            LSA/IC0gLSAtID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSAgIC0gIC0gPyAtIC0gLSAtID8gLSAt4oCoDT/igKgNICAtID8gLSA/
            ICAgICAtICAtID8gLSAtIC0gPyAtICAgLSA/IC0gLSAtIC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0g
            IC0gPyAtIC0gLSA/IC0gIC0gPyAtID8gLSAtICAtID8gLSA/IC0gIC0gPyAtID8gLSAtICAtID8gPyAgICAgLSAgLSA/IC0gLSAt
            ID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSA/IC0gPyAtIC0gIC0gPyAtID8gLSAgLSA/IC0g
            PyAtIC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gICAtID8gLSA/ICAgICAtICAtIC0/LSAgLSAg
            PyAtICAtICAtID8gLSAtIC0gPyAtICAtICAgLSAgLSA/IC0gLSAtIC0gPyAtIC0gIDsgPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/
            IC0gIC0gIC0gPyAtIC0gLSA/IC0gICAgLSAgLSA/IC0gLSAtID8gLSAgLSAgIC0gIC0gPyAtIC0gLSAtID8gLSAtICAtID8gLSA/
            IFZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVjJWVlZWVlZWVlZWVlZWVlYgICAgLSA/IC0gIC0gPyAtID8gLSAt
            ICAtID8gLSA/IC0gIC0gPyAtID8gLSAtICAtID8gLSA/ICAgICAtICAtICAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAg
            LSAgLSA/IC0gLSAtID8gLSAgLSA/IC0gPyAtIC0gIC0gPyAtID8gLSA/IC0gPyAtIC0gIC0gPyAtID8gLSAgLSA/IC0gPyAtIC0g
            ICAgIC0gIC0gPyAgICAgLSAgLSAgIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0gIC0gICAt
            ICAtID8gLSAtIC0gLSA/IC0gLeKAqA0/4oCoDSAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtID8gLSAgIC0gPyAtIC0gLSAtID8g
            LSAtICAtID8gLSA/ICAgICAtICAtID8gLSAtIC0gPyAtICAtICAtID8gLSAtIC0gPyAtICAtID8gLSA/IC0gLSAgLSA/IC0gPyAt
            ICAtID8gLSA/IC0gLSAgLSA/ID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0gIC0gPyAtID8gLSAtICAt
            ID8gLSA/IC0gPyAtID8gLSAtICAtID8gLSA/IC0gIC0gPyAtID8gLSAtICAtID8gLSA/ICAgICAtICAtID8gLSAtICAtID8gLSA/
            ICAgICAtICAtICAgLSA/IC0gPyAgICAgLSAgLSAtPy0gIC0gID8gLSAgLSAgLSA/IC0gLSAtID8gLSAgLSAgIC0gIC0gPyA6Cmc6
            Cj8gDS0gPyA/ID8gPyAgLSBjQWpNd3dzOgo/IA0tID8gPyAgLSA/IC0gIC0gPyAgLSAtID8gLSA/ICAgICAtICAtID8gLSAtIC0g
            PyAtICAtICAtID8gLSAtIC0gPyAtICAtID8gLSA/IC0gLSAgLSA/IC0gPyAtICAtID8gLSA/IC0gLSAgLSA/IC0gPyAgICAgLSAg
            LSAgIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0gIC0gICAtICAtID8gLS0gLSAtIC0gPyAt
            IC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0gIC0gPyAtIC0gLSA/IC0gICAgLSAgLSA/IC0gLSAtID8gLSAgLSAg
            IC0gIC0gPyAtIC0gLSAtID8gLSAtICAtID8gLSA/IFZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVjJWVlZWVlZW
            VlZWVlZWVlYgICAgLSA/IC0gIC0gLSA/IC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gICAtID8gLSA/ICAgICAtICAtID8gLSAt
            IC0gPyAtICAtICAtID8gLSAtIC0gPyAtICAtID8gLSA/IC0gLSAgLSA/IC0gPyAtID8gLSA/IC0gLSAgLSA/IC0gPyAtICAtID8g
            LSA/IC0gLSAgLSA/IC0gPyAgICAgLSAgLSA/IC0gLSAtIC0gPyAtIC0gIC0gPyAtID8gICAgIC0gIC0gPyAtIC0gLSA/IC0gIC0g
            IC0gPyAtID8gPyB3czoK
            """, options: .ignoreUnknownCharacters)!
        let path = try write("")
        try found.write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.self) { try RetrainJob.load(path) }
        do { _ = try RetrainJob.load(path) } catch let error as DataError {
            #expect(error.message.contains("a key in a job file is a plain name"), "\(error)")
        }
        let listKey = try error("job: j\n? [a, b]\n: 1\n")
        #expect(listKey.location?.line == 2 && listKey.message.contains("not a list"), "\(listKey)")
        let mappingKey = try error("job: j\n{a: b}: 1\n")
        #expect(mappingKey.location?.line == 2 && mappingKey.message.contains("not a mapping"), "\(mappingKey)")
        let aliasKey = try error("job: &n j\n*n : 1\n")
        #expect(aliasKey.location?.line == 2 && aliasKey.message.contains("alias cannot be a key"), "\(aliasKey)")
        // The file's mapping and 31 lists are 32 levels; a 33rd is refused where it opens.
        func nested(_ depth: Int) -> String { "job: j\nx: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n" }
        let deep = try error(nested(32))
        #expect(deep.location?.line == 2 && deep.location?.column == 35 && deep.message.contains("32 levels"), "\(deep)")
        #expect(try error(nested(31)).message.contains("32 levels") == false)
        // (libyaml's own scanner stops 1,000 levels down, before this pass sees the 32nd.)
        let deeper = try error("x: " + String(repeating: "[", count: 200_000))
        #expect(deeper.message.contains("32 levels") || deeper.message.contains("nesting level"), "\(deeper)")
        // Ten aliases of ten aliases, five times over: 10⁵ sources from six lines.
        var bomb = "job: j\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d")] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*" + previous, count: 10).joined(separator: ", ") + "]\n"
        }
        let expanded = try error(bomb + "sources: *e\n")
        #expect(expanded.location?.line == 6 && expanded.message.contains("100000 values"), "\(expanded)")
        // Anchors and aliases a person would write still read.
        let reused = try RetrainJob.load(try write("job: j\nsources:\n  - &s\n    csv: a.csv\n    id_column: store\n  - *s\nmodel: rlinear\nhorizon: 7\n"))
        #expect(reused.sources.count == 2)
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
