// `seer bench everyday`: rolling-origin backtests of everyday series (../shared/data/classic by
// default) — each Seer model and auto beside statsforecast's AutoETS, AutoTheta and AutoARIMA.
import ArgumentParser
import Foundation
import Seer
import SeerBench

struct EverydayBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "everyday",
        abstract: "Everyday series (monthly, quarterly, yearly …): Seer's models and auto beside statsforecast, by rolling-origin MASE.")

    @Option(help: "A folder of CSV series (time, value), or comma-separated CSV files.")
    var data = "../shared/data/classic"

    @Option(help: "Rolling-origin folds, H apart, ending at the last row (fewer on short series).")
    var folds = 5

    @Option(help: "Seer models backtested on their own, comma-separated (auto always runs, both ways of choosing).")
    var models = "seasonal-naive,theta,ets,arima,mstl,dlinear,rlinear,nt,dijiang"

    @Option(help: "Most training epochs of the nets and linear models (default: their automatic budget).")
    var epochs: Int?

    @Option(help: "Also run auto with its best K candidates combined by their median (1: not).")
    var combine = 3

    @Flag(help: "Skip the statsforecast comparison.")
    var noPeer = false

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            let families = try modelList(models, known: ModelFamily.allCases.map(\.rawValue)).map { ModelFamily(rawValue: $0)! }
            var isDirectory: ObjCBool = false
            let files: [String]
            if FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue {
                files = try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasSuffix(".csv") }.sorted().map { data + "/" + $0 }
            } else {
                files = listItems(data)
            }
            for file in files where !FileManager.default.fileExists(atPath: file) {
                throw DataError(.missingInput, "no such file (the classic series live in ../shared/data/classic; give --data)", file: file)
            }
            guard !files.isEmpty else { throw DataError(.missingInput, "holds no CSV files", file: data) }
            let result = try EverydayBenchmark(files: files, folds: max(1, folds), models: families, epochs: epochs, peer: !noPeer, log: !json, combine: max(1, combine)).run()
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
