// `seer serve`: the router and its routes, and the run loop (Hummingbird's Application inside a
// ServiceGroup that stops gracefully on SIGTERM/SIGINT: the server drains its connections first,
// then the state is saved). Every route answers JSON; errors are `{"error":{"message":…}}` with a
// 4xx status that says whose fault it was, never a crash and never an allocation a request can
// make unbounded (bodies, points per request, series, history length are all capped).
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import SeerBase
import SeerTasks
import ServiceLifecycle

/// The HTTP API of `docs/openapi.yaml`: a detector table, a model catalog and their metrics.
public struct SeerServer: Sendable {
    /// The routes, as `(method, path)`; the OpenAPI document is checked against this list.
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/healthz"), ("GET", "/metrics"), ("POST", "/v1/detect"), ("POST", "/v1/forecast"), ("GET", "/v1/models"),
    ]

    public let configuration: ServeConfiguration
    let logger: Logger
    let metrics = ServeMetrics()
    let table: SeriesTable
    let catalog: ModelCatalog
    let store: DetectStateStore?
    /// Series resumed from the saved state.
    public let resumedSeries: Int

    /// Loads the saved state (checked as `seer detect --stream` checks it) and opens the registry,
    /// so a wrong path fails now rather than at the first request.
    public init(_ configuration: ServeConfiguration) throws {
        self.configuration = configuration
        var logger = Logger(label: "seer.serve")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .notice
        self.logger = logger
        store = configuration.stateDirectory.map(DetectStateStore.init(directory:))
        let saved = try store?.load()
        if let saved {
            _ = try DetectStream(model: configuration.rules.model, threshold: configuration.rules.threshold,
                                 warmup: configuration.rules.warmup, season: configuration.rules.season, resuming: saved)
        }
        resumedSeries = saved?.series.count ?? 0
        table = SeriesTable(rules: configuration.rules, maxSeries: configuration.limits.maxSeries, metrics: metrics, resuming: saved)
        catalog = try ModelCatalog(directory: configuration.modelsDirectory, registry: configuration.registry, modelStore: configuration.modelStore)
    }

    /// Serves until SIGTERM or SIGINT (or the task is cancelled): connections drain first, then
    /// the state is saved. `onListening` gets the port once the server is bound (written to the
    /// configuration's port file first).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let configuration = configuration, logger = logger, resumed = resumedSeries
        var app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                var shown = configuration
                shown.port = port
                logger.notice("seer serve: listening on http://\(shown.address)\(resumed > 0 ? " (resumed \(resumed) series)" : "")")
                if let portFile = configuration.portFile {
                    do { try DurableFiles.writeAtomically(Array("\(port)\n".utf8), to: portFile) } catch { logger.error("\(error)") }
                }
                await onListening(port)
            },
            eventLoopGroupProvider: configuration.eventLoopThreads.map { .shared(MultiThreadedEventLoopGroup(numberOfThreads: $0)) } ?? .singleton,
            logger: logger)
        if let store { app.addServices(StateSaver(table: table, store: store, interval: configuration.stateInterval, logger: logger)) }
        try await app.runService()
    }

    /// The router: `/healthz` open to all, everything else behind the bearer token when one is set.
    func makeRouter() -> Router<BasicRequestContext> {
        let configuration = configuration, table = table, catalog = catalog, metrics = metrics
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestMetrics(metrics: metrics, routes: Set(Self.routes.map(\.path))))
        router.get("/healthz") { _, _ in
            Self.json("{\"status\":\"ok\",\"series\":\(table.seriesCount)}")
        }
        if let token = configuration.token { router.add(middleware: BearerAuth(token: token)) }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        let limits = configuration.limits
        router.post("/v1/detect") { request, _ in
            try await Self.answering {
                let points = try DetectEndpoint.decode(try await readJSON(request, limit: limits.maxBodyBytes), maxPoints: limits.maxPointsPerRequest)
                return Self.json(DetectEndpoint.respond(points, table: table, metrics: metrics))
            }
        }
        router.post("/v1/forecast") { request, _ in
            try await Self.answering {
                let query = try ForecastEndpoint.decode(try await readJSON(request, limit: limits.maxBodyBytes), limits: limits)
                return Self.json(try ForecastEndpoint.respond(query, catalog: catalog, metrics: metrics))
            }
        }
        router.get("/v1/models") { _, _ in
            try await Self.answering {
                let models = catalog.modelNames().compactMap { name in
                    (try? catalog.model(named: name)).map { "{\"name\":\(JSONValue.quoted(name)),\($0.summary)}" }
                }
                let registry = try catalog.registryListing() ?? "null"
                return Self.json("{\"models\":[\(models.joined(separator: ","))],\"registry\":\(registry),\"detector\":\(Self.detectorSummary(configuration))}")
            }
        }
        return router
    }

    /// The routes the router really has, as `(method, path)`.
    public func routeList() -> [(method: String, path: String)] {
        makeRouter().routes.map { route in
            let path = "\(route.path)"
            return (route.method.rawValue, path.hasPrefix("/") ? path : "/" + path)
        }
    }

    static func detectorSummary(_ configuration: ServeConfiguration) -> String {
        let rules = configuration.rules
        return "{\"model\":\(JSONValue.quoted(rules.model.rawValue)),\"threshold\":\(rules.threshold),\"warmup\":\(rules.warmup),\"season\":\(rules.season.map(String.init) ?? "null"),\"max_series\":\(configuration.limits.maxSeries)}"
    }

    /// Runs a handler, turning Seer's errors into HTTP ones (a request's fault → 4xx, the server's → 5xx).
    static func answering(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as RequestError {
            throw error.httpError
        } catch let error as any SeerError {
            let status: HTTPResponse.Status = switch error.kind {
            case .usage, .badInput: .badRequest
            case .missingInput: .notFound
            case .unavailable, .temporary: .serviceUnavailable
            case .io, .other: .internalServerError
            }
            throw HTTPError(status, message: error.description)
        }
    }

    static func json(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
