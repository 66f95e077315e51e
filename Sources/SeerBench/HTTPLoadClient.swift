// The load generator behind `seer bench serve`: keep-alive HTTP/1.1 connections on non-blocking
// loopback sockets, driven by one thread with poll(2), one request in flight per connection
// (so each connection's series are updated in order). Two modes: closed loop (each connection
// sends its next request as soon as the answer arrives: the most the server gives) and open loop
// (requests scheduled at a fixed rate and timed from their scheduled moment, so a server that
// falls behind shows it in the latencies instead of slowing the generator down: no coordinated
// omission). Every answer is checked: status 200, `scored`, and `rows` equal to the point's
// 1-based index in its series — a point lost or scored twice breaks the count.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CSignals
import SeerBase

/// What one load run measured.
public struct LoadRunFigures: Codable, Sendable {
    /// `closed` or `open`.
    public var mode: String
    /// Requests per second asked for (open loop); nil for closed loop.
    public var targetRate: Double?
    public var connections: Int
    public var series: Int
    public var requests: Int
    public var seconds: Double
    public var requestsPerSecond: Double
    public var p50Milliseconds: Double
    public var p99Milliseconds: Double
    public var maxMilliseconds: Double
    /// Answers that were not 200.
    public var failed: Int
    /// Answers whose `rows` was not the point's index in its series, or whose status was not `scored`.
    public var sequenceErrors: Int
}

/// One keep-alive connection and the request in flight on it.
private final class LoadConnection {
    let fd: Int32
    /// The series this connection owns, and the next one to update.
    let series: [Int]
    var cursor = 0
    var outbox: [UInt8] = []
    var written = 0
    var inbox: [UInt8] = []
    /// The series in flight and the moment its latency counts from.
    var inFlight: (series: Int, since: UInt64)?
    /// Open loop: scheduled moments waiting for this connection.
    var queue: [UInt64] = []
    var queueHead = 0

    init(fd: Int32, series: [Int]) {
        self.fd = fd
        self.series = series
    }
}

/// Drives `/v1/detect` with single-point requests.
struct HTTPLoadClient {
    let port: UInt16
    let seriesNames: [String]
    private let nameBytes: [[UInt8]]
    /// Points sent so far per series (the next point's index).
    private var sent: [Int]
    private let start: Int64 = 1_700_000_000

    init(port: UInt16, seriesNames: [String]) {
        self.port = port
        self.seriesNames = seriesNames
        nameBytes = seriesNames.map { Array($0.utf8) }
        sent = Array(repeating: 0, count: seriesNames.count)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// A connected, non-blocking socket with Nagle off.
    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DataError(.io, "socket: \(DurableFiles.reason())") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw DataError(.unavailable, "cannot connect to 127.0.0.1:\(port): \(DurableFiles.reason())")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    /// The value of a series' k-th point: a daily cycle (1-minute steps) and noise, seeded by the
    /// series and k so every run sends the same points.
    func value(series: Int, index k: Int) -> Double {
        var h = UInt64(truncatingIfNeeded: series &* 1_000_003 &+ k) &* 0x9E3779B97F4A7C15
        h ^= h >> 29
        let noise = Double(h % 10_000) / 10_000 - 0.5
        return (10 + 3 * sin(2 * Double.pi * Double(k) / 1440) + noise).rounded(toPlaces: 3)
    }

    /// The request line and headers before the body's length; the generator runs on the cores it
    /// measures, so a request is assembled from bytes rather than formatted text.
    private static let head = Array("POST /v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ".utf8)

    private mutating func request(for series: Int, into out: inout [UInt8]) {
        let k = sent[series]
        sent[series] += 1
        var body: [UInt8] = []
        body.reserveCapacity(96)
        body += Array("{\"points\":[{\"series\":\"".utf8)
        body += nameBytes[series]
        body += Array("\",\"timestamp\":".utf8)
        Self.appendInteger(start + Int64(k) * 60, to: &body)
        body += Array(",\"value\":".utf8)
        body += Array(String(value(series: series, index: k)).utf8)
        body += Array("}]}".utf8)
        out.removeAll(keepingCapacity: true)
        out += Self.head
        Self.appendInteger(Int64(body.count), to: &out)
        out += [13, 10, 13, 10]
        out += body
    }

    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(45) }
        var digits: [UInt8] = []
        var v = value.magnitude
        repeat { digits.append(UInt8(48 + v % 10)); v /= 10 } while v > 0
        bytes += digits.reversed()
    }

    /// Runs `requests` single-point requests over `connections` connections: closed loop when
    /// `rate` is nil, else open loop at `rate` requests per second.
    mutating func run(requests: Int, connections count: Int, rate: Double?) throws -> LoadRunFigures {
        let connections = try (0..<count).map { c in
            LoadConnection(fd: try Self.connect(port: port), series: Array(stride(from: c, to: seriesNames.count, by: count)))
        }
        defer { for connection in connections { close(connection.fd) } }
        var latencies: [UInt64] = []
        latencies.reserveCapacity(requests)
        var failed = 0, sequenceErrors = 0, scheduled = 0, completed = 0
        let began = Self.now()
        let interval = rate.map { 1e9 / $0 } ?? 0
        var fds = connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }

        func send(_ connection: LoadConnection, since: UInt64) throws {
            let series = connection.series[connection.cursor % connection.series.count]
            connection.cursor += 1
            request(for: series, into: &connection.outbox)
            connection.written = 0
            connection.inFlight = (series, since)
            try flush(connection)
        }
        func flush(_ connection: LoadConnection) throws {
            while connection.written < connection.outbox.count {
                let n = connection.outbox.withUnsafeBytes { raw in
                    Glibc.send(connection.fd, raw.baseAddress! + connection.written, connection.outbox.count - connection.written, Int32(MSG_NOSIGNAL))
                }
                if n < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK { return }
                    throw DataError(.io, "send: \(DurableFiles.reason())")
                }
                connection.written += n
            }
        }

        if rate == nil {
            for connection in connections where scheduled < requests {
                scheduled += 1
                try send(connection, since: Self.now())
            }
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while completed < requests {
            let now = Self.now()
            if rate != nil {
                // Hand every request whose moment has come to the next connection in turn.
                while scheduled < requests && began + UInt64(Double(scheduled) * interval) <= now {
                    connections[scheduled % count].queue.append(began + UInt64(Double(scheduled) * interval))
                    scheduled += 1
                }
                for connection in connections where connection.inFlight == nil && connection.queueHead < connection.queue.count {
                    let since = connection.queue[connection.queueHead]
                    connection.queueHead += 1
                    try send(connection, since: since)
                }
            }
            for i in connections.indices {
                fds[i].events = Int16(POLLIN) | (connections[i].written < connections[i].outbox.count ? Int16(POLLOUT) : 0)
                fds[i].revents = 0
            }
            // Sleep until an answer comes or the next request is due (ppoll: a poll timeout in
            // whole milliseconds would be 0 at these rates, and the generator would spin a core away
            // from the server it measures).
            var wait: UInt64 = 100_000_000
            if rate != nil && scheduled < requests {
                let next = began + UInt64(Double(scheduled) * interval)
                wait = next > now ? min(wait, next - now) : 0
            }
            guard seer_poll_nanoseconds(&fds, UInt(fds.count), Int64(wait)) >= 0 || errno == EINTR else { throw DataError(.io, "poll: \(DurableFiles.reason())") }
            for (i, connection) in connections.enumerated() where fds[i].revents != 0 {
                if fds[i].revents & Int16(POLLOUT) != 0 { try flush(connection) }
                guard fds[i].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { continue }
                let n = read(connection.fd, &buffer, buffer.count)
                if n == 0 { throw DataError(.io, "the server closed a connection after \(completed) answers") }
                if n < 0 {
                    if errno == EAGAIN || errno == EINTR { continue }
                    throw DataError(.io, "read: \(DurableFiles.reason())")
                }
                connection.inbox.append(contentsOf: buffer[0..<n])
                while let (status, body, used) = Self.response(in: connection.inbox) {
                    connection.inbox.removeFirst(used)
                    guard let flight = connection.inFlight else { throw DataError(.io, "an answer nobody asked for") }
                    let done = Self.now()
                    latencies.append(done - min(flight.since, done))
                    completed += 1
                    connection.inFlight = nil
                    if status != 200 { failed += 1 }
                    if !Self.isScored(body, rows: sent[flight.series]) { sequenceErrors += 1 }
                    if rate == nil && scheduled < requests {
                        scheduled += 1
                        try send(connection, since: done)
                    } else if rate != nil && connection.queueHead < connection.queue.count {
                        let since = connection.queue[connection.queueHead]
                        connection.queueHead += 1
                        try send(connection, since: since)
                    }
                }
            }
        }
        let seconds = Double(Self.now() - began) / 1e9
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))]) / 1e6 }
        return LoadRunFigures(mode: rate == nil ? "closed" : "open", targetRate: rate, connections: count, series: seriesNames.count, requests: requests,
                              seconds: seconds, requestsPerSecond: Double(requests) / seconds, p50Milliseconds: percentile(0.5),
                              p99Milliseconds: percentile(0.99), maxMilliseconds: Double(latencies.last ?? 0) / 1e6,
                              failed: failed, sequenceErrors: sequenceErrors)
    }

    /// One whole response at the start of `bytes`: status, body and bytes used; nil if incomplete.
    /// Read as bytes, without building strings (the generator shares the cores it measures).
    static func response(in bytes: [UInt8]) -> (status: Int, body: ArraySlice<UInt8>, used: Int)? {
        guard bytes.count >= 16, let end = headerEnd(bytes) else { return nil }
        // "HTTP/1.1 200 …": the status is bytes 9 to 11.
        let status = bytes[9...11].reduce(0) { $0 * 10 + Int($1) - 48 }
        var length = 0
        let name = Array("content-length:".utf8)
        var i = 0
        while i < end {
            // Each header line: compare its name case-insensitively.
            if i + name.count <= end && (0..<name.count).allSatisfy({ bytes[i + $0] | 0x20 == name[$0] | 0x20 }) {
                var j = i + name.count
                while j < end && bytes[j] == 32 { j += 1 }
                while j < end && bytes[j] >= 48 && bytes[j] <= 57 { length = length * 10 + Int(bytes[j]) - 48; j += 1 }
                break
            }
            while i < end && bytes[i] != 10 { i += 1 }
            i += 1
        }
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        return (status, bytes[bodyStart..<bodyStart + length], bodyStart + length)
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    private static let scored = Array("\"status\":\"scored\"".utf8), rowsKey = Array("\"rows\":".utf8)

    /// Whether the answer says `scored` with `rows` equal to `rows`.
    static func isScored(_ body: ArraySlice<UInt8>, rows: Int) -> Bool {
        guard find(scored, in: body) != nil, let at = find(rowsKey, in: body) else { return false }
        var value = 0, j = at + rowsKey.count
        while j < body.endIndex && body[j] >= 48 && body[j] <= 57 { value = value * 10 + Int(body[j]) - 48; j += 1 }
        return value == rows
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i] == needle[0] && (1..<needle.count).allSatisfy({ haystack[i + $0] == needle[$0] }) { return i }
            i += 1
        }
        return nil
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
