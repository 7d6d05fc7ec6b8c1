import ArgumentParser
import Foundation
import Logging
import NewsroomEventStore
import NewsroomHTTP

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve published articles as ninjs over HTTP (GET /articles/{slug}, /articles, /healthz, /metrics, /audit, /openapi.json).",
        discussion: """
            The server logs in as the read-only role newsroom_api, which can read published articles (and the audit trail, for \
            holders of a token from `newsroom token create`) and nothing else. One log line per request goes to standard error, \
            written in batches: every 100 ms, when 64 KB are waiting, at once for warnings and errors, and at shutdown.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "The read-only PostgreSQL role the API connects as.") var apiUser = "newsroom_api"
    @Option(help: "Least severe log level written: trace, debug, info (one line per request), notice, warning, error.") var logLevel: Logger.Level = .info
    @Flag(help: "Also follow the log and keep the read models current (as --user).") var withProjector = false
    @Option(help: "Milliseconds an article served from memory may go before the server asks whether the published read model moved (a change shows at most this much later); 0 reads every request from the database.")
    var articleCacheMs = 10
    @Option(help: "Seconds a connection may send nothing before the server closes it.") var idleTimeout = 60
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (1...65_535).contains(port) else {
            throw ValidationError("--port must be from 1 to 65535, not \(port).")
        }
        guard (0...60_000).contains(articleCacheMs) else {
            throw ValidationError("--article-cache-ms must be from 0 (no cache) to 60000, not \(articleCacheMs).")
        }
        guard (1...3600).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout must be from 1 to 3600 seconds, not \(idleTimeout).")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let database = try await connection.open()
            let output = BufferedLogOutput()
            var logger = Logger(label: "newsroom.serve") { BufferedLogHandler(label: $0, output: output) }
            logger.logLevel = logLevel
            logger.info("starting", metadata: ["address": "\(host):\(port)", "role": "\(apiUser)", "projector": "\(withProjector)"])
            try await ReadAPIServer.run(api: database.settings.with(user: apiUser, password: nonEmptyEnv("NEWSROOM_API_PASSWORD")),
                                        projector: withProjector ? database.settings : nil, host: host, port: port,
                                        articleCache: articleCacheMs > 0 ? .milliseconds(articleCacheMs) : nil, logger: logger,
                                        idleTimeout: .seconds(idleTimeout), logOutput: output)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
