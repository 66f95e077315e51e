// `seer serve` as a process: it writes its port, answers with the bearer token, stops on SIGTERM
// with exit 0 after saving the detector state (which `seer detect --stream --state` then
// resumes), and refuses bad options and missing inputs with the documented exit codes.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

struct ServeCLITests {
    /// A `seer serve` process and the port it listens on.
    struct Served {
        let process: Process
        let port: Int
        let stderr: String

        static func start(_ arguments: [String], folder: String) throws -> Served {
            let portFile = folder + "/port", stderr = folder + "/stderr.txt"
            FileManager.default.createFile(atPath: stderr, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = ["serve", "--bind", "127.0.0.1:0", "--port-file", portFile] + arguments
            process.standardError = FileHandle(forWritingAtPath: stderr)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline && process.isRunning {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    return Served(process: process, port: port, stderr: stderr)
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            process.terminate()
            throw CLIServeError("seer serve did not write its port: \((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")
        }

        /// SIGTERM, then the exit status (nil if it did not stop within 20 s: a hang).
        func stop() -> Int32? {
            process.terminate()
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); return nil }
            return process.terminationStatus
        }

        func post(_ path: String, _ body: String, token: String?) throws -> (status: Int, body: String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 30)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var answer: (Int, String) = (-1, "")
            URLSession.shared.dataTask(with: request) { data, response, _ in
                answer = ((response as? HTTPURLResponse)?.statusCode ?? -1, data.map { String(decoding: $0, as: UTF8.self) } ?? "")
                done.signal()
            }.resume()
            done.wait()
            return answer
        }
    }

    @Test func servesWithATokenAndSavesTheStateOnSIGTERM() throws {
        let folder = DetectCLITests.temporary("serve")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "tok-123\n".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        let served = try Served.start(["--token-file", folder + "/token", "--state", folder + "/state", "--warmup", "5"], folder: folder)
        let points = (0..<20).map { "{\"series\":\"m\",\"timestamp\":\(1_700_000_000 + $0 * 300),\"value\":\(Double($0 % 7))}" }
        #expect(try served.post("/v1/detect", "{\"points\":[\(points[0])]}", token: nil).status == 401)
        #expect(try served.post("/v1/detect", "{\"points\":[\(points[0])]}", token: "tok-12").status == 401)
        let answer = try served.post("/v1/detect", "{\"points\":[\(points.joined(separator: ","))]}", token: "tok-123")
        #expect(answer.status == 200 && answer.body.contains("\"rows\":20"), "\(answer.body)")
        #expect(served.stop() == 0, "stops on SIGTERM with exit 0")
        let log = try String(contentsOfFile: served.stderr, encoding: .utf8)
        #expect(log.contains("listening on http://127.0.0.1:\(served.port)"), "\(log)")
        // The stream reads the state the server saved and knows these points.
        let csv = "unique_id,timestamp,value\n" + (0..<21).map { "m,\(1_700_000_000 + $0 * 300),\(Double($0 % 7))" }.joined(separator: "\n") + "\n"
        let resumed = try CLITests.seer(["detect", "--stream", "--state", folder + "/state", "--warmup", "5"], stdin: csv)
        #expect(resumed.status == 0 && resumed.stderr.contains("20 already scored before the restart"), "\(resumed.stderr)")
        #expect(resumed.stdout.split(separator: "\n").count == 1 && resumed.stdout.hasPrefix("m,1700006000,"), "only the one new point is scored: \(resumed.stdout)")
    }

    @Test func badOptionsAndMissingInputsExitAsDocumented() throws {
        let folder = DetectCLITests.temporary("serve-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "\n".write(toFile: folder + "/empty-token", atomically: true, encoding: .utf8)
        let cases: [([String], Int32, String)] = [
            (["--bind", "localhost"], 64, "--bind is HOST:PORT"),
            (["--bind", "127.0.0.1:99999"], 64, "--bind is HOST:PORT"),
            (["--threshold", "2"], 64, "--threshold"),
            (["--token-file", folder + "/empty-token"], 65, "holds no token"),
            (["--token-file", folder + "/none"], 66, "none"),
            (["--registry", folder + "/no-registry"], 66, "is not a registry"),
            (["--models", folder + "/no-models"], 66, "is not a folder of model directories"),
        ]
        for (arguments, status, message) in cases {
            let run = try CLITests.seer(["serve", "--bind", "127.0.0.1:0"] + arguments)
            #expect(run.status == status, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        // A port already taken: a clear error, not a hang.
        let first = try Served.start([], folder: folder)
        defer { _ = first.stop() }
        let second = try CLITests.seer(["serve", "--bind", "127.0.0.1:\(first.port)"])
        #expect(second.status != 0 && second.stderr.contains("seer: error:"), "\(second.stderr)")
    }
}

struct CLIServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
