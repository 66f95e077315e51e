// `seer serve`'s request decoding under a seeded mutation fuzzer: valid /v1/detect and
// /v1/forecast bodies are cut, spliced, byte-flipped and salted with JSON edge tokens (huge and
// tiny numbers, lone surrogates, NUL escapes, deep nesting), parsed, then decoded. libFuzzer cannot
// reach these (SeerServe is outside the `Seer` umbrella the Fuzz package links), so this harness
// runs in the suite instead: every input must decode within the limits or be refused with a
// RequestError (a 400) — never trap, hang or exceed the limits. The suite runs 100,000 rounds;
// SEER_DECODING_FUZZ_ROUNDS raises that for a long run (the 10 M of the hardening issue).
import Foundation
import Testing
import SeerBase
@testable import SeerServe

struct RequestDecodingFuzzTests {
    static let seeds: [String] = [
        #"{"points":[{"series":"a","timestamp":1700000000,"value":1.5},{"series":"b","timestamp":"2024-01-01T00:00:00Z","value":null}]}"#,
        #"{"points":[{"series":"cpu","value":-2e5},{"series":"cpu","timestamp":1700000060.5,"value":0}]}"#,
        #"{"model":"m","series":[{"id":"s","values":[1,2,3,4,5,6,7,8],"timestamps":[1,2,3,4,5,6,7,8]}]}"#,
        #"{"key":"store-1","version":"v2","series":[{"id":"x","values":[0.5,1e3,-7]}]}"#,
    ]
    static let tokens: [String] = ["null", "1e999", "-1e999", "1e-400", "-0", "99999999999999999999", "\"\\ud800\"", "\"\\u0000\"",
                                   "[", "]", "{", "}", ",", ":", "\"", "\\", "true", "[[[[[[[[[[[[", "NaN", "\"points\"", "\"series\""]

    /// One mutation of `bytes`, chosen by `random`.
    static func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        func position(_ count: Int) -> Int { Int(random.next() % UInt64(max(1, count + 1))) }
        switch random.next() % 7 {
        case 5, 6:
            // A value swapped for an edge case: the mutation that keeps the JSON valid most often.
            let digits = out.indices.filter { (0x30...0x39).contains(out[$0]) }
            guard !digits.isEmpty else { return out }
            let start = digits[position(digits.count - 1)]
            var end = start
            while end < out.count && (0x30...0x39).contains(out[end]) || (end < out.count && out[end] == 0x2E) { end += 1 }
            let values = ["1e999", "-1e999", "1e-400", "-0", "99999999999999999999", "null", "\"x\"", "[]", "{}", "1.7976931348623157e308", "3.4e38"]
            out.replaceSubrange(start..<end, with: Array(values[position(values.count - 1)].utf8))
        case 0 where !out.isEmpty: out[position(out.count - 1)] ^= UInt8(truncatingIfNeeded: random.next() | 1)
        case 1: out.insert(contentsOf: Array(tokens[Int(random.next() % UInt64(tokens.count))].utf8), at: position(out.count))
        case 2 where !out.isEmpty:
            let start = position(out.count - 1)
            out.removeSubrange(start..<min(out.count, start + 1 + position(8)))
        case 3 where !out.isEmpty:
            let start = position(out.count - 1), end = min(out.count, start + 1 + position(24))
            out.insert(contentsOf: Array(out[start..<end]), at: position(out.count))
        default: out = Array(out.prefix(position(out.count)))
        }
        return out
    }

    /// Rounds per run: 100,000 in the suite, more through SEER_DECODING_FUZZ_ROUNDS (never fewer,
    /// so the success-path counts below keep their meaning).
    static let rounds = max(100_000, ProcessInfo.processInfo.environment["SEER_DECODING_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 0)

    @Test func mutatedRequestsDecodeWithinTheLimitsOrAreRefused() {
        var random = SeededGenerator(seed: 19)
        var limits = ServeLimits()
        (limits.maxPointsPerRequest, limits.maxHistory, limits.maxForecastSeries) = (50, 200, 5)
        var parsed = 0, detects = 0, forecasts = 0
        for round in 0..<Self.rounds {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0...(random.next() % 3) { bytes = Self.mutate(bytes, &random) }
            guard let node = try? JSONParser.parse(bytes) else { continue }
            parsed += 1
            if let points = try? DetectEndpoint.decode(node, maxPoints: limits.maxPointsPerRequest) {
                detects += 1
                #expect(points.count <= limits.maxPointsPerRequest)
                #expect(points.allSatisfy { $0.unusable != nil || $0.point.value.isFinite }, "a scored value is finite")
            }
            if let query = try? ForecastEndpoint.decode(node, limits: limits) {
                forecasts += 1
                #expect(query.data.sequences.count <= limits.maxForecastSeries)
                #expect(query.data.sequences.reduce(0) { $0 + $1.values.count } <= limits.maxHistory)
            }
        }
        // The mutations keep enough inputs valid that both decoders' success paths are exercised too.
        print("decoding fuzz: \(Self.rounds) rounds, parsed \(parsed), detect \(detects), forecast \(forecasts)")
        #expect(parsed > 8_000 && detects > 100 && forecasts > 1_000, "parsed \(parsed), decoded \(detects) detect and \(forecasts) forecast bodies")
    }
}
