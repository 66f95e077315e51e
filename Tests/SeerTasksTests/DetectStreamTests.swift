// The stream layer without the CLI: lines parsed (quoted CSV, JSON lines, fields found by name),
// a detector's state through JSON and back continuing exactly where it stopped, and the stream's
// rules — duplicates and out-of-order points skipped, replayed points recognised after a
// resume, the series cap.
import Foundation
import SeerBase
import SeerData
import SeerModels
@testable import SeerTasks
import Testing

struct DetectStreamTests {
    @Test func csvLinesAreSplitWithQuotes() {
        #expect(StreamLineParser.splitCSV("a,b,c") == ["a", "b", "c"])
        #expect(StreamLineParser.splitCSV("\"x,y\",2\r") == ["x,y", "2"])
        #expect(StreamLineParser.splitCSV("\"say \"\"hi\"\"\",") == ["say \"hi\"", ""])
        #expect(StreamLineParser.splitCSV("\"open,1") == nil)
    }

    @Test func fieldsAreFoundByName() throws {
        var parser = try StreamLineParser(format: .csv, fields: StreamFields())
        #expect(parser.needsHeader)
        try parser.readHeader("ds,cpu")
        let point = try parser.point("2024-03-01 10:00:00,0.5").get()
        #expect(point.value == 0.5 && point.timestamp == 1_709_287_200 && point.id == nil && point.timestampText == "2024-03-01 10:00:00")
        var ambiguous = try StreamLineParser(format: .csv, fields: StreamFields())
        #expect(throws: DataError.self) { try ambiguous.readHeader("a,b,c") }
        let json = try StreamLineParser(format: .jsonl, fields: StreamFields(id: "host"))
        let p = try json.point("{\"host\":\"db\",\"ds\":\"2024-03-01\",\"y\":3}").get()
        #expect(p.id == "db" && p.value == 3 && p.timestamp == 1_709_251_200)
        if case .failure(let why) = json.point("{\"ds\":\"2024-03-01\",\"y\":3}") { #expect(why.description.contains("no \"host\"")) } else { Issue.record("accepted a line without its id") }
        if case .failure = json.point("[1,2]") {} else { Issue.record("accepted an array") }
        if case .failure(let why) = json.point("{\"host\":\"a\",\"y\":1e39}") { #expect(why.description.contains("Float32")) } else { Issue.record("accepted 1e39") }
    }

    /// A detector saved half-way and decoded continues with exactly the scores of one that never stopped.
    @Test func aDetectorsStateRoundTripsThroughJSON() throws {
        let values = (0..<3_000).map { 5 + sin(Double($0) * 2 * .pi / 48) + ($0 == 2_500 ? 8 : 0) }
        for model in DetectorModel.allCases {
            var straight = AnomalyDetector(model: model, season: 48)
            let expected = straight.score(values)
            var first = AnomalyDetector(model: model, season: 48)
            let head = first.score(Array(values[..<1_700]))
            var second = try JSONDecoder().decode(AnomalyDetector.self, from: try JSONEncoder().encode(first))
            #expect(head + second.score(Array(values[1_700...])) == expected, "\(model)")
        }
    }

    @Test func theStreamsRules() throws {
        func point(_ t: Int64, _ v: Double, id: String? = nil) -> StreamPoint {
            StreamPoint(id: id, timestampText: String(t), timestamp: t, valueText: "\(v)", value: v)
        }
        var stream = try DetectStream(model: .residual, threshold: 0.5, warmup: 2, maxSeries: 2)
        for t in 0..<100 { guard case .scored = stream.score(point(Int64(t) * 60, Double(t % 5))) else { Issue.record("row \(t)"); return } }
        #expect(stream.state.series[""]?.detector?.season == 1_440, "one-minute steps: a daily cycle of 1,440")
        if case .skipped(let why) = stream.score(point(99 * 60, 1)) { #expect(why.contains("duplicate")) } else { Issue.record("a duplicate was scored") }
        if case .skipped(let why) = stream.score(point(50 * 60, 1)) { #expect(why.contains("out of order")) } else { Issue.record("a step back was scored") }
        _ = stream.score(point(0, 1, id: "b"))
        if case .skipped(let why) = stream.score(point(0, 1, id: "c")) { #expect(why.contains("at most 2")) } else { Issue.record("a third series was kept") }
        // Resumed from its state, the replayed points are recognised; new ones are scored.
        var resumed = try DetectStream(model: .residual, threshold: 0.5, warmup: 2, resuming: stream.state)
        #expect(resumed.score(point(30 * 60, 1)) == .alreadyScored)
        guard case .scored(let next) = resumed.score(point(100 * 60, 0)) else { Issue.record("the next point was not scored"); return }
        var uninterrupted = stream
        #expect(uninterrupted.score(point(100 * 60, 0)) == .scored(next))
        #expect(throws: DataError.self) { try DetectStream(model: .gaussian, threshold: 0.5, warmup: 2, resuming: stream.state) }
    }
}
