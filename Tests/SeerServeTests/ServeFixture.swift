// A `SeerServer` started in the test process on a free loopback port, and plain HTTP requests to
// it through URLSession: what a Python or Go caller would send, nothing Hummingbird-specific.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SeerServe

/// One running server; `stop()` cancels it (connections close, then the state is saved).
struct RunningServer {
    let port: Int
    let task: Task<Void, any Error>
    /// A folder removed once the server has stopped.
    var cleanup: String?

    static func start(_ configuration: ServeConfiguration) async throws -> RunningServer {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        // Cancelling a server (how tests stop it) logs the cancelled connections as errors.
        configuration.logLevel = "critical"
        let server = try SeerServer(configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = try await task.value
            throw ServeTestError("the server stopped before it listened")
        }
        return RunningServer(port: port, task: task, cleanup: nil)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) }
    }

    /// One request; the status, body and headers of the answer.
    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 30)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return HTTPAnswer(status: http.statusCode, body: String(decoding: data, as: UTF8.self),
                          headers: http.allHeaderFields.reduce(into: [:]) { $0["\($1.key)".lowercased()] = "\($1.value)" })
    }
}

struct HTTPAnswer {
    let status: Int
    let body: String
    let headers: [String: String]

    /// The body as JSON (Foundation's parser: an independent reader of what the server wrote).
    var json: Any { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) ?? [:] }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var errorMessage: String { (object["error"] as? [String: Any])?["message"] as? String ?? "" }
}

struct ServeTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary folder, removed by the caller.
func temporaryFolder(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-serve-\(name)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// An hourly series with a daily cycle, noise and one spike at `spike`.
func hourlySeries(length: Int, spike: Int, seed: UInt64) -> [Double] {
    var state = seed &* 0x9E3779B97F4A7C15 | 1
    func noise() -> Double {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Double(state % 10_000) / 10_000 - 0.5
    }
    return (0..<length).map { t in
        10 + 3 * sin(2 * Double.pi * Double(t) / 24) + noise() + (t == spike ? 25 : 0)
    }
}
