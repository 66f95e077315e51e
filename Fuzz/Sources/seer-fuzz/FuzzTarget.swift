// What each fuzz target does with one input. Errors are expected and ignored; only crashes,
// hangs, leaks and unbounded allocations are findings. The first byte of some inputs chooses the
// reader's options, so one corpus covers them all.
import Foundation
import Seer

enum FuzzTarget {
    static let all = ["csv", "timestamp", "ts", "safetensors", "checkpoint", "job", "stream-csv", "stream-jsonl", "logs", "json"]

    static func run(_ target: String, _ bytes: [UInt8], scratch: String) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch target {
        case "csv":
            let choice = bytes.first ?? 0
            let layouts: [CSVLayout] = [.auto, .wide, .long, .nab]
            var options = CSVOptions()
            options.layout = layouts[Int(choice) % 4]
            if choice & 16 != 0 { options.order = .sort }
            if choice & 4 != 0 { options.delimiter = UInt8(ascii: ";") }
            if choice & 8 != 0 { options.missing = .interpolate }
            let path = write(Array(bytes.dropFirst()), to: scratch, as: "input.csv")
            _ = try? CSVLoader.load(path, options: options)
        case "timestamp":
            _ = TimestampParser.parse(text)
            _ = bytes.withUnsafeBufferPointer { TimestampParser.parse($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
        case "ts":
            _ = try? UCRReader.loadTS(write(bytes, to: scratch, as: "input.ts"))
        case "safetensors":
            _ = try? SafeTensors.decode(bytes, source: "fuzz.safetensors")
        case "checkpoint":
            // config.json beside a fixed valid weights file is the part a user edits by hand.
            let directory = scratch + "/checkpoint"
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = write(bytes, to: directory, as: "config.json")
            if !FileManager.default.fileExists(atPath: directory + "/model.safetensors") {
                _ = write(Array(#"{"__metadata__":{}}"#.utf8).withCount(), to: directory, as: "model.safetensors")
            }
            _ = try? Checkpoint.load(directory: directory)
        case "job":
            _ = try? RetrainJob.load(write(bytes, to: scratch, as: "job.yaml"))
        case "stream-csv", "stream-jsonl":
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let format: StreamFormat = target == "stream-csv" ? .csv : .jsonl
            guard var parser = try? StreamLineParser(format: format, fields: StreamFields()) else { return }
            for (k, line) in lines.enumerated() {
                if k == 0 && format == .csv { if (try? parser.readHeader(line)) == nil { return } else { continue } }
                _ = parser.point(line)
            }
        case "logs":
            // The pattern is anchored, as a user's should be: unanchored, Swift's backtracking
            // Regex tries `\S+` from every position of a line that does not match (quadratic in
            // the line), and perf showed over half of each execution there rather than in Seer.
            let formats: [LogFormat] = [.common, .combined, .jsonLines, .pattern(#"^(?<time>\S+) (?<ms>\d+)"#)]
            let aggregations: [LogAggregation] = [.count, .rate, .mean(field: "ms"), .quantile(0.95, field: "bytes")]
            let choice = Int(bytes.first ?? 0)
            guard var metrics = try? LogMetrics(format: formats[choice % 4], timeField: "time", bucketSeconds: 60,
                                                aggregation: aggregations[(choice / 4) % 4], by: choice & 16 != 0 ? "status" : nil) else { return }
            // A lower bound than the CLI's, so the fuzzer explores the parsing rather than writing
            // legitimately large outputs (the bound itself is tested). At 50,000 perf showed most of
            // each execution formatting empty rows in csv() (~900 execs/s); 2,000 buckets still fill
            // gaps, write rows and hit the bound from a 4 KB input.
            metrics.maxBuckets = 2_000
            for line in String(decoding: bytes.dropFirst(), as: UTF8.self).split(separator: "\n") { metrics.add(line) }
            _ = try? metrics.csv()
        case "json":
            _ = try? JSONParser.parse(bytes)
        default:
            break
        }
    }

    /// Writes `bytes` to `name` in `directory` and returns its path.
    static func write(_ bytes: [UInt8], to directory: String, as name: String) -> String {
        let path = directory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

extension Array where Element == UInt8 {
    /// A safetensors file: the 8-byte little-endian header length, then the header.
    func withCount() -> [UInt8] { Swift.withUnsafeBytes(of: UInt64(count).littleEndian) { Array($0) } + self }
}
