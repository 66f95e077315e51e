// The container for time-series classification data (UCR/UEA archive and the like): cases of one
// or more dimensions, each dimension a series that may differ in length from case to case, and
// one class label per case. Values are stored in one flat Float32 buffer with an offset and a
// length per (case, dimension), so a dataset is three allocations rather than one per series
// and a kernel can take the buffer pointer once.
import SeerBase

/// Labelled (or unlabelled) multivariate series for classification.
///
/// Series `(c, d)` occupies `values[offsets[i] ..< offsets[i] + lengths[i]]` with
/// `i = c * dimensions + d`. `Float.nan` marks a missing value.
public struct ClassificationDataset: Sendable {
    /// The problem name (`@problemName`, or the file name without `_TRAIN`/`_TEST`).
    public let name: String
    /// Class names; `labels` index into this. Declaration order when the file lists the
    /// classes (`@classLabel true a b c`), else the order in which they first appear.
    /// Empty for an unlabelled dataset.
    public let classNames: [String]
    /// The class of each case as an index into `classNames`; empty for an unlabelled dataset.
    public let labels: [Int]
    /// Number of dimensions (channels) per case; every case has the same number.
    public let dimensions: Int
    /// All values, case by case and within a case dimension by dimension.
    public let values: [Float]
    /// Start of series `(c, d)` in `values`, at index `c * dimensions + d`.
    public let offsets: [Int]
    /// Length of series `(c, d)`, at index `c * dimensions + d`.
    public let lengths: [Int]
    /// The cases' own ids where the source names them (a CSV or SQL id column); empty otherwise,
    /// when a case is known by its 1-based position.
    public var caseIds: [String] = []

    /// Builds a dataset from the flat layout; throws a `.usage` error when the parts disagree
    /// (a length or offset outside `values`, a label outside `classNames`, a label count that
    /// is neither zero nor the case count).
    public init(name: String, classNames: [String], labels: [Int], dimensions: Int,
                values: [Float], offsets: [Int], lengths: [Int]) throws {
        guard dimensions >= 1 else {
            throw DataError(.usage, "a classification dataset needs at least one dimension, got \(dimensions)")
        }
        guard offsets.count == lengths.count, lengths.count % dimensions == 0 else {
            throw DataError(.usage, "\(offsets.count) offsets and \(lengths.count) lengths do not describe whole cases of \(dimensions) dimensions")
        }
        let cases = lengths.count / dimensions
        guard labels.isEmpty || labels.count == cases else {
            throw DataError(.usage, "\(labels.count) labels for \(cases) cases")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            throw DataError(.usage, "label index \(bad) is outside the \(classNames.count) class names")
        }
        for i in 0..<lengths.count where lengths[i] < 0 || offsets[i] < 0 || offsets[i] > values.count - lengths[i] {
            throw DataError(.usage, "series \(i) (offset \(offsets[i]), length \(lengths[i])) lies outside the \(values.count) values")
        }
        self.name = name
        self.classNames = classNames
        self.labels = labels
        self.dimensions = dimensions
        self.values = values
        self.offsets = offsets
        self.lengths = lengths
    }

    /// Number of cases (examples).
    public var caseCount: Int { lengths.count / dimensions }

    /// Whether each case carries a class label.
    public var isLabelled: Bool { !labels.isEmpty }

    /// The values of dimension `dimension` of case `c` (both 0-based).
    public func series(case c: Int, dimension: Int) -> ArraySlice<Float> {
        let i = index(c, dimension)
        return values[offsets[i] ..< offsets[i] + lengths[i]]
    }

    /// The length of dimension `dimension` of case `c` (both 0-based).
    public func length(case c: Int, dimension: Int) -> Int { lengths[index(c, dimension)] }

    /// Case `c`'s id: its own where the source has one, else its 1-based position.
    public func caseId(_ c: Int) -> String { caseIds.count == caseCount ? caseIds[c] : String(c + 1) }

    /// The class name of case `c`, or nil for an unlabelled dataset.
    public func className(case c: Int) -> String? { isLabelled ? classNames[labels[c]] : nil }

    /// The shortest series over all cases and dimensions (0 for an empty dataset).
    public var minLength: Int { lengths.min() ?? 0 }

    /// The longest series over all cases and dimensions (0 for an empty dataset).
    public var maxLength: Int { lengths.max() ?? 0 }

    /// Whether every series of every case has the same length.
    public var isEqualLength: Bool { lengths.allSatisfy { $0 == lengths.first } }

    /// Number of cases per class, indexed like `classNames`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// Number of missing (NaN) values.
    public var missingCount: Int {
        values.withUnsafeBufferPointer { buffer in
            var count = 0
            for x in buffer where x.isNaN { count += 1 }
            return count
        }
    }

    private func index(_ c: Int, _ dimension: Int) -> Int {
        precondition(c >= 0 && c < caseCount, "case \(c) is outside 0..<\(caseCount)")
        precondition(dimension >= 0 && dimension < dimensions, "dimension \(dimension) is outside 0..<\(dimensions)")
        return c * dimensions + dimension
    }
}

extension ClassificationDataset: Equatable {
    /// Equal when every part is equal, a missing value matching a missing value: NaN marks
    /// "no data" here, so a dataset with gaps must still equal a copy of itself.
    public static func == (a: ClassificationDataset, b: ClassificationDataset) -> Bool {
        guard a.name == b.name, a.classNames == b.classNames, a.labels == b.labels,
              a.dimensions == b.dimensions, a.offsets == b.offsets, a.lengths == b.lengths,
              a.values.count == b.values.count else { return false }
        return a.values.withUnsafeBufferPointer { x in
            b.values.withUnsafeBufferPointer { y in
                for i in 0..<x.count where x[i] != y[i] && !(x[i].isNaN && y[i].isNaN) { return false }
                return true
            }
        }
    }
}
