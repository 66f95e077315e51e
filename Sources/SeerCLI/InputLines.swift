// Lines of stdin (or an opened file) through ppoll and read(2) rather than stdio's getline: a
// SIGTERM or SIGINT ends the wait and the caller sees it at once, where readLine() was seen to
// spin on a stream left in an error state. Lines end at \n; a final line without one is still
// returned. Only the unread tail is kept, and a line longer than `maxLineBytes` is dropped as it
// arrives (the caller is told its length), so a file of any size — newlines or not — is read in
// bounded memory and linear time.
import CSignals
import Foundation

/// Reads stdin (or `descriptor`) a buffer at a time and hands out its lines.
struct InputLines {
    /// One line of the input.
    enum Line: Equatable {
        /// The line's text without its \n (bytes that are not UTF-8 become U+FFFD).
        case text(String)
        /// A line longer than `maxLineBytes`, dropped unread; `bytes` is its whole length.
        case tooLong(bytes: Int)
    }

    /// The default bound on a line: far above any log or data line, far below memory. Without a
    /// bound, input with no newline (a binary file, one huge JSON document) was held whole, and
    /// each read rescanned everything held for a newline — a 100 MB line took minutes.
    static let defaultMaxLineBytes = 1 << 20

    let maxLineBytes: Int
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// `buffer[start..<scanned]` is known to hold no newline, so a read searches only new bytes.
    private var scanned = 0
    /// Bytes of the current line already dropped for being too long (nil: none dropped).
    private var dropped: Int?
    private var ended = false
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    /// The most bytes the buffer has held: `maxLineBytes` plus one read at most.
    private(set) var peakBufferedBytes = 0

    init(descriptor: Int32 = 0, maxLineBytes: Int = InputLines.defaultMaxLineBytes) {
        self.descriptor = descriptor
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// The next line, or nil at the end of input or when `stop()` says so while waiting for more.
    /// `beforeWaiting` runs when every buffered line is handed out and the next read may block —
    /// the moment to flush what was written, so a live row goes out at once while a file piped in
    /// is written in large blocks.
    mutating func next(stop: () -> Bool, beforeWaiting: () -> Void = {}) -> Line? {
        while true {
            if let newline = newline(from: max(start, scanned)) {
                defer { start = newline + 1; scanned = start; dropped = nil }
                return line(upTo: newline)
            }
            scanned = buffer.count
            if buffer.count - start > maxLineBytes {
                // No newline yet and already too long: drop what is held and keep only the count.
                dropped = (dropped ?? 0) + buffer.count - start
                start = buffer.count
            }
            if ended {
                guard start < buffer.count || dropped != nil else { return nil }
                defer { start = buffer.count; scanned = start; dropped = nil }
                return line(upTo: buffer.count)
            }
            if stop() { return nil }
            beforeWaiting()
            // Keep only the unread tail before reading more.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                scanned -= start
                start = 0
            }
            // Wait (at most a second at a time) until there is input or a stop request, so a signal
            // that lands between the check above and a blocking read cannot be missed.
            guard seer_wait_readable(descriptor, 1_000) == 1 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
                peakBufferedBytes = max(peakBufferedBytes, buffer.count)
            } else if count == 0 || errno != EINTR {
                ended = true
            }
        }
    }

    /// The index of the first \n at or after `from`, by memchr (a generic search ran at tens of
    /// MB/s in debug builds).
    private func newline(from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { all in
            memchr(all.baseAddress! + from, 0x0A, all.count - from).map { UnsafeRawPointer(all.baseAddress!).distance(to: UnsafeRawPointer($0)) }
        }
    }

    /// Why a too-long line was skipped, for warnings and notes (this reader's bound, not the default).
    func tooLongReason(bytes: Int) -> String {
        "is \(bytes) bytes long, over the \(maxLineBytes) a line may have"
    }

    /// The line from `start` to `end` (exclusive), or its length when it is too long.
    private func line(upTo end: Int) -> Line {
        let length = (dropped ?? 0) + end - start
        return length > maxLineBytes ? .tooLong(bytes: length) : .text(String(decoding: buffer[start..<end], as: UTF8.self))
    }
}
