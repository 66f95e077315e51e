// A classification program written against Seer's public API only (`import Seer`): split a UCR
// dataset's cases into a training and a test half, fit MiniRocket, print the confusion table, then
// save the classifier, check the loaded one predicts the same, and print one case's class
// probabilities.
//
//   swift run seer-example-classify [data/ItalyPowerDemand_TRAIN.ts]
import Foundation
import Seer

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "data/ItalyPowerDemand_TRAIN.ts"

do {
    let data = try UCRReader.load(path)
    let train = try data.subset(Array(stride(from: 0, to: data.caseCount, by: 2)))
    let test = try data.subset(Array(stride(from: 1, to: data.caseCount, by: 2)))
    print("\(data.name): \(train.caseCount) training and \(test.caseCount) test cases, classes \(data.classNames.joined(separator: ", "))")

    let result = try ClassifyRun(train: train, test: test, trainPath: "even cases", testPath: "odd cases").run()
    print(result.confusion!.text, terminator: "")

    let classifier = try Classifier(model: .minirocket, fitting: train)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-example-classifier-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try classifier.save(to: directory)
    let same = try Classifier.load(from: directory).predict(test) == classifier.predict(test)
    // Probabilities per class, in classNames order; the first test case's, as an example.
    let first = try classifier.predictProbabilities(test)[0]
    print("case 1: " + zip(classifier.classNames, first).map { "p(\($0)) = \(String(format: "%.3f", $1))" }.joined(separator: ", "))
    print("saved and loaded: \(same ? "same predictions" : "DIFFERENT predictions")")
    if !same || (result.accuracy ?? 0) < 0.9 { exit(1) }
} catch {
    FileHandle.standardError.write(Data("seer-example-classify: \(error)\n".utf8))
    exit(1)
}
