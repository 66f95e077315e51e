// libFuzzer entry points for every parser that reads what a user or a client hands Seer. One
// binary; the target is chosen by SEER_FUZZ_TARGET (csv, timestamp, ts, safetensors, checkpoint,
// job, stream-csv, stream-jsonl, logs, json). A target may throw — a clear error is the right
// answer to bad input — but must not crash, hang, leak or allocate without bound; AddressSanitizer
// and libFuzzer's -rss_limit_mb/-timeout catch those. File-based readers get the input through a
// file in /dev/shm (they memory-map their input).
import Foundation
import Seer

nonisolated(unsafe) private var target = ""
nonisolated(unsafe) private var scratch = ""

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    target = ProcessInfo.processInfo.environment["SEER_FUZZ_TARGET"] ?? ""
    guard FuzzTarget.all.contains(target) else {
        FileHandle.standardError.write(Data("seer-fuzz: set SEER_FUZZ_TARGET to one of \(FuzzTarget.all.joined(separator: ", "))\n".utf8))
        exit(64)
    }
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    scratch = "\(directory)/seer-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    FuzzTarget.run(target, bytes, scratch: scratch)
    return 0
}
