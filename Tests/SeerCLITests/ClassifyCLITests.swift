// `seer classify` end to end: MiniRocket on a synthetic two-class problem written as `.ts` files
// separates the classes, the confusion table's counts sum to the test size, predictions and
// confusion counts go to CSV, `--json` is one document; bad input — dimensions that differ, a test
// label the training set lacks, a NaN, one class only, a declared class without cases — exits 65
// naming the file and the case.
import Foundation
import SeerEval
@testable import SeerData
import Testing

struct ClassifyCLITests {
    /// The cases of a `.ts` file written by `tsFile`: each case's values (as written) and label.
    static func tsCases(_ path: String) throws -> [(values: [String], label: String)] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let data = lines.drop { !$0.hasPrefix("@data") }.dropFirst()
        return data.map { (line: String) -> (values: [String], label: String) in
            let parts = line.split(separator: ":").map(String.init)
            return (parts[0].split(separator: ",").map(String.init), parts[1])
        }
    }

    /// The cases as a wide CSV (id, label, v1…), a long CSV (case, step, value, label; rows
    /// reversed, so the step column must order them) and a long SQLite table named `name`.
    static func tables(_ path: String, name: String, database: String) throws -> (wide: String, long: String) {
        let rows = try tsCases(path)
        let widePath = DetectCLITests.temporary(name) + ".csv", longPath = DetectCLITests.temporary(name) + "-long.csv"
        var wide = (["id", "label"] + (1...rows[0].values.count).map { "v\($0)" }).joined(separator: ",") + "\n"
        var long: [String] = [], inserts: [String] = []
        for (c, row) in rows.enumerated() {
            wide += "\(name)\(c),\(row.label)," + row.values.joined(separator: ",") + "\n"
            for (t, value) in row.values.enumerated() {
                long.append("\(name)\(c),\(t),\(value),\(row.label)")
                inserts.append("('\(name)\(c)', \(t), \(value), '\(row.label)')")
            }
        }
        try wide.write(toFile: widePath, atomically: true, encoding: .utf8)
        try ("case,step,value,label\n" + long.reversed().joined(separator: "\n") + "\n").write(toFile: longPath, atomically: true, encoding: .utf8)
        let db = try SQLiteDatabase(path: database, mode: .readWrite)
        try db.execute("CREATE TABLE \(name) (case_id TEXT, step INTEGER, value REAL, label TEXT)")
        try db.execute("INSERT INTO \(name) VALUES " + inserts.joined(separator: ","))
        return (widePath, longPath)
    }

    /// The same cases as CSV (wide and long) and as SQLite tables classify exactly as the `.ts`
    /// file does, and the predictions name each case by its id.
    @Test func csvAndSQLiteCasesClassifyAsTheTsFileDoes() throws {
        let train = try Self.tsFile("train", cases: 20, seed: 3), test = try Self.tsFile("test", cases: 12, seed: 4)
        let database = DetectCLITests.temporary("cases") + ".sqlite"
        let trainTables = try Self.tables(train, name: "train", database: database), testTables = try Self.tables(test, name: "test", database: database)
        defer {
            for path in [train, test, database, trainTables.wide, trainTables.long, testTables.wide, testTables.long] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let fromTs = try CLITests.seer(["classify", train, test, "--json"])
        let fromWide = try CLITests.seer(["classify", trainTables.wide, testTables.wide, "--json"])
        let out = DetectCLITests.temporary("long-pred") + ".csv"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let fromLong = try CLITests.seer(["classify", trainTables.long, testTables.long, "--out", out, "--quiet"])
        let longPredictions = try String(contentsOfFile: out, encoding: .utf8)
        let fromSQLite = try CLITests.seer(["classify", "--sqlite", database, "train", "SELECT * FROM test ORDER BY case_id, step", "--quiet"])
        for run in [fromTs, fromWide, fromLong, fromSQLite] { #expect(run.status == 0, "\(run.stderr)") }
        func accuracy(_ json: String) throws -> Double {
            let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return try #require(document?["accuracy"] as? Double)
        }
        let tsAccuracy = try accuracy(fromTs.stdout), wideAccuracy = try accuracy(fromWide.stdout)
        #expect(tsAccuracy == wideAccuracy && tsAccuracy >= 0.9)
        #expect(longPredictions.hasPrefix("case,truth,predicted,p_early,p_late") && longPredictions.contains("\ntest0,"), "\(longPredictions)")
        #expect(fromSQLite.stdout.contains("accuracy") && fromSQLite.stdout.contains("12 cases"), "\(fromSQLite.stdout)")
        let bad = try CLITests.seer(["classify", "--sqlite", database, "train", "missing_table"])
        #expect(bad.status != 0 && bad.stderr.contains("no table or view named 'missing_table'"), "\(bad.stderr)")
    }

    /// A `.ts` file: class "early" has a bump in the first quarter, "late" in the last; `dims`
    /// channels (the signal in the last one).
    static func tsFile(_ name: String, cases: Int, seed: Int, dims: Int = 1, classes: String = "early late",
                       edit: (inout [String]) -> Void = { _ in }) throws -> String {
        var lines = ["@problemName Toy", "@timeStamps false", "@missing false", "@univariate \(dims == 1)"]
        if dims > 1 { lines.append("@dimensions \(dims)") }
        lines += ["@equalLength true", "@seriesLength 40", "@classLabel true \(classes)", "@data"]
        var generator = seed
        func noise() -> Double { generator = (generator &* 1103515245 &+ 12345) & 0x7fffffff; return Double(generator) / Double(0x7fffffff) - 0.5 }
        var cases_: [String] = []
        for i in 0..<cases {
            let late = i % 2 == 1
            let centre = (late ? 30.0 : 10.0) + 4 * noise()
            let signal = (0..<40).map { t in String(format: "%.4f", 3 * exp(-pow(Double(t) - centre, 2) / 8) + 0.2 * noise()) }
            let other = (0..<40).map { _ in String(format: "%.4f", noise()) }
            let channels = Array(repeating: other.joined(separator: ","), count: dims - 1) + [signal.joined(separator: ",")]
            cases_.append(channels.joined(separator: ":") + ":" + (late ? "late" : "early"))
        }
        edit(&cases_)
        let path = DetectCLITests.temporary(name) + ".ts"
        try (lines + cases_).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func miniRocketSeparatesTheClassesAndReportsTheConfusion() throws {
        let train = try Self.tsFile("train", cases: 30, seed: 1), test = try Self.tsFile("test", cases: 40, seed: 2)
        let predictions = DetectCLITests.temporary("pred") + ".csv", counts = DetectCLITests.temporary("conf") + ".csv"
        let report = DetectCLITests.temporary("report") + ".html"
        defer { for path in [train, test, predictions, counts, report] { try? FileManager.default.removeItem(atPath: path) } }
        let run = try CLITests.seer(["classify", train, test, "--out", predictions, "--confusion", counts, "--report", report])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("true \\ predicted") && run.stdout.contains("macro F1") && run.stdout.contains("40 cases"), "\(run.stdout)")
        #expect(run.stderr.contains("minirocket on \(test): accuracy"), "\(run.stderr)")
        let rows = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "case,truth,predicted,p_early,p_late" && rows.count == 41)
        let correct = rows.dropFirst().filter { let f = $0.split(separator: ","); return f[1] == f[2] }.count
        // The probabilities sum to 1 and the most likely class is the one predicted.
        for row in rows.dropFirst() {
            let f = row.split(separator: ",").map(String.init), p = f[3...].map { Double($0)! }
            #expect(abs(p.reduce(0, +) - 1) < 1e-4 && p.allSatisfy { $0 >= 0 && $0 <= 1 } && (p[0] > p[1] ? "early" : "late") == f[2], "\(row)")
        }
        #expect(correct >= 38, "\(correct)/40 correct")
        let json = try CLITests.seer(["classify", train, test, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let matrix = try #require((document["confusion"] as? [String: Any])?["counts"] as? [[Int]])
        #expect(matrix.joined().reduce(0, +) == 40 && (document["accuracy"] as? Double ?? 0) >= 0.95)
        #expect(try String(contentsOfFile: counts, encoding: .utf8).contains("early"))
        // The report: well formed, with the heatmap (its cells hold counts summing to 40) and the scores.
        let page = try String(contentsOfFile: report, encoding: .utf8)
        #expect(MarkupCheck.problem(in: page) == nil, "\(MarkupCheck.problem(in: page) ?? "")")
        #expect(page.contains("<svg") && page.contains("Confusion matrix") && page.contains("leave-one-out") && page.contains("macro F1"))
        // The bundled ItalyPowerDemand training file classifies itself almost perfectly.
        let italy = try CLITests.seer(["classify", "data/ItalyPowerDemand_TRAIN.ts", "data/ItalyPowerDemand_TRAIN.ts", "--json"])
        let italyDocument = try #require(try JSONSerialization.jsonObject(with: Data(italy.stdout.utf8)) as? [String: Any])
        #expect((italyDocument["accuracy"] as? Double ?? 0) >= 0.95 && italyDocument["testCases"] as? Int == 67, "\(italy.stderr)")
    }

    /// `--save DIR` writes a model directory; `seer predict --model DIR` classifies with it exactly
    /// as the run that trained it did; a damaged directory or a CSV input is refused.
    @Test func aSavedClassifierPredictsTheSame() throws {
        let train = try Self.tsFile("train", cases: 20, seed: 7, dims: 2), test = try Self.tsFile("test", cases: 24, seed: 8, dims: 2)
        let directory = DetectCLITests.temporary("model"), predictions = DetectCLITests.temporary("pred") + ".csv"
        defer { for path in [train, test, directory, predictions] { try? FileManager.default.removeItem(atPath: path) } }
        let run = try CLITests.seer(["classify", train, test, "--save", directory, "--out", predictions, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory + "/model.safetensors") && FileManager.default.fileExists(atPath: directory + "/config.json"))
        let predicted = try CLITests.seer(["predict", "--model", directory, test])
        let written = try String(contentsOfFile: predictions, encoding: .utf8)
        #expect(predicted.status == 0 && predicted.stdout == written, "\(predicted.stderr)")
        #expect(predicted.stderr.contains("minirocket from \(directory): accuracy"), "\(predicted.stderr)")
        let csv = try CLITests.seer(["predict", "--model", directory, "data/airline_passengers.csv"])
        #expect(csv.status == 64 && csv.stderr.contains("needs a case id column"), "a series file is not a table of cases: \(csv.stderr)")
        let oneDim = try Self.tsFile("one", cases: 4, seed: 9)
        defer { try? FileManager.default.removeItem(atPath: oneDim) }
        let wrongDims = try CLITests.seer(["predict", "--model", directory, oneDim])
        #expect(wrongDims.status == 65 && wrongDims.stderr.contains("the classifier was trained on 2"), "\(wrongDims.stderr)")
        // A config whose class list no longer fits the saved weights.
        let config = directory + "/config.json"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "\"late\"", with: "\"late\", \"extra\"").write(toFile: config, atomically: true, encoding: .utf8)
        let damaged = try CLITests.seer(["predict", "--model", directory, test])
        #expect(damaged.status == 65 && damaged.stderr.contains("do not fit together"), "\(damaged.stderr)")
    }

    @Test func badInputExits65NamingTheFileAndCase() throws {
        let train = try Self.tsFile("train", cases: 10, seed: 1)
        var made = [train]
        defer { for path in made { try? FileManager.default.removeItem(atPath: path) } }
        func expectRefused(_ trainPath: String, _ testPath: String, _ message: String) throws {
            let run = try CLITests.seer(["classify", trainPath, testPath])
            #expect(run.status == 65 && run.stderr.contains(message), "\(message): \(run.status) \(run.stderr)")
        }
        let twoDims = try Self.tsFile("dims", cases: 6, seed: 3, dims: 2)
        made.append(twoDims)
        try expectRefused(train, twoDims, "the test set has 2 dimension(s); the training set has 1")
        let strange = try Self.tsFile("strange", cases: 4, seed: 3, classes: "early late odd") { $0[1] = $0[1].replacingOccurrences(of: ":late", with: ":odd") }
        made.append(strange)
        try expectRefused(train, strange, "test case 2 has class 'odd', which the training set does not have")
        let nan = try Self.tsFile("nan", cases: 10, seed: 4) { $0[3] = "NaN," + $0[3].split(separator: ",", maxSplits: 1)[1] }
        made.append(nan)
        try expectRefused(nan, train, "case 4, dimension 1, value 1 is nan")
        // A finite value too large for the features (they would overflow to NaN) is refused too.
        let huge = try Self.tsFile("huge", cases: 10, seed: 4) { $0[2] = "1e30," + $0[2].split(separator: ",", maxSplits: 1)[1] }
        made.append(huge)
        try expectRefused(huge, train, "case 3, dimension 1, value 1 is 1e+30; values beyond ±1e18 cannot be classified")
        let ensembleOfRockets = try CLITests.seer(["classify", train, train, "--seeds", "3"])
        #expect(ensembleOfRockets.status == 64 && ensembleOfRockets.stderr.contains("--seeds ensembles nets"), "\(ensembleOfRockets.stderr)")
        let single = try Self.tsFile("single", cases: 6, seed: 5, classes: "early") { $0 = $0.filter { $0.hasSuffix(":early") } }
        made.append(single)
        try expectRefused(single, train, "1 class(es) with cases; a classifier needs at least 2")
        let epochs = try CLITests.seer(["classify", train, train, "--model", "nt", "--epochs", "0"])
        #expect(epochs.status == 64 && epochs.stderr.contains("--epochs must be at least 1"))
        let empty = try Self.tsFile("empty", cases: 6, seed: 6, classes: "early late never")
        made.append(empty)
        try expectRefused(empty, train, "class 'never' is declared but has no training case")
    }
}

struct ClassifyExampleTests {
    @Test func classifyExampleRunsOnThePublicAPI() throws {
        let run = try CLITests.run(CLITests.executable("seer-example-classify"), ["data/ItalyPowerDemand_TRAIN.ts"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("ItalyPowerDemand: 34 training and 33 test cases") && run.stdout.contains("saved and loaded: same predictions"), "\(run.stdout)")
    }
}
