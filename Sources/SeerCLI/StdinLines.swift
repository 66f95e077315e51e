// Lines of stdin through read(2) rather than stdio's getline: a SIGTERM or SIGINT interrupts the
// read (EINTR) and the caller sees it at once, where readLine() was seen to spin on a stream
// left in an error state. Lines end at \n; a final line without one is still returned.
import Foundation

/// Reads stdin a buffer at a time and hands out its lines.
struct StdinLines {
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    /// The next line without its \n, or nil at the end of input or when `stop()` says so while
    /// waiting for more.
    mutating func next(stop: () -> Bool) -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            if ended {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            if stop() { return nil }
            // Keep only the unread tail before reading more.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 || errno != EINTR {
                ended = true
            }
        }
    }
}
