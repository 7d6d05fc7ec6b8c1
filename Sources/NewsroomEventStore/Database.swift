import Foundation
import Logging
import PostgresNIO

/// Opens the database the environment names, or the embedded local cluster, and hands out a
/// running `PostgresClient` for the duration of a closure.
public struct Database: Sendable {
    public let settings: ConnectionSettings
    /// Set when the embedded cluster is in use.
    public let localCluster: LocalCluster?
    /// True when opening created the local database or applied new migrations to it: the caller
    /// then installs what lives above the event store (read models).
    public private(set) var preparedNow = false
    /// True when opening found no local cluster in the data folder and created one: a person who
    /// mistyped the folder should hear that this database is new and empty.
    public private(set) var createdLocalCluster = false
    let logger: Logger

    /// Resolves where to connect. With the embedded default this starts the cluster, creates the
    /// `newsroom` database and applies migrations when needed.
    public static func open(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        user: String? = nil,
        dataDirectory: String? = nil,
        autoStart: Bool = true,
        readModelStamp: String = "",
        logger: Logger = .quiet("newsroom.database")
    ) async throws -> Database {
        if let settings = try ConnectionSettings.fromEnvironment(environment, user: user) {
            return Database(settings: settings, localCluster: nil, logger: logger)
        }
        let cluster = try LocalCluster(directory: dataDirectory.map { URL(fileURLWithPath: $0) }, environment: environment)
        var database = Database(settings: cluster.settings(user: user, password: environment["PGPASSWORD"]), localCluster: cluster, logger: logger)
        if autoStart {
            if !FileManager.default.fileExists(atPath: cluster.socketPath), try cluster.start() == .createdAndStarted {
                database.createdLocalCluster = true
            }
            do {
                try await probe(cluster.settings(), logger: logger)
                // The local database follows the checkout: apply migrations added since it was made,
                // and (through preparedNow) let the caller install read models added since.
                if try cluster.appliedSchemaStamp() != Migrator(directory: Migrator.locateSchemaDirectory()).stamp + readModelStamp {
                    try await database.prepareLocalDatabase(readModelStamp: readModelStamp)
                    database.preparedNow = true
                }
            } catch let error as EventStoreError where error.code == .databaseUnavailable {
                // A stale socket after a crash, or a cluster whose database was never created.
                if try cluster.start() == .createdAndStarted { database.createdLocalCluster = true }
                try await database.prepareLocalDatabase(readModelStamp: readModelStamp)
                database.preparedNow = true
            }
        }
        return database
    }

    public init(settings: ConnectionSettings, localCluster: LocalCluster? = nil, logger: Logger = .quiet("newsroom.database")) {
        self.settings = settings
        self.localCluster = localCluster
        self.logger = logger
    }

    /// Creates the embedded cluster's database if missing and applies the migrations as its owner.
    public func prepareLocalDatabase(readModelStamp: String = "") async throws {
        guard let cluster = localCluster else { return }
        let admin = cluster.settings()
        try await Self.withClient(admin.with(database: "postgres"), logger: logger) { client in
            let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(LocalCluster.databaseName)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(LocalCluster.databaseName)"), logger: logger)
            }
        }
        let migrator = try Migrator(directory: Migrator.locateSchemaDirectory())
        try await Self.withClient(admin, logger: logger) { client in
            try await migrator.migrate(client, logger: logger)
        }
        cluster.recordSchemaStamp(migrator.stamp + readModelStamp)
    }

    public func withClient<T: Sendable>(onOneEventLoop: Bool = false, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await Self.withClient(settings, logger: logger, onOneEventLoop: onOneEventLoop, body)
    }

    /// Runs `body` with a connected pool. A first probe connection turns "nobody is listening"
    /// into a clear error at once, instead of requests queueing while the pool retries.
    ///
    /// `onOneEventLoop` suits a body that does one thing at a time, such as a command: the pool,
    /// its connections and the body then share one event loop thread, and a round trip wakes no
    /// other thread. A body that works side by side (imports, rebuilds, servers) leaves it off,
    /// or all of that work would share one thread.
    @discardableResult
    public static func withClient<T: Sendable>(
        _ settings: ConnectionSettings,
        logger: Logger,
        maximumConnections: Int = 20,
        onOneEventLoop: Bool = false,
        _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        try await probe(settings, logger: logger)
        var configuration = settings.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        guard onOneEventLoop else { return try await run(PostgresClient(configuration: configuration, backgroundLogger: logger), body) }
        // A connection above the pool's minimum gets an idle timer each time it is handed back
        // (a sleeping task, 8% of a command's client time); one command keeps one connection.
        configuration.options.minimumConnections = min(1, maximumConnections - 1)
        let loop = PostgresClient.defaultEventLoopGroup.next()
        let client = PostgresClient(configuration: configuration, eventLoopGroup: loop, backgroundLogger: logger)
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) { try await run(client, body) }
    }

    private static func run<T: Sendable>(_ client: PostgresClient, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func probe(_ settings: ConnectionSettings, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(configuration: settings.connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState] ?? ""
                if state == "28000" || state == "28P01" || message.contains("does not exist") && message.contains("role") {
                    throw EventStoreError(.notPermitted, "PostgreSQL refused the login \"\(settings.user)\": \(message). Ask an administrator to add you (`newsroom staff add \(settings.user) --role reporter`), or pick another user with --user / PGUSER.")
                }
                if state == "3D000" {
                    throw EventStoreError(.databaseUnavailable, "The database \"\(settings.database)\" does not exist on \(settings.displayName). Create it (`createdb \(settings.database)`) and run `newsroom db migrate`.")
                }
                throw EventStoreError(.databaseUnavailable, "Cannot connect to \(settings.displayName): \(message)")
            }
            throw EventStoreError(.databaseUnavailable, "Cannot connect to PostgreSQL at \(settings.displayName): \(Self.failureReason(error)). Is it running? For the local database run `newsroom db start`; otherwise check DATABASE_URL / PGHOST / PGPORT.")
        } catch {
            throw EventStoreError(.databaseUnavailable, "Cannot connect to PostgreSQL at \(settings.displayName): \(error). Is it running? For the local database run `newsroom db start`; otherwise check DATABASE_URL / PGHOST / PGPORT.")
        }
    }
}

extension Database {
    /// Why a connection failed, in the system's words ("Connection refused"): NIO's errors spell
    /// out their whole structure ("SingleConnectionFailure(target: [IPv4]127.0.0.1/...").
    static func failureReason(_ error: PSQLError) -> String {
        let text = error.underlying.map { String(describing: $0) } ?? "\(error.code)"
        if let match = text.range(of: #"errno: [0-9]+"#, options: .regularExpression), let code = Int32(text[match].dropFirst("errno: ".count)) {
            return String(cString: strerror(code))
        }
        if text.contains("UnknownHost") { return "its host name does not resolve" }
        return text
    }

    /// "PostgreSQL 15.18" and the role we are connected as, for status displays.
    public func serverVersion() async throws -> String {
        try await withClient { client in
            let rows = try await client.query("SELECT current_setting('server_version'), session_user::text", logger: logger)
            for try await (version, user) in rows.decode((String, String).self) { return "PostgreSQL \(version), connected as \(user)" }
            return "PostgreSQL"
        }
    }
}

extension Logger {
    /// Errors only: a command-line tool should not chatter about its connection pool.
    public static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .error
        return logger
    }
}
