// Where tensors live and kernels run. The CPU backend (OpenBLAS) is always there; CUDA is
// loaded at run time, so asking for it on a machine without a GPU is a clear error, not a crash.
import CCUDA
import SeerBase

/// A compute device: the CPU, or the n-th CUDA GPU.
public enum Device: Equatable, Hashable, Sendable, CustomStringConvertible {
    case cpu
    case cuda(Int)

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let n): return "cuda:\(n)"
        }
    }

    /// Parses `cpu`, `cuda` (= `cuda:0`) or `cuda:N`.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "cpu": self = .cpu
        case "cuda", "gpu": self = .cuda(0)
        default:
            guard text.lowercased().hasPrefix("cuda:"), let n = Int(text.dropFirst(5)), n >= 0 else { return nil }
            self = .cuda(n)
        }
    }
}

/// Why a device cannot be used here (exit 69, EX_UNAVAILABLE, from the CLI).
public struct DeviceUnavailable: SeerError, Sendable {
    public let device: Device
    public let reason: String
    public init(device: Device, reason: String) {
        self.device = device
        self.reason = reason
    }
    public var kind: FailureKind { .unavailable }
    public var description: String { "device \(device) is not available: \(reason)" }
}

/// Run-time CUDA discovery through the dlopen shim.
public enum CUDAProbe {
    /// Number of CUDA devices usable from this process (0 when there is no driver or GPU).
    public static func deviceCount() -> Int { max(0, Int(seer_cuda_device_count())) }

    /// Throws `DeviceUnavailable` unless `device` can be used.
    public static func check(_ device: Device) throws(DeviceUnavailable) {
        guard case .cuda(let n) = device else { return }
        let count = Int(seer_cuda_device_count())
        if count < 0 { throw DeviceUnavailable(device: device, reason: String(cString: seer_cuda_last_error())) }
        if n >= count { throw DeviceUnavailable(device: device, reason: "only \(count) CUDA device(s) present") }
    }
}
