// Tests of the UCR/UEA classification readers: the shared archive files against the table in
// shared/data/README.md §7 (skipped when ../shared/data is absent), and tiny inline .ts/.tsv
// texts for each feature of the formats and each bad-input check.
import SeerBase
import Foundation
import Testing
@testable import SeerData

/// Where the shared archive lives, and scratch files for the inline cases.
private enum UCRFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let ucrRoot = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/ucr")
    static let available = FileManager.default.fileExists(atPath: ucrRoot.appendingPathComponent("GunPoint").path)
    static let missingMessage: Comment = "../shared/data/ucr is absent: skipping the UCR/UEA archive tests"

    static func archive(_ name: String, _ split: String) -> String {
        ucrRoot.appendingPathComponent("\(name)/\(name)_\(split).ts").path
    }

    /// Writes `bytes` as `fileName` in a fresh temporary directory and returns its path.
    static func write(_ bytes: [UInt8], as fileName: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-ucr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(fileName)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func load(_ text: String, as fileName: String = "Tiny_TRAIN.ts") throws -> ClassificationDataset {
        try UCRReader.load(write(Array(text.utf8), as: fileName))
    }

    /// Loads `text` expecting a bad-input error on `line`; returns it for further checks.
    static func expectBad(_ text: String, as fileName: String = "Bad.ts", line: Int, column: Int? = nil,
                          mentions phrase: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> DataError? {
        try expectBad(bytes: Array(text.utf8), as: fileName, line: line, column: column, mentions: phrase,
                      sourceLocation: sourceLocation)
    }

    static func expectBad(bytes: [UInt8], as fileName: String = "Bad.ts", line: Int, column: Int? = nil,
                          mentions phrase: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> DataError? {
        let path = try write(bytes, as: fileName)
        let error = #expect(throws: DataError.self, sourceLocation: sourceLocation) { try UCRReader.load(path) }
        guard let error else { return nil }
        #expect(error.kind == .badInput, sourceLocation: sourceLocation)
        #expect(error.location?.file == path, sourceLocation: sourceLocation)
        #expect(error.location?.line == line, "\(error)", sourceLocation: sourceLocation)
        if let column { #expect(error.location?.column == column, "\(error)", sourceLocation: sourceLocation) }
        #expect(error.message.contains(phrase), "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

/// One row of the README table, with per-class counts counted from the files themselves.
struct ArchiveCase: Sendable, CustomTestStringConvertible {
    var name: String
    var split: String
    var classCounts: [Int]
    var dimensions: Int
    /// The one length of every series, or nil for variable-length data.
    var length: Int?
    var testDescription: String { "\(name)_\(split)" }
}

private let archiveCases: [ArchiveCase] = [
    ArchiveCase(name: "GunPoint", split: "TRAIN", classCounts: [24, 26], dimensions: 1, length: 150),
    ArchiveCase(name: "GunPoint", split: "TEST", classCounts: [76, 74], dimensions: 1, length: 150),
    ArchiveCase(name: "ItalyPowerDemand", split: "TRAIN", classCounts: [34, 33], dimensions: 1, length: 24),
    ArchiveCase(name: "ItalyPowerDemand", split: "TEST", classCounts: [513, 516], dimensions: 1, length: 24),
    ArchiveCase(name: "ArrowHead", split: "TRAIN", classCounts: [12, 12, 12], dimensions: 1, length: 251),
    ArchiveCase(name: "ArrowHead", split: "TEST", classCounts: [69, 53, 53], dimensions: 1, length: 251),
    ArchiveCase(name: "BasicMotions", split: "TRAIN", classCounts: [10, 10, 10, 10], dimensions: 6, length: 100),
    ArchiveCase(name: "BasicMotions", split: "TEST", classCounts: [10, 10, 10, 10], dimensions: 6, length: 100),
    ArchiveCase(name: "JapaneseVowels", split: "TRAIN", classCounts: [Int](repeating: 30, count: 9), dimensions: 12, length: nil),
    ArchiveCase(name: "JapaneseVowels", split: "TEST", classCounts: [31, 35, 88, 44, 29, 24, 40, 50, 29], dimensions: 12, length: nil),
]

@Suite("UCR archive files", .enabled(if: UCRFiles.available, UCRFiles.missingMessage))
struct UCRArchiveTests {
    @Test("Case counts, classes, dimensions and lengths match the README table", arguments: archiveCases)
    func matchesTable(_ expected: ArchiveCase) throws {
        let data = try UCRReader.load(UCRFiles.archive(expected.name, expected.split))
        #expect(data.name == expected.name)
        #expect(data.caseCount == expected.classCounts.reduce(0, +))
        #expect(data.labels.count == data.caseCount)
        #expect(data.classNames.count == expected.classCounts.count)
        #expect(data.classCounts == expected.classCounts)
        #expect(data.dimensions == expected.dimensions)
        #expect(data.missingCount == 0)
        if let length = expected.length {
            #expect(data.isEqualLength)
            #expect(data.minLength == length && data.maxLength == length)
        } else {
            // JapaneseVowels: 7 to 29 frames per utterance, the same within a case.
            #expect(!data.isEqualLength)
            #expect(data.minLength >= 7 && data.maxLength <= 29 && data.minLength < data.maxLength)
            for c in 0..<data.caseCount {
                let lengths = (0..<data.dimensions).map { data.length(case: c, dimension: $0) }
                #expect(Set(lengths).count == 1, "case \(c) has dimensions of lengths \(lengths)")
            }
        }
    }

    @Test("GunPoint_TRAIN starts with the values and label in the file")
    func gunPointGolden() throws {
        let data = try UCRReader.load(UCRFiles.archive("GunPoint", "TRAIN"))
        #expect(data.classNames == ["1", "2"])
        let first = data.series(case: 0, dimension: 0)
        #expect(first.count == 150)
        #expect(first.first == Float(-0.6478854))
        #expect(first.last == Float(-0.63865722))
        #expect(data.className(case: 0) == "2")
    }

    @Test("BasicMotions keeps the @classLabel order of its class names")
    func basicMotionsClassNames() throws {
        let data = try UCRReader.load(UCRFiles.archive("BasicMotions", "TRAIN"))
        #expect(data.classNames == ["Standing", "Running", "Walking", "Badminton"])
        #expect(data.className(case: 0) == "Standing")
        #expect(data.series(case: 0, dimension: 5).last == Float(-0.03196))
    }
}

@Suite("UCR .ts and .tsv readers")
struct UCRReaderTests {
    @Test("Variable-length multivariate cases are stored flat")
    func variableLengthMultivariate() throws {
        let data = try UCRFiles.load("""
            @problemName Tiny
            @timeStamps false
            @missing false
            @univariate false
            @dimensions 2
            @equalLength false
            @classLabel true a b
            @data
            1,2,3:4,5:a
            6:7,8,9,10:b
            """)
        #expect(data.name == "Tiny")
        #expect(data.caseCount == 2 && data.dimensions == 2)
        #expect(data.classNames == ["a", "b"] && data.labels == [0, 1])
        #expect(Array(data.series(case: 0, dimension: 0)) == [1, 2, 3])
        #expect(Array(data.series(case: 0, dimension: 1)) == [4, 5])
        #expect(Array(data.series(case: 1, dimension: 0)) == [6])
        #expect(Array(data.series(case: 1, dimension: 1)) == [7, 8, 9, 10])
        #expect(data.values == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(data.offsets == [0, 3, 5, 6] && data.lengths == [3, 2, 1, 4])
        #expect(data.minLength == 1 && data.maxLength == 4 && !data.isEqualLength)
    }

    @Test("'?', NaN and empty values are missing")
    func missingValues() throws {
        let data = try UCRFiles.load("@missing true\n@classLabel true x\n@data\n1,?,3,NaN, ,6:x\n")
        let values = Array(data.series(case: 0, dimension: 0))
        #expect(values.count == 6)
        #expect(values[0] == 1 && values[2] == 3 && values[5] == 6)
        #expect(values[1].isNaN && values[3].isNaN && values[4].isNaN)
        #expect(data.missingCount == 3)
        #expect(data == data, "NaN counts as equal to NaN")
    }

    @Test("String labels: declared order when listed, first-seen order when not")
    func stringLabels() throws {
        let declared = try UCRFiles.load("@classLabel true cat dog\n@data\n1,2:dog\n3,4:cat\n5,6:dog\n")
        #expect(declared.classNames == ["cat", "dog"] && declared.labels == [1, 0, 1])
        #expect(declared.classCounts == [1, 2])

        let seen = try UCRFiles.load("@classLabel true\n@data\n1,2:dog\n3,4:cat\n5,6:dog\n")
        #expect(seen.classNames == ["dog", "cat"] && seen.labels == [0, 1, 0])
        #expect(seen.classCounts == [2, 1])
    }

    @Test("@classLabel false: no labels, the last field is a dimension")
    func unlabelled() throws {
        let data = try UCRFiles.load("@dimensions 2\n@classLabel false\n@data\n1,2:3,4\n5,6:7,8\n")
        #expect(!data.isLabelled && data.labels.isEmpty && data.classNames.isEmpty)
        #expect(data.caseCount == 2 && data.dimensions == 2)
        #expect(Array(data.series(case: 1, dimension: 1)) == [7, 8])
    }

    @Test("Comments, blank lines, CRLF, case-insensitive tags and no problem name")
    func commentsAndCRLF() throws {
        let text = "# a comment\r\n\r\n@TIMESTAMPS false\r\n# another\r\n@classlabel TRUE 1 2\r\n@Data\r\n# inside data\r\n 1.5, 2.5 :1\r\n\r\n3e1,-4:2\r\n"
        let data = try UCRFiles.load(text, as: "Coffee_TEST.ts")
        #expect(data.name == "Coffee")
        #expect(data.caseCount == 2 && data.labels == [0, 1])
        #expect(data.values == [1.5, 2.5, 30, -4])
    }

    @Test(".tsv: label first, tab or comma separated, NaN padding trimmed")
    func tsvLayout() throws {
        let data = try UCRFiles.load("1\t0.5\t0.25\tNaN\tNaN\n-1\t1\t2\t3\n1\t4\t\t5\t\n", as: "Wafer_TRAIN.tsv")
        #expect(data.name == "Wafer" && data.dimensions == 1)
        #expect(data.classNames == ["1", "-1"] && data.labels == [0, 1, 0])
        #expect(data.lengths == [2, 3, 3])
        #expect(Array(data.series(case: 2, dimension: 0))[1].isNaN, "an inner gap stays missing")
        #expect(data.missingCount == 1)

        let commas = try UCRFiles.load("2,1,2\n1,3,4\n", as: "X.txt")
        #expect(commas.classNames == ["2", "1"] && commas.values == [1, 2, 3, 4])

        let spaces = try UCRFiles.load("  1.0000000e+00  -6.4788544e-01  1.0\n  2.0000000e+00   2.0  3.0\n", as: "Y.txt")
        #expect(spaces.classNames == ["1.0000000e+00", "2.0000000e+00"])
        #expect(spaces.values == [-0.64788544, 1, 2, 3])
    }

    @Test("A missing file is missing input (exit 66), a directory too")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-none-\(UUID().uuidString).ts").path
        let error = #expect(throws: DataError.self) { try UCRReader.load(path) }
        #expect(error?.kind == .missingInput && error?.exitCode == 66)
        let tsv = #expect(throws: DataError.self) { try UCRReader.loadTSV(path) }
        #expect(tsv?.kind == .missingInput)
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: DataError.self) { try UCRReader.loadTS(directory) }
    }

    @Test("An unknown extension is a usage error")
    func unknownExtension() throws {
        let path = try UCRFiles.write(Array("@data\n1:a\n".utf8), as: "data.csv")
        let error = #expect(throws: DataError.self) { try UCRReader.load(path) }
        #expect(error?.kind == .usage)
    }
}

@Suite("UCR bad inputs")
struct UCRBadInputTests {
    @Test func dimensionCountDiffersFromHeader() throws {
        _ = try UCRFiles.expectBad("@dimensions 3\n@classLabel true a\n@data\n1:2:3:a\n1:2:a\n",
                                   line: 5, column: 3, mentions: "2 dimension(s) but @dimensions has 3")
        _ = try UCRFiles.expectBad("@univariate true\n@classLabel true a\n@data\n1,2:3:a\n",
                                   line: 4, column: 2, mentions: "dimension 2 is extra")
    }

    @Test func dimensionCountDiffersFromFirstCase() throws {
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n1:2:a\n1:2:3:a\n",
                                   line: 4, column: 3, mentions: "but the first case has 2")
    }

    @Test func nonNumericValue() throws {
        let error = try UCRFiles.expectBad("@classLabel true a\n@data\n1,2:3,4:a\n1,2:3,abc:a\n",
                                           line: 4, column: 2, mentions: "value 2 of dimension 2")
        #expect(error?.message.contains("not a number: 'abc'") == true)
        _ = try UCRFiles.expectBad("1\t2\tx\n", as: "Bad.tsv", line: 1, column: 3, mentions: "field 3 is not a number")
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n1,1e60:a\n", line: 3, column: 2, mentions: "too large")
    }

    @Test func labelNotDeclared() throws {
        _ = try UCRFiles.expectBad("@classLabel true a b\n@data\n1:a\n2:c\n",
                                   line: 4, column: 2, mentions: "class label 'c' in column 2")
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n1,2\n", line: 3, column: 1, mentions: "final ':'")
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n1,2:\n", line: 3, column: 2, mentions: "empty class label")
    }

    @Test func unequalLengths() throws {
        _ = try UCRFiles.expectBad("@equalLength true\n@classLabel true a\n@data\n1,2,3:4,5,6:a\n1,2,3:4,5:a\n",
                                   line: 5, column: 2, mentions: "earlier series have 3")
        _ = try UCRFiles.expectBad("@equalLength true\n@seriesLength 3\n@classLabel true a\n@data\n1,2:a\n",
                                   line: 5, column: 1, mentions: "@seriesLength is 3")
    }

    @Test func dataBeforeData() throws {
        _ = try UCRFiles.expectBad("@classLabel true a\n1,2:a\n@data\n", line: 2, column: 1, mentions: "data before @data")
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n1:a\n@dimensions 1\n", line: 4, mentions: "after @data")
    }

    @Test func noDataOrNoCases() throws {
        _ = try UCRFiles.expectBad("# only\n@classLabel true a\n", line: 2, mentions: "no @data line")
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n\n# nothing\n", line: 2, mentions: "no cases")
        _ = try UCRFiles.expectBad("\n# nothing\n", as: "Bad.tsv", line: 2, mentions: "no cases")
        _ = try UCRFiles.expectBad("\t1\t2\n", as: "Bad.tsv", line: 1, column: 1, mentions: "empty class label")
        _ = try UCRFiles.expectBad("@classLabel true a\n@data\n1,2::a\n", line: 3, column: 2, mentions: "dimension 2 has no values")
    }

    @Test func invalidUTF8() throws {
        let header = Array("@problemName Ab".utf8) + [0xFF, 0x0A] + Array("@classLabel true a\n@data\n1:a\n".utf8)
        _ = try UCRFiles.expectBad(bytes: header, line: 1, column: 16, mentions: "invalid UTF-8 in the header")
        let label = Array("@classLabel true\n@data\n1:a".utf8) + [0xC3, 0x0A]
        _ = try UCRFiles.expectBad(bytes: label, line: 3, column: 2, mentions: "invalid UTF-8 in the class label")
    }

    @Test func unsupportedVariants() throws {
        _ = try UCRFiles.expectBad("@timeStamps true\n@classLabel true a\n@data\n(0,1):a\n",
                                   line: 1, mentions: "time-stamped .ts files (@timeStamps true) are not supported")
        _ = try UCRFiles.expectBad("@targetLabel true\n@data\n1,2:0.5\n", line: 1, mentions: "regression")
        _ = try UCRFiles.expectBad("@classLabels true a\n@data\n1:a\n", line: 1, mentions: "unknown header tag")
        _ = try UCRFiles.expectBad("@dimensions two\n@data\n1:a\n", line: 1, mentions: "positive whole number")
        _ = try UCRFiles.expectBad("@classLabel true a a\n@data\n1:a\n", line: 1, mentions: "listed twice")
    }
}
