// Every input `make fuzz` found to crash a parser, kept as a regression test with its bytes (the
// libFuzzer artifact's content, so the test fails the way the fuzzer did if the fix regresses).
import Foundation
@testable import SeerData
import SeerBase
import Testing

struct FuzzFindingsTests {
    /// timestamp, crash-776bada2: 19 digits overflow Int64 while read as an epoch number (the
    /// parser trapped on "arithmetic overflow"; a CSV time cell like it crashed every command).
    @Test func anEpochBeyondInt64IsRefusedNotATrap() throws {
        #expect(TimestampParser.parse("9999999999999999999 ") == nil)
        #expect(TimestampParser.parse("-9999999999999999999") == nil)
        #expect(TimestampParser.parse("9223372036854775807") == Int64.max, "the largest that fits still parses")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seer-fuzz-\(UUID().uuidString).csv")
        try "timestamp,value\n1700000000,1\n9999999999999999999,2\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try CSVLoader.load(url.path) } throws: { error in
            (error as? DataError)?.kind == .badInput && "\(error)".contains(":3:")
        }
    }

    /// logs, timeout-9c12d3b0: lines years apart (a pattern log, 1-minute buckets) wrote every
    /// empty bucket between them — millions of rows, minutes of work. Now an error naming the span.
    @Test func aLogSpanningYearsIsRefusedNotWrittenOut() throws {
        var metrics = try LogMetrics(format: .pattern(#"(?<time>\S+) (?<ms>\d+)"#), timeField: "time", bucketSeconds: 60, aggregation: .count)
        // The finding's shape: a date in 2012 and one in 2024.
        metrics.add(" 2012-10-01T00:00:00Z 202")
        metrics.add(" 2024-12-10T13:55:36Z 12")
        #expect { try metrics.csv() } throws: { error in
            "\(error)".contains("2012-10-01") && "\(error)".contains("more than 2000000") && (error as? DataError)?.kind == .badInput
        }
        // Daily buckets over the same span are well within the bound.
        var daily = try LogMetrics(format: .pattern(#"(?<time>\S+) (?<ms>\d+)"#), timeField: "time", bucketSeconds: 86_400, aggregation: .count)
        daily.add(" 2012-10-01T00:00:00Z 202")
        daily.add(" 2024-12-10T13:55:36Z 12")
        #expect(try daily.series()[0].points.count == 4_454)
        // The artifact itself (first byte: the harness's option choice) must finish quickly.
        let artifact = Data(base64Encoded: "AyAyMDEyLTEwIDIwMgAKIDIwMjQtMTItMTAgMjAyAAogMjAyNC0xMFotMTBUMTM6NTUxMFotMTBUMTM6NTUwMTM6MzYmIDEyQTU=")!
        var fuzzed = try LogMetrics(format: .pattern(#"(?<time>\S+) (?<ms>\d+)"#), timeField: "time", bucketSeconds: 60, aggregation: .count)
        for line in String(decoding: artifact.dropFirst(), as: UTF8.self).split(separator: "\n") { fuzzed.add(line) }
        _ = try? fuzzed.csv()
    }

    /// logs, crash-3a29df41: an access-log time with a 17-digit year ("20/Oct/-0211111111111114:13:55:36
    /// +0000") overflowed the seconds since 1970 and trapped `seer logs`. Years are four digits now.
    @Test func anAccessLogYearBeyondFourDigitsIsNotATime() throws {
        #expect(LogMetrics.accessLogTime("20/Oct/-02111111111111114:13:55:36", zone: "+0000") == nil)
        #expect(LogMetrics.accessLogTime("20/Oct/99999999999999999:13:55:36", zone: "+0000") == nil)
        #expect(LogMetrics.accessLogTime("10/Oct/2000:13:55:36", zone: "-0700") == 971_211_336, "the format's own example")
        #expect(LogMetrics.accessLogTime("10/Oct/2000:13:55:36", zone: "+0-70") == nil)
        // The artifact itself (first byte: the harness's option choice) reads without a trap.
        let artifact = Data(base64Encoded: "rDIBMTIwNS4RLig+MSAtIC0gWzIwL09jdC8tMDIxMTExMTExMTExMTE0OjEzOjU1OjM2ICswMDAwXSAiR0VKIC9bIEhUrK8iIDAyNiAzAC9sMQoRLig+MSAtIC0gWzEwL09jdC8tMDI0OjEzOjU1OjM2ICswMDAwXawyAQExAAAAADFsAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFMSBPJ08IAAAgMQoRLig+MSAtIC0gWzEwL09jdC8tICswMDAwXSAiR0VUIC9bIEhUrK8iIDAyNiAyIjAwL2wxCiAgIiAyMDAgMt/S3wAxbDEKES4oPjEgLSAtIFsxMC9PzZZzLSBbMTAvVKyvIiAwMjYgMmwxChEuKD4xIC0gLSBbMTAvT2N0Ly0gKzAwMDBdICIgIkdFVCAvWyBIVKyvIiAwMjYgMSJ0aTAvbP8xChEuKD4xIC0gLSBbMTAvT2N0L0dFVCAvWyBIVKyvIiAwMjYgMiJJSUlJSUlJSUkiItEgLxsgSFQyMQogMjAyNC0gMVoKMjAyNC0grK8iIDAxCiAyMDI0LSAxMTMgMiJ0aW1lQiAtMDI0OjExYDE6NTU6M2N0Ly0gKzAwMDBdICJHRVQgL1sgSFSsryIgMDI2IDIiMDAvbDEKIAAAAFVuc2F2ZUIy")!
        let formats: [LogFormat] = [.common, .combined, .jsonLines, .pattern(#"(?<time>\S+) (?<ms>\d+)"#)]
        let aggregations: [LogAggregation] = [.count, .rate, .mean(field: "ms"), .quantile(0.95, field: "bytes")]
        let choice = Int(artifact[0])
        var fuzzed = try LogMetrics(format: formats[choice % 4], timeField: "time", bucketSeconds: 60,
                                    aggregation: aggregations[(choice / 4) % 4], by: choice & 16 != 0 ? "status" : nil)
        for line in String(decoding: artifact.dropFirst(), as: UTF8.self).split(separator: "\n") { fuzzed.add(line) }
        _ = try? fuzzed.csv()
    }
}
