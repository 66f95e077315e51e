// Building classification datasets from cases, taking subsets, and the archive's resampling
// protocol: the published "mean of 30 resamples" figures (Bagnall et al. 2017, Middlehurst et al.
// 2023) pool a problem's train and test cases and deal new splits that keep the original
// training set's count per class; resample 0 is the split as published. A benchmark that
// compares with those figures must score the same protocol, not the one fixed split.
import SeerBase

extension ClassificationDataset {
    /// A dataset from cases given as channels × steps (each case the same channel count; lengths
    /// may differ), with `labels` indexing `classNames` (empty: unlabelled).
    public init(name: String, classNames: [String], labels: [Int], cases: [[[Float]]]) throws {
        guard let dimensions = cases.first?.count else { throw DataError(.usage, "a classification dataset needs at least one case") }
        guard cases.allSatisfy({ $0.count == dimensions }) else { throw DataError(.usage, "every case needs \(dimensions) dimension(s)") }
        var values: [Float] = [], offsets: [Int] = [], lengths: [Int] = []
        for case_ in cases {
            for channel in case_ {
                offsets.append(values.count)
                lengths.append(channel.count)
                values += channel
            }
        }
        try self.init(name: name, classNames: classNames, labels: labels, dimensions: dimensions, values: values, offsets: offsets, lengths: lengths)
    }

    /// Case `c` as channels × steps.
    public func channels(case c: Int) -> [[Float]] { (0..<dimensions).map { Array(series(case: c, dimension: $0)) } }

    /// The cases at `indices`, in that order, with their labels and this dataset's class names.
    public func subset(_ indices: [Int]) throws -> ClassificationDataset {
        var subset = try ClassificationDataset(name: name, classNames: classNames, labels: isLabelled ? indices.map { labels[$0] } : [],
                                               cases: indices.map(channels(case:)))
        subset.caseIds = caseIds.count == caseCount ? indices.map { caseIds[$0] } : []
        return subset
    }

    /// Resample `resample` of a labelled train/test pair: 0 is the pair itself; any other pools
    /// both sets and deals a new split, seeded by the resample number, that keeps the training
    /// set's count per class (test labels are matched to training classes by name; a test case of
    /// a class the training set lacks stays in the test set).
    public static func resampled(train: ClassificationDataset, test: ClassificationDataset, resample: Int) throws
        -> (train: ClassificationDataset, test: ClassificationDataset) {
        guard resample > 0 else { return (train, test) }
        guard train.isLabelled, test.isLabelled, train.dimensions == test.dimensions else {
            throw DataError(.usage, "resampling needs a labelled train and test set of the same dimensions")
        }
        // Pool: training cases first, then test cases, labels in the training set's class order.
        var cases = (0..<train.caseCount).map(train.channels(case:))
        var labels = train.labels
        var stranded: [Int] = []
        for c in 0..<test.caseCount {
            if let k = train.classNames.firstIndex(of: test.classNames[test.labels[c]]) {
                cases.append(test.channels(case: c))
                labels.append(k)
            } else {
                stranded.append(c)
            }
        }
        var rng = SeededGenerator(seed: UInt64(resample))
        var trainIndices: [Int] = [], testIndices: [Int] = []
        for (k, wanted) in train.classCounts.enumerated() {
            var members = labels.indices.filter { labels[$0] == k }
            members.shuffle(using: &rng)
            trainIndices += members.prefix(wanted)
            testIndices += members.dropFirst(wanted)
        }
        guard !testIndices.isEmpty else {
            throw DataError(.usage, "resampling needs test cases of the training set's classes; the test set shares none (\(train.classNames.joined(separator: ", ")))")
        }
        trainIndices.sort()
        testIndices.sort()
        let pooled = try ClassificationDataset(name: train.name, classNames: train.classNames, labels: labels, cases: cases)
        let newTest = try pooled.subset(testIndices)
        guard !stranded.isEmpty else { return (try pooled.subset(trainIndices), newTest) }
        // Test-only classes keep their own names after the training classes.
        let extraNames = Array(Set(stranded.map { test.classNames[test.labels[$0]] })).sorted()
        let names = train.classNames + extraNames
        let extraLabels = stranded.map { names.firstIndex(of: test.classNames[test.labels[$0]])! }
        let finalTest = try ClassificationDataset(name: test.name, classNames: names, labels: newTest.labels + extraLabels,
                                                  cases: (0..<newTest.caseCount).map(newTest.channels(case:)) + stranded.map(test.channels(case:)))
        return (try pooled.subset(trainIndices), finalTest)
    }
}
