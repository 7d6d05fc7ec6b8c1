import Foundation
import Hummingbird
import Logging
import NewsroomEventStore
import NewsroomProjections
import PostgresNIO
import ServiceLifecycle

/// `newsroom serve`: the read API and, optionally, the projection follower, in one service group
/// that shuts down gracefully on SIGTERM and SIGINT.
public enum ReadAPIServer {
    /// `articleCache`: how long an article served from memory may go without asking whether the
    /// published model moved; nil reads every request from the database.
    /// `logOutput`: where `logger` writes, when it buffers its lines; it is flushed while the
    /// server runs and when it stops.
    /// `idleTimeout`: a connection that sends nothing for this long is closed, so clients that open
    /// keep-alive connections and vanish cannot pile them up.
    public static func run(api: ConnectionSettings, projector: ConnectionSettings?, host: String, port: Int, articleCache: Duration?, logger: Logger,
                           idleTimeout: Duration = .seconds(60), logOutput: BufferedLogOutput? = nil) async throws {
        defer { logOutput?.flush() }
        let client = PostgresClient(configuration: api.clientConfiguration, backgroundLogger: logger)
        let readModels = ReadModels(client: client, logger: logger, articleCache: articleCache.map { PublishedArticleCache(validity: $0) })
        let idle = TimeAmount.nanoseconds(idleTimeout.components.seconds * 1_000_000_000 + idleTimeout.components.attoseconds / 1_000_000_000)
        let app = Application(router: ReadAPI(readModels: readModels).router(), server: .http1(configuration: .init(idleTimeout: idle)),
                              configuration: .init(address: .hostname(host, port: port)), logger: logger)
        var services: [any Service] = logOutput.map { [BufferedLogOutput.Flusher(output: $0)] } ?? []
        services += [client, app]
        if let projector {
            services.append(FollowerService(follower: ProjectionFollower(settings: projector, logger: logger)))
        } else {
            services.append(FollowerWatch(readModels: readModels, logger: logger))
        }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw ListenFailure(error, host: host, port: port) ?? error
        }
    }
}

struct FollowerService: Service {
    let follower: ProjectionFollower
    func run() async throws {
        await cancelWhenGracefulShutdown { await follower.run() }
    }
}
