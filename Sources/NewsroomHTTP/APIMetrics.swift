import Foundation
import Hummingbird
import Metrics
import Prometheus

/// The API's metrics, recorded through swift-metrics into a Prometheus registry of its own (not
/// the process-wide bootstrap, so every server and every test counts only its own requests).
public struct APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Reads of one row should take a millisecond or two; the buckets resolve that range.
        factory.defaultDurationHistogramBuckets = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                                   .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5)]
        self.factory = factory
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        Counter(label: "http_requests_total", dimensions: [("method", method), ("route", route), ("status", "\(status)")], factory: factory).increment()
        Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    func recordLag(projection: String, events: Int, seconds: Double) {
        Gauge(label: "newsroom_projection_lag_events", dimensions: [("projection", projection)], factory: factory).record(events)
        Gauge(label: "newsroom_projection_lag_seconds", dimensions: [("projection", projection)], factory: factory).record(seconds)
    }

    func recordFollowerRunning(_ running: Bool) {
        Gauge(label: "newsroom_projection_follower_running", factory: factory).record(running ? 1 : 0)
    }

    func recordDatabaseReachable(_ reachable: Bool) {
        Gauge(label: "newsroom_database_up", factory: factory).record(reachable ? 1 : 0)
    }

    /// The Prometheus text exposition format.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Counts and times every request by route template (not by raw path, which would make one time
/// series per slug).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                              status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
