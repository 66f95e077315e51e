// InputLines at its edges: a line of exactly the bound and one byte over, an over-long line that
// spans many reads (dropped as it comes, so the buffer never holds much more than the bound), an
// over-long final line without a newline, and bytes that are not UTF-8.
import Foundation
import Testing
@testable import SeerCLI

struct InputLinesTests {
    /// Every line of `bytes`, read through a file with the given bound.
    static func lines(_ bytes: [UInt8], maxLineBytes: Int) throws -> (lines: [InputLines.Line], peak: Int) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-lines-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var reader = InputLines(descriptor: descriptor, maxLineBytes: maxLineBytes)
        var lines: [InputLines.Line] = []
        while let line = reader.next(stop: { false }) { lines.append(line) }
        return (lines, reader.peakBufferedBytes)
    }

    @Test func theBoundIsInclusiveAndAFinalLineCountsToo() throws {
        let text = "short\n" + String(repeating: "x", count: 10) + "\n" + String(repeating: "y", count: 11) + "\n\n" + String(repeating: "z", count: 24)
        let read = try Self.lines(Array(text.utf8), maxLineBytes: 10)
        #expect(read.lines == [.text("short"), .text("xxxxxxxxxx"), .tooLong(bytes: 11), .text(""), .tooLong(bytes: 24)])
        #expect(try Self.lines(Array("a\nb".utf8), maxLineBytes: 10).lines == [.text("a"), .text("b")])
        #expect(try Self.lines([], maxLineBytes: 10).lines.isEmpty)
        #expect(try Self.lines([0x61, 0xFF, 0x0A], maxLineBytes: 10).lines == [.text("a\u{FFFD}")])
    }

    @Test func aLineOverManyReadsIsDroppedAsItComes() throws {
        let bytes = Array("first\n".utf8) + [UInt8](repeating: 0x41, count: 1_000_000) + Array("\nlast\n".utf8)
        let read = try Self.lines(bytes, maxLineBytes: 100_000)
        #expect(read.lines == [.text("first"), .tooLong(bytes: 1_000_000), .text("last")])
        // The bound plus one 64 KiB read, not the million bytes of the line.
        #expect(read.peak <= 100_000 + 65_536, "held \(read.peak) bytes")
        let noNewline = try Self.lines([UInt8](repeating: 0x42, count: 500_000), maxLineBytes: 1_000)
        #expect(noNewline.lines == [.tooLong(bytes: 500_000)] && noNewline.peak <= 1_000 + 65_536)
    }
}
