// `--token-file`: every route after this middleware needs `Authorization: Bearer <token>`.
// The comparison takes the same time wherever the first difference is, so the token cannot be
// guessed a byte at a time from response times.
import Hummingbird

struct BearerAuth<Context: RequestContext>: RouterMiddleware {
    let expected: [UInt8]

    init(token: String) { expected = Array(("Bearer " + token).utf8) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let given = request.headers[.authorization], constantTimeEqual(Array(given.utf8), expected) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "authorization: expected the header 'Authorization: Bearer <token>' with the server's token")
        }
        return try await next(request, context)
    }
}

/// Equal bytes, compared in a time that depends only on the lengths.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference: UInt8 = a.count == b.count ? 0 : 1
    for i in 0..<b.count { difference |= (i < a.count ? a[i] : 0) ^ b[i] }
    return difference == 0
}

/// Counts and times every request for `/metrics` (route, method, status).
struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics
    /// The routes named in the labels; any other path is `other`, so callers cannot mint series.
    let routes: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        let route = routes.contains(path) ? path : "other"
        do {
            let response = try await next(request, context)
            metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code, seconds: ContinuousClock.now - start)
            return response
        } catch let error as any HTTPResponseError {
            metrics.recordRequest(route: route, method: request.method.rawValue, status: error.status.code, seconds: ContinuousClock.now - start)
            throw error
        } catch {
            metrics.recordRequest(route: route, method: request.method.rawValue, status: 500, seconds: ContinuousClock.now - start)
            throw error
        }
    }
}
