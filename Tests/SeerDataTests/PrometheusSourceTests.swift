// Prometheus as a source, without a server: times and durations as Prometheus users write them,
// series ids as Prometheus prints label sets, answers read (matrix, NaN samples, refused
// queries, a server's error page), PromQL encoded for the query string, passwords kept out of
// messages, and an unreachable server reported as unavailable (exit 69). The real server is
// exercised by SeerCLITests.ServePrometheusTests.
import Foundation
import Testing
import SeerBase
@testable import SeerData

@Suite struct PrometheusSourceTests {
    @Test func timesAndDurations() {
        let now: Int64 = 1_700_000_000
        #expect(PrometheusTime.parse("now", now: now) == now)
        #expect(PrometheusTime.parse("now-6h", now: now) == now - 6 * 3600)
        #expect(PrometheusTime.parse("now+90s", now: now) == now + 90)
        #expect(PrometheusTime.parse("now-1h30m", now: now) == now - 5400)
        #expect(PrometheusTime.parse("1700000123.7", now: now) == 1_700_000_123)
        #expect(PrometheusTime.parse("2023-11-14T22:13:20Z", now: now) == 1_700_000_000)
        #expect(PrometheusTime.parse("yesterday", now: now) == nil)
        #expect(PrometheusTime.parse("now-", now: now) == nil)
        #expect(PrometheusTime.seconds("15s") == 15)
        #expect(PrometheusTime.seconds("5m") == 300)
        #expect(PrometheusTime.seconds("2d") == 172_800)
        #expect(PrometheusTime.seconds("1w") == 604_800)
        #expect(PrometheusTime.seconds("250ms") == 1)
        #expect(PrometheusTime.seconds("60") == 60)
        for bad in ["", "0s", "0", "-5", "5x", "m", "1.5m"] { #expect(PrometheusTime.seconds(bad) == nil, "\(bad)") }
    }

    @Test func idsAreLabelSetsAsPrometheusPrintsThem() {
        #expect(PrometheusSource.seriesId(["__name__": "up", "job": "node", "instance": "a:9100"]) == "up{instance=\"a:9100\",job=\"node\"}")
        #expect(PrometheusSource.seriesId(["__name__": "up"]) == "up")
        #expect(PrometheusSource.seriesId(["job": "x\"y"]) == "{job=\"x\\\"y\"}")
        #expect(PrometheusSource.seriesId([:]) == "{}")
    }

    static let query = PrometheusQuery(url: "http://user:secret@127.0.0.1:9090", query: "rate(x[5m]) + 1", start: 0, end: 600, step: 60)

    @Test func answersAreRead() throws {
        let body = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"cpu","host":"b"},"values":[[1700000000,"1.5"],[1700000060,"NaN"],[1700000120,"+Inf"],[1700000180.4,"2"]]},
              {"metric":{"__name__":"cpu","host":"a"},"values":[[1700000000,"3"]]}]}}
            """
        let samples = try PrometheusSource.samples(answer: Array(body.utf8), status: 200, query: Self.query)
        #expect(samples.keys.sorted() == ["cpu{host=\"a\"}", "cpu{host=\"b\"}"])
        let b = try #require(samples["cpu{host=\"b\"}"])
        #expect(b.map(\.0) == [1_700_000_000, 1_700_000_060, 1_700_000_120, 1_700_000_180])
        #expect(b[0].1 == 1.5 && b[1].1.isNaN && b[2].1.isNaN && b[3].1 == 2)
    }

    @Test func refusalsAndBrokenAnswersSayWhy() {
        func failure(_ body: String, _ status: Int) -> DataError? {
            do { _ = try PrometheusSource.samples(answer: Array(body.utf8), status: status, query: Self.query); return nil } catch { return error as? DataError }
        }
        let refused = failure(#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}"#, 400)
        #expect(refused?.kind == .usage && refused?.message.contains("refused the query (400 bad_data): 1:5: parse error") == true, "\(String(describing: refused))")
        #expect(failure(#"{"status":"error","errorType":"timeout","error":"query timed out"}"#, 503)?.kind == .unavailable)
        let page = failure("<html>Bad Gateway</html>", 502)
        #expect(page?.kind == .unavailable && page?.message.contains("not Prometheus' JSON") == true)
        #expect(page?.file == "http://***@127.0.0.1:9090", "the password never shows: \(String(describing: page?.file))")
        #expect(failure(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#, 200)?.message.contains("resultType vector") == true)
        #expect(failure(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,2]]}]}}"#, 200)?.message.contains("not [time") == true)
    }

    @Test func promqlIsEncodedForTheQueryString() {
        #expect(PrometheusSource.percentEncoded("rate(x{a=\"b c\"}[5m]) + 1") == "rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%20%2B%201")
    }

    @Test func anUnreachableServerIsUnavailable() {
        var query = Self.query
        query.url = "http://127.0.0.1:1"
        query.timeout = 5
        #expect(throws: DataError.self) { try PrometheusSource.load(query) }
        do { _ = try PrometheusSource.load(query) } catch let error as DataError {
            #expect(error.kind == .unavailable && error.message.contains("cannot reach Prometheus"), "\(error)")
        } catch { Issue.record("\(error)") }
        query.url = "ftp://127.0.0.1"
        #expect((try? PrometheusSource.load(query)) == nil)
    }
}
