// How much memory this process can still use, so a job that would not fit says so up front
// instead of being killed by the kernel's OOM killer halfway through: Linux's MemAvailable,
// capped by the cgroup (v2) limit a container or Slurm job runs under.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum SystemMemory {
    /// Bytes that can still be allocated, or nil where the system does not say (not Linux).
    public static func available() -> Int? {
        guard let free = number(in: "/proc/meminfo", after: "MemAvailable:").map({ $0 * 1024 }) else { return nil }
        guard let limit = firstLine("/sys/fs/cgroup/memory.max").flatMap(Int.init),
              let used = firstLine("/sys/fs/cgroup/memory.current").flatMap(Int.init) else { return free }
        return min(free, max(0, limit - used))
    }

    /// "12.3 GB" (decimal units, as `free -h` and disk tools print them).
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
    }

    private static func lines(_ path: String) -> [String] {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var result: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line { result.append(String(cString: line)) }
        return result
    }

    private static func firstLine(_ path: String) -> String? {
        lines(path).first.map { String($0.filter { !$0.isWhitespace }) }
    }

    /// The number after `label` on its line ("MemAvailable:   123 kB" → 123).
    private static func number(in path: String, after label: String) -> Int? {
        guard let line = lines(path).first(where: { $0.hasPrefix(label) }) else { return nil }
        return Int(line.dropFirst(label.count).split(separator: " ").first ?? "")
    }
}
