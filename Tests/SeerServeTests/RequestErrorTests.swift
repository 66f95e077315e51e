// Wrong requests get a 4xx whose message names the field, never a 500, a crash or a hang:
// malformed JSON, wrong shapes and types, unknown fields, bodies and batches over the limits,
// unknown routes and models, and requests without the bearer token when one is set.
import Foundation
import Testing
import SeerTasks
@testable import SeerServe

@Suite struct RequestErrorTests {
    static let cases: [(body: String, status: Int, message: String)] = [
        ("", 400, "body: empty"),
        ("{\"points\":", 400, "body: not JSON at byte"),
        ("[1,2]", 400, "body: expected an object, found an array"),
        ("{\"point\":[]}", 400, "point: unknown field"),
        ("{}", 400, "points: missing; expected an array"),
        ("{\"points\":{}}", 400, "points: expected an array, found an object"),
        ("{\"points\":[1]}", 400, "points[0]: expected an object, found a number"),
        ("{\"points\":[{\"value\":1}]}", 400, "points[0].series: missing; expected a string"),
        ("{\"points\":[{\"series\":\"a\",\"value\":1},{\"series\":\"a\",\"value\":\"1\"}]}", 400, "points[1].value: expected a number, found a string"),
        ("{\"points\":[{\"series\":\"a\",\"value\":1,\"colour\":2}]}", 400, "points[0].colour: unknown field"),
        ("{\"points\":[{\"series\":\"a\",\"timestamp\":1.5,\"value\":1}]}", 400, "points[0].timestamp: expected whole epoch seconds"),
        ("{\"points\":[{\"series\":\"a\",\"timestamp\":\"yesterday\",\"value\":1}]}", 400, "points[0].timestamp: 'yesterday' is not a timestamp"),
        ("{\"points\":[{\"series\":\"a\",\"timestamp\":true,\"value\":1}]}", 400, "points[0].timestamp: expected epoch seconds or a date-time string, found a boolean"),
        ("{\"points\":[{\"series\":\"a\",\"value\":1},{\"series\":\"a\",\"value\":1},{\"series\":\"a\",\"value\":1},{\"series\":\"a\",\"value\":1}]}", 400, "at most 3 per request"),
        ("{\"points\":[{\"series\":\"a\",\"value\":1,\"value\":2}]}", 400, "body: not JSON"),
        (String(repeating: "[", count: 100_000), 400, "body: not JSON"),
    ]

    @Test func malformedDetectRequestsNameTheField() async throws {
        var configuration = ServeConfiguration()
        configuration.limits.maxPointsPerRequest = 3
        let server = try await RunningServer.start(configuration)
        defer { Task { await server.stop() } }
        for (body, status, message) in Self.cases {
            let answer = try await server.request("POST", "/v1/detect", body: body)
            #expect(answer.status == status, "\(body.prefix(80)) → \(answer.status) \(answer.body)")
            #expect(answer.errorMessage.contains(message), "\(body.prefix(80)) → \(answer.errorMessage)")
        }
        // A value outside Float32 is the point's problem, not the request's: skipped and said.
        let huge = try await server.request("POST", "/v1/detect", body: "{\"points\":[{\"series\":\"a\",\"value\":1e300}]}")
        #expect(huge.status == 200 && huge.body.contains("beyond the Float32 range"))
        // Nothing above reached the table.
        #expect(try await server.request("GET", "/healthz").object["series"] as? Int == 0)
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        var configuration = ServeConfiguration()
        configuration.limits.maxBodyBytes = 2048
        let server = try await RunningServer.start(configuration)
        defer { Task { await server.stop() } }
        let body = "{\"points\":[" + Array(repeating: "{\"series\":\"a\",\"value\":1}", count: 200).joined(separator: ",") + "]}"
        let answer = try await server.request("POST", "/v1/detect", body: body)
        #expect(answer.status == 413)
        #expect(answer.errorMessage.contains("over 2048 bytes"))
        // The server is still there.
        #expect(try await server.request("GET", "/healthz").status == 200)
    }

    @Test func theTokenGuardsEveryRouteButHealthz() async throws {
        var configuration = ServeConfiguration()
        configuration.token = "s3cret"
        let server = try await RunningServer.start(configuration)
        defer { Task { await server.stop() } }
        #expect(try await server.request("GET", "/healthz").status == 200)
        let body = "{\"points\":[{\"series\":\"a\",\"value\":1}]}"
        let none = try await server.request("POST", "/v1/detect", body: body)
        #expect(none.status == 401)
        #expect(none.headers["www-authenticate"] == "Bearer")
        #expect(try await server.request("POST", "/v1/detect", body: body, token: "s3cre").status == 401)
        #expect(try await server.request("POST", "/v1/detect", body: body, token: "s3cret!").status == 401)
        #expect(try await server.request("GET", "/metrics").status == 401)
        #expect(try await server.request("GET", "/v1/models").status == 401)
        #expect(try await server.request("POST", "/v1/detect", body: body, token: "s3cret").status == 200)
        #expect(try await server.request("GET", "/metrics", token: "s3cret").status == 200)
    }

    @Test func unknownRoutesAndMethodsAreNotFound() async throws {
        let server = try await RunningServer.start(ServeConfiguration())
        defer { Task { await server.stop() } }
        #expect(try await server.request("GET", "/v2/detect").status == 404)
        let wrongMethod = try await server.request("GET", "/v1/detect")
        #expect([404, 405].contains(wrongMethod.status))
    }

    @Test func constantTimeComparisonAgreesWithEquality() {
        let cases: [(String, String)] = [("", ""), ("a", "a"), ("a", "b"), ("abc", "ab"), ("ab", "abc"), ("Bearer x", "Bearer x")]
        for (a, b) in cases {
            #expect(constantTimeEqual(Array(a.utf8), Array(b.utf8)) == (a == b), "\(a) vs \(b)")
        }
    }
}
