// What `seer serve` is asked to do, as data: where it listens, who may call it, how series are
// scored, where state and models live, and the limits that keep any one request from growing
// the server's memory. The CLI fills it from flags; tests and library users fill it directly.
import Foundation
import SeerTasks

/// Bounds on what one request, or all of them together, may make the server hold.
public struct ServeLimits: Sendable, Equatable {
    /// Bytes of one request body; more → 413.
    public var maxBodyBytes = 1 << 20
    /// Points in one `/v1/detect` request; more → 400.
    public var maxPointsPerRequest = 10_000
    /// Series the detector table keeps; points of further series are `skipped` (the table cannot
    /// grow without bound, whatever ids the callers invent).
    public var maxSeries = 10_000
    /// Values in one `/v1/forecast` request, all series together; more → 400.
    public var maxHistory = 1_000_000
    /// Series in one `/v1/forecast` request; more → 400.
    public var maxForecastSeries = 1_000

    public init() {}
}

/// Everything `seer serve` needs to start.
public struct ServeConfiguration: Sendable {
    /// Address to bind; loopback unless the operator opens it up.
    public var host = "127.0.0.1"
    /// Port; 0 lets the system choose (written to `portFile`).
    public var port = 8080
    /// Where the bound port is written (atomically) once the server listens.
    public var portFile: String?
    /// Bearer token every route but `/healthz` requires; nil: no authentication.
    public var token: String?
    /// How `/v1/detect` scores each series.
    public var rules = DetectRules(model: .linear, threshold: 0.5, warmup: 750)
    /// Where the detector state is kept (`detect-state.json`, shared with `seer detect --stream --state`).
    public var stateDirectory: String?
    /// How often the state is saved while serving (and once more on shutdown).
    public var stateInterval: Duration = .seconds(10)
    /// A folder whose subfolders are model directories (`seer train --save`), served by name.
    public var modelsDirectory: String?
    /// A registry (directory or postgres:// URL) whose versions are served by key.
    public var registry: String?
    /// With a PostgreSQL registry: the folder holding the model files.
    public var modelStore: String?
    public var limits = ServeLimits()
    /// Threads reading and writing sockets (nil: one per core, NIO's shared group).
    public var eventLoopThreads: Int?
    /// Log level (swift-log's names: trace … critical); logs go to stderr.
    public var logLevel = "notice"
    /// The log levels `logLevel` may name.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    /// The `Server` header (the CLI adds its version).
    public var serverName = "seer"

    public init() {}

    /// `host:port` as written in messages and URLs (IPv6 in brackets).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
