// Resampling a train/test pair as the archive's published "30 resamples" do: resample 0 is the
// pair itself; any other keeps the training set's count per class, uses every case exactly once,
// is the same for the same number and differs between numbers; test classes the training set
// lacks stay in the test set under their own names.
import SeerBase
import SeerData
import Testing

struct ClassificationResamplingTests {
    /// Case i of a set holds the single value `base + i`, so a case's origin can be traced.
    static func set(_ labels: [Int], names: [String], base: Float) throws -> ClassificationDataset {
        try ClassificationDataset(name: "toy", classNames: names, labels: labels, cases: labels.indices.map { [[base + Float($0), 1]] })
    }

    @Test func aResampleKeepsTheClassCountsAndUsesEveryCaseOnce() throws {
        let train = try Self.set([0, 0, 1, 1, 1], names: ["a", "b"], base: 0)
        // The test set lists its classes in the other order: labels are matched by name.
        let test = try Self.set([0, 1, 1, 0, 1, 0], names: ["b", "a"], base: 100)
        let same = try ClassificationDataset.resampled(train: train, test: test, resample: 0)
        #expect(same.train == train && same.test == test)
        var splits: [[Float]] = []
        for r in 1...4 {
            let (newTrain, newTest) = try ClassificationDataset.resampled(train: train, test: test, resample: r)
            #expect(newTrain.classCounts == train.classCounts && newTest.caseCount == test.caseCount)
            let firsts = (0..<newTrain.caseCount).map { newTrain.series(case: $0, dimension: 0).first! }
                + (0..<newTest.caseCount).map { newTest.series(case: $0, dimension: 0).first! }
            #expect(firsts.sorted() == [0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 105])
            // Each case keeps its class: training cases 0–1 are "a", test cases 100, 103, 105 are "b".
            for set in [newTrain, newTest] {
                for c in 0..<set.caseCount {
                    let origin = set.series(case: c, dimension: 0).first!
                    let expected = origin < 2 || origin == 101 || origin == 102 || origin == 104 ? "a" : "b"
                    #expect(set.className(case: c) == expected, "case from \(origin)")
                }
            }
            let again = try ClassificationDataset.resampled(train: train, test: test, resample: r)
            #expect(again.train == newTrain && again.test == newTest)
            splits.append(firsts)
        }
        #expect(Set(splits.map { $0.description }).count > 1, "different resamples deal different splits")
    }

    @Test func aTestOnlyClassStaysInTheTestSet() throws {
        let train = try Self.set([0, 1, 0, 1], names: ["a", "b"], base: 0)
        let test = try Self.set([0, 1, 2], names: ["a", "b", "z"], base: 100)
        let (newTrain, newTest) = try ClassificationDataset.resampled(train: train, test: test, resample: 3)
        #expect(newTrain.classNames == ["a", "b"] && newTrain.classCounts == [2, 2])
        #expect(newTest.classNames == ["a", "b", "z"] && newTest.classCounts == [1, 1, 1])
        #expect(newTest.series(case: 2, dimension: 0).first == 102)
    }
}
