// Lines of stdin (or an opened file) through ppoll and read(2) rather than stdio's getline: a
// SIGTERM or SIGINT ends the wait and the caller sees it at once, where readLine() was seen to
// spin on a stream left in an error state. Lines end at \n; a final line without one is still
// returned. Only the unread tail is kept, so a file of any size is read in bounded memory.
import CSignals
import Foundation

/// Reads stdin (or `descriptor`) a buffer at a time and hands out its lines.
struct InputLines {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(descriptor: Int32 = 0) { self.descriptor = descriptor }

    /// The next line without its \n, or nil at the end of input or when `stop()` says so while
    /// waiting for more. `beforeWaiting` runs when every buffered line is handed out and the next
    /// read may block — the moment to flush what was written, so a live row goes out at once while
    /// a file piped in is written in large blocks.
    mutating func next(stop: () -> Bool, beforeWaiting: () -> Void = {}) -> String? {
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
            beforeWaiting()
            // Keep only the unread tail before reading more.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            // Wait (at most a second at a time) until there is input or a stop request, so a signal
            // that lands between the check above and a blocking read cannot be missed.
            guard seer_wait_readable(descriptor, 1_000) == 1 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 || errno != EINTR {
                ended = true
            }
        }
    }
}
