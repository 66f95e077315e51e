// A classification program written against Seer's public API only (`import Seer`): split a UCR
// dataset's cases into a training and a test half, fit MiniRocket, print the confusion table, then
// save the classifier and check the loaded one predicts the same.
//
//   swift run seer-example-classify [data/ItalyPowerDemand_TRAIN.ts]
import Foundation
import Seer

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "data/ItalyPowerDemand_TRAIN.ts"

/// The cases at `indices` of `data` as a dataset of their own.
func subset(_ data: ClassificationDataset, _ indices: [Int], name: String) throws -> ClassificationDataset {
    var values: [Float] = [], offsets: [Int] = [], lengths: [Int] = []
    for c in indices {
        for d in 0..<data.dimensions {
            offsets.append(values.count)
            let series = data.series(case: c, dimension: d)
            lengths.append(series.count)
            values += series
        }
    }
    return try ClassificationDataset(name: name, classNames: data.classNames, labels: indices.map { data.labels[$0] },
                                     dimensions: data.dimensions, values: values, offsets: offsets, lengths: lengths)
}

do {
    let data = try UCRReader.load(path)
    let train = try subset(data, Array(stride(from: 0, to: data.caseCount, by: 2)), name: "train")
    let test = try subset(data, Array(stride(from: 1, to: data.caseCount, by: 2)), name: "test")
    print("\(data.name): \(train.caseCount) training and \(test.caseCount) test cases, classes \(data.classNames.joined(separator: ", "))")

    let result = try ClassifyRun(train: train, test: test, trainPath: "even cases", testPath: "odd cases").run()
    print(result.confusion!.text, terminator: "")

    let classifier = try Classifier(model: .minirocket, fitting: train)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-example-classifier-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try classifier.save(to: directory)
    let same = try Classifier.load(from: directory).predict(test) == classifier.predict(test)
    print("saved and loaded: \(same ? "same predictions" : "DIFFERENT predictions")")
    if !same || (result.accuracy ?? 0) < 0.9 { exit(1) }
} catch {
    FileHandle.standardError.write(Data("seer-example-classify: \(error)\n".utf8))
    exit(1)
}
