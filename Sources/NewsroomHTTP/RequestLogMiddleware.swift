import Foundation
import Hummingbird
import Logging

/// One structured line per request: method, route, path, status, duration, and the request id
/// Hummingbird puts in the logger's metadata. Query strings are left out: they may carry names.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.info("request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.route": "\(context.endpointPath ?? "unmatched")",
            "http.path": "\(request.uri.path)",
            "http.status": "\(response.status.code)",
            "duration_ms": "\(Self.milliseconds(elapsed))",
        ])
        return response
    }

    /// "12.345": milliseconds with three decimals, without Foundation's `String(format:)`, which
    /// took more of a request's time than the rest of its log line.
    static func milliseconds(_ duration: Duration) -> String {
        let micros = max(0, duration.nanoseconds / 1000)
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
