// A corpus in the Numenta Anomaly Benchmark's layout — `<category>/<file>.csv` (timestamp,value)
// beside `labels/combined_windows.json` ({"<category>/<file>.csv": [[start, end], …]}) — read
// into per-file rows and label windows as inclusive row ranges, for `seer bench nab` and NAB's
// scoring. Files named in the labels but absent are skipped (a partial corpus is scored as
// itself); a window edge that matches no row's timestamp is an error naming the file and edge.
// Edges match as NAB matches them: a window opens at the first row, after the previous window,
// whose timestamp equals its start, and closes at the first row with its end timestamp.
import Foundation
import SeerBase
import SeerData
import SeerEval

/// One file of a NAB-layout corpus.
public struct NABCorpusFile: Sendable {
    /// "<category>/<file>.csv", as the labels name it.
    public var key: String
    public var path: String
    public var timestamps: [Int64]
    public var values: [Double]
    /// Label windows as inclusive row ranges, in order.
    public var windows: [ClosedRange<Int>]
}

/// A NAB-layout corpus.
public struct NABCorpus: Sendable {
    public var directory: String
    public var files: [NABCorpusFile]

    /// Windows over all files.
    public var windowCount: Int { files.map(\.windows.count).reduce(0, +) }

    /// Reads every labelled file present under `directory` (in the labels' key order).
    public static func load(directory: String) throws -> NABCorpus {
        let labelsPath = directory + "/labels/combined_windows.json"
        guard let bytes = FileManager.default.contents(atPath: labelsPath) else {
            throw DataError(.missingInput, "no labels/combined_windows.json here (a NAB-layout corpus has <category>/<file>.csv and labels/)",
                            file: directory)
        }
        guard let labels = try JSONValue(parsing: [UInt8](bytes), source: labelsPath).objectValue else {
            throw DataError(.badInput, "expected an object of \"<category>/<file>.csv\": [[start, end], …]", file: labelsPath)
        }
        var files: [NABCorpusFile] = []
        for key in labels.keys.sorted() {
            let path = directory + "/" + key
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let loaded = try DataSource.csv(path: path, options: CSVOptions(layout: .nab)).loadSeries()
            guard let series = loaded.series.first, let column = series.columns.first, let stamps = series.time.timestamps else {
                throw DataError(.badInput, "expected timestamp,value rows", file: path)
            }
            var windows: [ClosedRange<Int>] = []
            var cursor = 0
            for (index, pair) in (labels[key]?.arrayValue ?? []).enumerated() {
                guard let edges = pair.arrayValue?.compactMap(\.stringValue), edges.count == 2,
                      let start = TimestampParser.parse(edges[0]), let end = TimestampParser.parse(edges[1]) else {
                    throw DataError(.badInput, "window \(index + 1) of \(key) is not a pair of timestamps", file: labelsPath)
                }
                guard let first = stamps[cursor...].firstIndex(of: start) else {
                    throw DataError(.badInput, "window \(index + 1) of \(key) starts at \(edges[0]), which is no row's timestamp", file: labelsPath)
                }
                guard let last = stamps.firstIndex(of: end), last >= first else {
                    throw DataError(.badInput, "window \(index + 1) of \(key) ends at \(edges[1]), which is no row's timestamp after its start",
                                    file: labelsPath)
                }
                windows.append(first...last)
                cursor = last + 1
            }
            files.append(NABCorpusFile(key: key, path: path, timestamps: stamps, values: column.values.map(Double.init), windows: windows))
        }
        guard !files.isEmpty else { throw DataError(.missingInput, "none of the labelled files is here", file: directory) }
        return NABCorpus(directory: directory, files: files)
    }

    /// The corpus as the scorer takes it, with one detector's scores per file (in `files` order).
    public func scored(_ scores: [[Double]]) -> [NABFile] {
        zip(files, scores).map { NABFile(name: $0.key, scores: $1, windows: $0.windows) }
    }
}
