import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// Follows the log live for every projection: a read that waits on the server for readable events
/// after the last it saw (looking every `pollInterval`), so new commits show within a millisecond
/// or two (and a commit that an older open transaction kept unreadable shows as soon as it ends);
/// reconnects when PostgreSQL restarts. Exactly one follower is
/// active across processes and machines (a session advisory lock); the others wait as standbys.
/// (Appends do not NOTIFY: its commit-time lock made writers of different articles wait in turn.)
public struct ProjectionFollower: Sendable {
    public let settings: ConnectionSettings
    public let logger: Logger
    /// How often the waiting read looks at the log, on the server (an index probe).
    public var pollInterval: Duration = .milliseconds(1)
    /// How long one waiting read waits before it answers with nothing.
    public var longestWait: Duration = .milliseconds(200)
    /// A full round runs at least this often even when the probe saw nothing new.
    public var fullRoundInterval: Duration = .seconds(1)
    public var standbyRetry: Duration = .seconds(2)
    /// A round that takes longer than this is treated as a lost connection: start over with fresh ones.
    public var stallTimeout: Duration = .seconds(30)
    /// Told after each batch commits (see `ProjectionRunner.batchCommitted`).
    public var batchCommitted: (@Sendable (_ schema: String, _ through: LogPosition) -> Void)?

    public init(settings: ConnectionSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// The session advisory lock whose holder is the active follower.
    static let election = (classID: 7268, objectID: 0)

    /// SQL that is true while some session in this database is the active follower. pg_locks is
    /// readable by every role, so the read-only API can ask it too.
    static let isRunningSQL = """
        EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND classid = \(election.classID) AND objid = \(election.objectID) AND granted \
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
        """

    /// Runs until the task is cancelled (SIGTERM/SIGINT in the CLI), then returns cleanly.
    public func run(onCatchUp: (@Sendable (Int) -> Void)? = nil) async {
        while !Task.isCancelled {
            do {
                try await followOnce(onCatchUp: onCatchUp)
            } catch {
                if Task.isCancelled { return }
                logger.warning("projection follower lost its connection; reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs `client` in a task of its own, returning once that task has started. A lease before
    /// `run()` begins still works, but PostgresNIO logs a warning for it, which a loaded machine
    /// showed on `serve --with-projector`'s start (the first lease came right after the election).
    /// `run()` marks the client running before it first suspends, and the election's round trips
    /// come between this and the first lease.
    static func running(_ client: PostgresClient) async -> Task<Void, Never> {
        let (started, starting) = AsyncStream<Void>.makeStream()
        let task = Task {
            starting.finish()
            await client.run()
        }
        for await _ in started {}
        return task
    }

    func followOnce(onCatchUp: (@Sendable (Int) -> Void)?) async throws {
        // The pool runs in a task of its own that is cancelled, not awaited, when we start over:
        // a connection that died without a word must not keep the follower waiting for it.
        // Only read-model batches run on this pool; see ProjectionRunner.catchUp for why their
        // commits need not wait for the disk. It opens no connection until its first lease.
        var configuration = settings.clientConfiguration
        configuration.options.additionalStartupParameters.append(("synchronous_commit", "off"))
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let pool = await Self.running(client)
        defer { pool.cancel() }
        let election = try await PostgresConnection.connect(configuration: settings.connectionConfiguration, id: 1, logger: logger)
        defer { Task { try? await election.close() } }
        // Standby until the active follower goes away (its session ends, the lock with it).
        var standingBy = false
        while true {
            var acquired = false
            for try await granted in try await election.query(PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(\(Self.election.classID), \(Self.election.objectID))"), logger: logger).decode(Bool.self) { acquired = granted }
            if acquired { break }
            // Said once: a standby looks every couple of seconds, for as long as the other follows.
            if !standingBy { logger.info("another follower is active; standing by until it stops") }
            standingBy = true
            try await Task.sleep(for: standbyRetry)
        }
        logger.info("following the log")
        var live = ProjectionRunner(client: client, logger: logger, sessionsCommitAsynchronously: true, batchCommitted: batchCommitted)
        live.stateCache = ArticleStateCache()
        let runner = live
        // The follower reads the log once for every read model: each new chunk goes to every
        // model whose catch-up is not already under way, and each applies it in its own
        // transaction, whatever the others are doing. A model that missed a chunk (busy, or
        // behind) reads the log itself. So a commit costs one read, not one probe and five reads,
        // and a new event waits neither for the slowest model nor for a whole round.
        let store = EventStore(client: client, logger: logger)
        let running = ClaimSet()
        var missed: Set<String> = []
        // Reads start where the most advanced model stands: a model behind it (new, or left
        // behind) catches up from the log on its own, and the others are not handed chunks they
        // have already applied.
        var cursor = try await runner.liveCheckpoints().values.max() ?? .start
        // Once a round, the models that another process left behind (or that this one could not
        // follow) are found with the probe and catch up from the log on the next pass.
        var behind = try await Self.withDeadline(stallTimeout) { try await runner.projectionsWithReadableEvents() }
        var lastRound = ContinuousClock.now
        try await withThrowingDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let from = cursor
                // A model that missed a chunk, or is behind, is served on the next pass: it must come soon.
                let wait = missed.isEmpty && behind.isEmpty ? longestWait : pollInterval
                let events = try await Self.withDeadline(stallTimeout) {
                    try await store.readAll(after: from, limit: runner.batchSize, waitingUpTo: wait, checkingEvery: pollInterval)
                }
                if let last = events.last { cursor = last.logPosition }
                // Decoded once for every model that takes the chunk, when the first one does.
                var decoded: DecodedArticleEvents?
                for projection in Projections.all {
                    let fromLog = behind.contains(projection.name) || missed.contains(projection.name)
                    // A read that holds nothing the model folds costs it no transaction (see `Projection.concerns`).
                    guard fromLog || events.contains(where: projection.concerns) else { continue }
                    guard running.claim(projection.name) else {
                        // Busy with an earlier chunk: it reads this one from the log once it is free.
                        if !events.isEmpty { missed.insert(projection.name) }
                        continue
                    }
                    missed.remove(projection.name)
                    if !fromLog, decoded == nil { decoded = DecodedArticleEvents(events) }
                    let shared = decoded
                    group.addTask {
                        defer { running.release(projection.name) }
                        let applied = try await Self.withDeadline(stallTimeout) {
                            if !fromLog, try await runner.applyRead(events, decoded: shared, after: from, to: projection, schema: projection.name) { return events.count }
                            return try await runner.catchUp(projection)
                        }
                        if applied > 0 { onCatchUp?(applied) }
                    }
                }
                behind = []
                // After the chunk is handed out, so that it never waits for the round.
                if ContinuousClock.now - lastRound >= fullRoundInterval {
                    lastRound = .now
                    behind = try await Self.withDeadline(stallTimeout) { try await runner.projectionsWithReadableEvents() }
                    // The election connection doubles as a liveness check: if PostgreSQL went away, reconnect.
                    _ = try await Self.withDeadline(stallTimeout) { try await election.query("SELECT 1", logger: logger) }
                }
            }
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs `body`, or throws when it has not finished within `limit` (a connection that died
    /// without telling us must not stall the follower for ever), or at once when the caller is
    /// cancelled: a shutdown must not wait for a read that waits on the server (a catch-up batch
    /// left behind rolls back with its checkpoint when the process ends).
    static func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Deadline.run(within: limit, orThrow: Failure(description: "a catch-up round took longer than \(limit); reconnecting"), body)
    }
}

/// The read models with a catch-up under way: one at a time each.
final class ClaimSet: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed: Set<String> = []

    func claim(_ name: String) -> Bool { lock.withLock { claimed.insert(name).inserted } }
    func release(_ name: String) { lock.withLock { _ = claimed.remove(name) } }
}
