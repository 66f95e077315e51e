// The ingestion benchmark of issue "Foundation": builds a ≥ 200 MB numeric CSV by repeating the
// rows of ETTh1 with fresh hourly timestamps, then times Seer's CSV loader and pandas.read_csv on
// it, each in a fresh process per run, and reports medians, throughput and peak memory.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

public struct IngestMeasurement: Codable {
    var seconds: Double
    var rows: Int
    var valueColumns: Int
    var baselineRSS: Int
    var peakRSS: Int
    var hasTimestamps: Bool
    var threads: Int?
}

public struct IngestReaderResult: Codable {
    var reader: String
    var medianSeconds: Double
    var allSeconds: [Double]
    var rowsPerSecond: Double
    var megabytesPerSecond: Double
    /// Peak RSS minus the process's RSS before the read (runtime and interpreter excluded).
    var peakMemoryBytes: Int
    var peakRSSBytes: Int
}

public struct IngestBenchResult: Codable {
    var file: String
    var fileBytes: Int
    var rows: Int
    var valueColumns: Int
    /// rows × value columns × 4 bytes: the Float32 data the CSV parses into.
    var parsedFloatBytes: Int
    /// The same plus 8 bytes of timestamp per row.
    var parsedBytesWithTime: Int
    var readers: [IngestReaderResult]
    var seerOverPandasSpeed: Double?
    var seerOneThreadOverPandas: Double?
    var seerPeakOverParsedFloats: Double

    public var text: String {
        var lines = ["Ingestion benchmark: \(file) (\(fileBytes / 1_000_000) MB, \(rows) rows, \(valueColumns) value columns + timestamp)"]
        var table = TextTable(["reader", "median s", "rows/s", "MB/s", "peak MB (above baseline)", "runs (s)"])
        for r in readers {
            table.add([r.reader, String(format: "%.3f", r.medianSeconds), String(format: "%.0f", r.rowsPerSecond),
                       String(format: "%.1f", r.megabytesPerSecond), String(format: "%.1f", Double(r.peakMemoryBytes) / 1e6),
                       r.allSeconds.map { String(format: "%.3f", $0) }.joined(separator: " ")])
        }
        lines.append(table.render(indent: "  "))
        lines.append("  (each reader runs in a fresh process per round; rounds interleave the readers; medians)")
        lines.append(String(format: "  parsed Float32 data: %.1f MB (%.1f MB with Int64 timestamps); Seer peak / parsed floats = %.2f× (target ≤ 2×)",
                            Double(parsedFloatBytes) / 1e6, Double(parsedBytesWithTime) / 1e6, seerPeakOverParsedFloats))
        if let ratio = seerOverPandasSpeed {
            lines.append(String(format: "  Seer speed / pandas.read_csv speed = %.2f× (target ≥ 1×); on one thread %.2f×", ratio, seerOneThreadOverPandas ?? 0))
        } else {
            lines.append("  pandas not measured (python3 with pandas not found, or --no-pandas)")
        }
        return lines.joined(separator: "\n")
    }
}

public struct IngestBenchmark {
    public var source: String
    public var sizeMB: Int
    public var runs: Int
    public var pandas: Bool
    public var existingFile: String?
    public var log: Bool

    public init(source: String, sizeMB: Int, runs: Int, pandas: Bool, existingFile: String?, log: Bool) {
        self.source = source
        self.sizeMB = sizeMB
        self.runs = runs
        self.pandas = pandas
        self.existingFile = existingFile
        self.log = log
    }

    public func run() throws -> IngestBenchResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path: String
        if let existingFile {
            path = existingFile
        } else {
            path = directory.appendingPathComponent("ett-repeated.csv").path
            if log { FileHandle.standardError.write(Data("generating \(sizeMB) MB CSV from \(source)…\n".utf8)) }
            try generate(to: path)
        }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

        // Readers take turns within each round, so machine noise hits them alike.
        let hasPandas = pandas && (try? runProcess("/usr/bin/env", ["python3", "-c", "import pandas"])) != nil
        var seer: [IngestMeasurement] = [], seerOneThread: [IngestMeasurement] = []
        var pandasPlain: [IngestMeasurement] = [], pandasDates: [IngestMeasurement] = []
        for round in 0..<runs {
            if log { FileHandle.standardError.write(Data("round \(round + 1)/\(runs)…\n".utf8)) }
            seer.append(try seerMeasurement(path, threads: nil))
            seerOneThread.append(try seerMeasurement(path, threads: 1))
            if hasPandas {
                pandasPlain.append(try pandasMeasurement(path, parseDates: false))
                pandasDates.append(try pandasMeasurement(path, parseDates: true))
            }
        }
        let threads = seer[0].threads ?? 1
        var readers = [summarise("seer (libcsv, \(threads) threads)", seer, fileBytes: fileBytes),
                       summarise("seer (libcsv, 1 thread)", seerOneThread, fileBytes: fileBytes)]
        var pandasSpeed: Double?
        if hasPandas {
            readers.append(summarise("pandas.read_csv", pandasPlain, fileBytes: fileBytes))
            readers.append(summarise("pandas.read_csv(parse_dates)", pandasDates, fileBytes: fileBytes))
            pandasSpeed = readers[2].medianSeconds / readers[0].medianSeconds
        }
        let first = seer[0]
        let floats = first.rows * first.valueColumns * 4
        return IngestBenchResult(
            file: existingFile ?? "ETTh1 rows repeated (\(source))", fileBytes: fileBytes, rows: first.rows,
            valueColumns: first.valueColumns, parsedFloatBytes: floats, parsedBytesWithTime: floats + first.rows * 8,
            readers: readers, seerOverPandasSpeed: pandasSpeed,
            seerOneThreadOverPandas: pandasSpeed.map { _ in readers[2].medianSeconds / readers[1].medianSeconds },
            seerPeakOverParsedFloats: Double(readers[0].peakMemoryBytes) / Double(max(1, floats)))
    }

    func summarise(_ name: String, _ runs: [IngestMeasurement], fileBytes: Int) -> IngestReaderResult {
        let times = runs.map(\.seconds)
        let median = times.sorted()[times.count / 2]
        let peak = runs.map { $0.peakRSS - $0.baselineRSS }.max() ?? 0
        return IngestReaderResult(reader: name, medianSeconds: median, allSeconds: times,
                                  rowsPerSecond: Double(runs[0].rows) / median,
                                  megabytesPerSecond: Double(fileBytes) / 1e6 / median,
                                  peakMemoryBytes: peak, peakRSSBytes: runs.map(\.peakRSS).max() ?? 0)
    }

    /// Writes header + ETTh1 rows over and over with continuing hourly timestamps until `sizeMB`.
    func generate(to path: String) throws {
        let text = try String(contentsOfFile: source, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline)
        guard lines.count > 1 else { throw DataError(.badInput, "benchmark source has no data rows", at: SourceLocation(file: source)) }
        let header = String(lines.removeFirst())
        let values = lines.compactMap { line in line.firstIndex(of: ",").map { String(line[$0...]) } }
        guard let out = fopen(path, "w") else { throw DataError(.io, "cannot create \(path)") }
        defer { fclose(out) }
        var written = 0
        var t = CivilTime(year: 2016, month: 7, day: 1).epochSeconds
        fputs(header + "\n", out)
        var chunk = ""
        while written < sizeMB * 1_000_000 {
            for tail in values {
                chunk += CivilTime.format(t, dateOnly: false) + tail + "\n"
                t += 3600
            }
            written += chunk.utf8.count
            fputs(chunk, out)
            chunk.removeAll(keepingCapacity: true)
        }
    }

    /// Seer's loader in a fresh process. Ingestion uses no BLAS: OpenBLAS's idle worker threads
    /// are kept from spinning beside the parser.
    func seerMeasurement(_ path: String, threads: Int?) throws -> IngestMeasurement {
        let arguments = ["bench", "ingest-child", path] + (threads.map { ["--threads", String($0)] } ?? [])
        let output = try runProcess(currentExecutablePath(), arguments, environment: ["OPENBLAS_NUM_THREADS": "1"])
        return try JSONDecoder().decode(IngestMeasurement.self, from: Data(output.utf8))
    }

    /// pandas.read_csv in a fresh interpreter (peak memory above the interpreter's baseline).
    func pandasMeasurement(_ path: String, parseDates: Bool) throws -> IngestMeasurement {
        let script = """
        import json, resource, sys, time
        import pandas as pd
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        t0 = time.perf_counter()
        df = pd.read_csv(sys.argv[1], parse_dates=["date"]) if sys.argv[2] == "dates" else pd.read_csv(sys.argv[1])
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps({"seconds": seconds, "rows": len(df), "valueColumns": df.shape[1] - 1,
                          "baselineRSS": before, "peakRSS": after, "hasTimestamps": True}))
        """
        let output = try runProcess("/usr/bin/env", ["python3", "-c", script, path, parseDates ? "dates" : "plain"])
        return try JSONDecoder().decode(IngestMeasurement.self, from: Data(output.utf8))
    }
}

/// The path of the running `seer` binary (argv[0] may be a bare name found on PATH).
func currentExecutablePath() -> String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
}

/// Runs a program to completion and returns its stdout; throws on a non-zero exit.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw DataError(.io, "\(executable) \(arguments.prefix(2).joined(separator: " ")) exited with status \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}

extension IngestMeasurement {
    /// Loads `file` in this process (`seer bench ingest-child`, a fresh process per measurement so
    /// each starts from an empty heap) and measures time and peak memory.
    public static func measure(_ file: String, threads: Int?) throws -> IngestMeasurement {
        let before = peakRSSBytes()
        let clock = ContinuousClock()
        let start = clock.now
        var options = CSVOptions()
        options.threads = threads
        let loaded = try CSVLoader.load(file, options: options)
        let elapsed = clock.now - start
        let after = peakRSSBytes()
        let series = loaded.series[0]
        return IngestMeasurement(seconds: elapsed.seconds, rows: series.rowCount, valueColumns: series.columnCount,
                                 baselineRSS: before, peakRSS: after, hasTimestamps: series.time.timestamps != nil, threads: loaded.threadsUsed)
    }
}

/// Peak resident set size of this process so far, in bytes (getrusage; Linux reports KiB).
func peakRSSBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
