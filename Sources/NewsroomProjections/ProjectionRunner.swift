import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// Feeds projections from the log. Each batch is one transaction: it takes the projection's
/// advisory lock (so two processes never apply the same events), reads after the checkpoint,
/// applies, and moves the checkpoint, all or nothing.
public struct ProjectionRunner: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public var batchSize: Int
    /// True when every session of `client` already runs with `synchronous_commit = off` (the
    /// follower's own pool): a batch then saves the round trip that sets it.
    public let sessionsCommitAsynchronously: Bool

    /// Told after each live batch commits: the schema and the log position its rows now reach.
    /// Rows are visible to readers from that moment (the benchmark times live lag with it).
    public let batchCommitted: (@Sendable (_ schema: String, _ through: LogPosition) -> Void)?

    /// The compression `relaxBatchTransaction` picked on this runner's server, once known;
    /// shared by the runner's copies.
    let toastCompression = Remembered<String>()

    /// The article states this runner's live batches wrote last (the follower's; see ArticleStateCache).
    var stateCache: ArticleStateCache?

    public init(client: PostgresClient, logger: Logger = .quiet("newsroom.projections"), batchSize: Int = 200, sessionsCommitAsynchronously: Bool = false,
                batchCommitted: (@Sendable (_ schema: String, _ through: LogPosition) -> Void)? = nil) {
        self.client = client
        self.logger = logger
        self.batchSize = batchSize
        self.sessionsCommitAsynchronously = sessionsCommitAsynchronously
        self.batchCommitted = batchCommitted
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// Nothing is wrong with the request; it can succeed later, once the cluster has moved on.
        public var isTemporary = false
    }

    /// Batches stay small because a batch is a write transaction, and every reader of the log in the
    /// cluster waits for the oldest open one (see EventStore.readAll).
    /// Advisory lock keys: (7267, schema hash) guards a schema's batches; (7268, 0) elects the one
    /// `projections run` process that follows the log.
    static func batchLock(_ schema: String) -> Int32 {
        Int32(truncatingIfNeeded: StableHash.fnv1a64(schema))
    }

    // MARK: Installing

    /// Creates the live schema of every projection that lacks one. Needs a role that may create
    /// schemas (the administrator); `newsroom db migrate` calls it.
    @discardableResult
    public func installAll() async throws -> [String] {
        var created: [String] = []
        for projection in Projections.all where try await !schemaExists(projection.name) {
            try await createSchema(projection, schema: projection.name, until: nil)
            created.append(projection.name)
        }
        return created
    }

    /// What `newsroom db migrate` (and a newly prepared local database) does for the read models:
    /// installs those the database lacks and rebuilds those another version built.
    public func installAndUpgradeAll() async throws -> (installed: [String], rebuilt: [String]) {
        let installed = try await installAll()
        return (installed, try await rebuildOutdated())
    }

    /// Batches of a whole-log rebuild: large enough that each statement carries many rows, small
    /// enough that a batch's decoded events stay a few megabytes.
    public static let rebuildBatchSize = 2000

    /// Rebuilds the live read models that another version of their projection built (an upgrade
    /// changed their tables or what they hold): until then every batch refuses them. Returns
    /// their names. Needs the administrator, as `installAll` does.
    @discardableResult
    public func rebuildOutdated() async throws -> [String] {
        let rows = try await client.query("SELECT schema_name, version FROM projection_checkpoints WHERE schema_name = ANY(\(Projections.all.map(\.name)))", logger: logger)
        var installed: [String: Int] = [:]
        for try await (name, version) in rows.decode((String, Int).self) { installed[name] = version }
        let outdated = Projections.all.filter { projection in installed[projection.name].map { $0 != projection.version } ?? false }
        guard !outdated.isEmpty else { return [] }
        var rebuilding = self
        rebuilding.batchSize = max(batchSize, Self.rebuildBatchSize)
        _ = try await rebuilding.rebuild(outdated)
        return outdated.map(\.name)
    }

    /// Whether `schema` exists, asked on `connection` (inside its transaction) or on any of the client's.
    func schemaExists(_ schema: String, on connection: PostgresConnection? = nil) async throws -> Bool {
        let query: PostgresQuery = "SELECT 1 FROM pg_namespace WHERE nspname = \(schema)"
        let rows = if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        for try await _ in rows { return true }
        return false
    }

    /// Creates `schema` with the projection's tables, and its indexes unless `deferringIndexes`
    /// (a copy about to be filled from the whole log gets them from `createIndexes` afterwards).
    func createSchema(_ projection: any Projection, schema: String, until: Date?, deferringIndexes: Bool = false) async throws {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: logger)
                try await projection.createTables(in: schema, on: connection, logger: logger)
                if !deferringIndexes {
                    for sql in projection.indexes(in: schema) { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                }
                for sql in [
                    "GRANT USAGE ON SCHEMA \(schema) TO newsroom_staff, newsroom_reader",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(schema) TO newsroom_staff",
                ] + projection.publicTables.map({ "GRANT SELECT ON \(schema).\($0) TO newsroom_reader" }) {
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
                try await connection.query("""
                    INSERT INTO projection_checkpoints (schema_name, projection, version, until) VALUES (\(schema), \(projection.name), \(projection.version), \(until))
                    ON CONFLICT (schema_name) DO UPDATE SET projection = excluded.projection, version = excluded.version, transaction_id = 0, position = 0,
                        events_applied = 0, last_event_at = NULL, until = excluded.until, updated_at = now()
                    """, logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    // MARK: Catching up

    /// Applies batches until the projection has seen everything readers may see, or, given
    /// `stoppingAt`, until it has passed that position (so that it does not chase writers that
    /// commit faster than it applies); returns how many events.
    @discardableResult
    public func catchUp(_ projection: any Projection, schema: String? = nil, stoppingAt target: LogPosition? = nil,
                        progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        let schema = schema ?? projection.name
        var total = 0
        while true {
            let (applied, through) = try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    // A read model is rebuilt from the log at will, and its checkpoint commits with
                    // its rows: after a crash both roll back together and the batch is applied
                    // again. So its commit need not wait for the disk (the log's commits do).
                    if !sessionsCommitAsynchronously { try await relaxBatchTransaction(on: connection) }
                    let (applied, through) = try await applyBatch(projection, schema: schema, on: connection)
                    try await connection.query("COMMIT", logger: logger)
                    if let through { batchCommitted?(schema, through) }
                    return (applied, through)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
            total += applied
            progress?(total)
            // A short batch already read everything readable: asking again would find nothing.
            if applied < batchSize { return total }
            if let target, let through, through >= target { return total }
        }
    }

    /// How long a read-your-writes catch-up waits for an older transaction elsewhere in the
    /// cluster to end. Seconds are normal under heavy load (the test suite's deliberately held
    /// transactions reached 6 s on two cores); after that the answer is given as it stands.
    public static let readYourWritesPatience: Duration = .seconds(20)

    /// Brings every live projection up to date, as the read-your-writes step of the CLI. An empty
    /// batch can mean that an older transaction (anywhere in the cluster) still holds the read
    /// horizon back; then this waits for it, up to `patience`, rather than answer without the
    /// caller's own, already committed, events.
    /// Returns how many committed events some model still could not read when the patience ran
    /// out (0: every model is up to date), so that the caller can say its answer is behind.
    @discardableResult
    public func catchUpAll(patience: Duration = Self.readYourWritesPatience) async throws -> Int {
        let bound = try await readBound()
        // The patience is for an open transaction, not for the work: every model first reads up
        // to the head, however long a large backlog takes, and only then does the wait begin.
        for projection in Projections.all {
            try await catchUp(projection, stoppingAt: bound.head)
        }
        let deadline = ContinuousClock.now + patience
        var unread = 0
        for projection in Projections.all {
            unread = max(unread, try await waitForUnread(projection, until: deadline, bound: bound))
        }
        return unread
    }

    /// Brings every live projection up to date after `added` events arrived at once (an archive
    /// import). When they are at least half the log, every model is rebuilt from one read of it,
    /// in batches of `rebuildBatchSize`: each catching up on its own would read the log once per
    /// model, a batch of `batchSize` at a time.
    public func catchUpAll(afterBulkAppendOf added: Int, rebuildBatchSize: Int = ProjectionRunner.rebuildBatchSize) async throws {
        guard added * 2 >= (try await eventCount()) else { try await catchUpAll(); return }
        var rebuilding = self
        rebuilding.batchSize = rebuildBatchSize
        _ = try await rebuilding.rebuild(Projections.all)
        // The rebuild stops where the read horizon stood; whatever committed since is caught up.
        try await catchUpAll()
    }

    /// Where a catch-up that must not chase later writers stops: the server's clock (the one that
    /// stamps events) and the log's readable head, as they stood when it began.
    struct ReadBound {
        var began: Date
        var head: LogPosition
    }

    func readBound() async throws -> ReadBound {
        var began: Date?
        for try await now in try await client.query("SELECT clock_timestamp()", logger: logger).decode(Date.self) { began = now }
        guard let began else { throw Failure(description: "PostgreSQL did not tell its time.") }
        return ReadBound(began: began, head: try await EventStore(client: client, logger: logger).head())
    }

    /// One projection (in `schema`, by default its live one) brought up to date, waiting for the
    /// read horizon up to `deadline`. It waits only for events recorded by the time it began
    /// (`bound`; by default, now) and reads no further than the head as it stood then: in a busy
    /// newsroom some commit is always newer than its last read, and a caller's own writes are
    /// older than its catch-up. Returns how many of those it could not read by the deadline (0:
    /// up to date).
    @discardableResult
    public func catchUp(_ projection: any Projection, schema: String? = nil, until deadline: ContinuousClock.Instant) async throws -> Int {
        let bound = try await readBound()
        try await catchUp(projection, schema: schema, stoppingAt: bound.head)
        return try await waitForUnread(projection, schema: schema, until: deadline, bound: bound)
    }

    /// After a catch-up up to `bound.head`: while committed events recorded by `bound.began` are
    /// still unreadable, catches up again every 20 ms until the deadline. Returns how many remain.
    func waitForUnread(_ projection: any Projection, schema: String? = nil, until deadline: ContinuousClock.Instant, bound: ReadBound) async throws -> Int {
        let schema = schema ?? projection.name
        let store = EventStore(client: client, logger: logger)
        while true {
            let unread = try await store.committedEvents(after: checkpoint(schema), recordedThrough: bound.began)
            if unread == 0 || ContinuousClock.now > deadline { return unread }
            try await Task.sleep(for: .milliseconds(20))
            try await catchUp(projection, schema: schema, stoppingAt: bound.head)
        }
    }

    /// The live projections with events readable after their checkpoint, in one query of a
    /// handful of index probes: how the follower finds, once a second, the models it must catch up
    /// from the log.
    public func projectionsWithReadableEvents() async throws -> Set<String> {
        let rows = try await client.execute(ReadableEventsProbe(), logger: logger)
        var names: Set<String> = []
        for try await name in rows { names.insert(name) }
        return names
    }

    /// Where each live read model stands.
    public func liveCheckpoints() async throws -> [String: LogPosition] {
        let rows = try await client.query("SELECT schema_name, transaction_id, position FROM projection_checkpoints WHERE schema_name = ANY(\(Projections.all.map(\.name)))", logger: logger)
        var positions: [String: LogPosition] = [:]
        for try await (schema, tx, position) in rows.decode((String, Int64, Int64).self) { positions[schema] = LogPosition(transactionID: tx, position: position) }
        return positions
    }

    func checkpoint(_ schema: String) async throws -> LogPosition {
        let rows = try await client.query("SELECT transaction_id, position FROM projection_checkpoints WHERE schema_name = \(schema)", logger: logger)
        for try await (tx, position) in rows.decode((Int64, Int64).self) { return LogPosition(transactionID: tx, position: position) }
        return .start
    }

    /// A read model's batch commits without waiting for the disk: rows and checkpoint commit
    /// together, so after a crash both roll back and the batch is applied again. Its large values
    /// (bodies, ninjs, folded states) are compressed with lz4 where the server has it: pglz was a
    /// second of a 77,000-event rebuild. Whether it has lz4 is asked once per runner: reading
    /// `pg_settings` took about a millisecond of every batch.
    func relaxBatchTransaction(on connection: PostgresConnection) async throws {
        if let compression = toastCompression.value {
            try await connection.query("SELECT set_config('synchronous_commit', 'off', true), set_config('default_toast_compression', \(compression), true)", logger: logger)
            return
        }
        let rows = try await connection.query("""
            SELECT set_config('synchronous_commit', 'off', true),
                   set_config('default_toast_compression', CASE WHEN 'lz4' = ANY(enumvals) THEN 'lz4' ELSE 'pglz' END, true)
            FROM pg_settings WHERE name = 'default_toast_compression'
            """, logger: logger)
        for try await (_, compression) in rows.decode((String, String).self) { toastCompression.value = compression }
    }

    /// Takes the schema's batch lock and reads its checkpoint, refusing a model built by another
    /// version of the projection.
    func lockCheckpoint(_ projection: any Projection, schema: String, on connection: PostgresConnection) async throws -> (position: LogPosition, until: Date?) {
        var checkpoint: (Int, LogPosition, Date?)?
        for try await (version, tx, position, until) in try await connection.execute(BatchStartStatement(schema: schema, lockKey: Self.batchLock(schema)), logger: logger) {
            checkpoint = (version, LogPosition(transactionID: tx, position: position), until)
        }
        guard let (version, position, until) = checkpoint else {
            throw Failure(description: "The read model \"\(schema)\" is not installed. Run `newsroom db migrate` as the database's administrator.")
        }
        guard version == projection.version else {
            throw Failure(description: "The read model \"\(schema)\" was built by version \(version) of the \(projection.name) projection; this is version \(projection.version). Run `newsroom projections rebuild \(projection.name)`.")
        }
        return (position, until)
    }

    /// One batch inside the caller's transaction.
    func applyBatch(_ projection: any Projection, schema: String, on connection: PostgresConnection) async throws -> (applied: Int, through: LogPosition?) {
        let (position, until) = try await lockCheckpoint(projection, schema: schema, on: connection)
        let events = try await EventStore.readAll(on: connection, after: position, limit: batchSize, logger: logger)
        try await apply(events, to: projection, schema: schema, until: until, on: connection)
        return (events.count, events.last?.logPosition)
    }

    /// Applies `events` (in log order, all after the checkpoint) and moves the checkpoint past them.
    func apply(_ events: [RecordedEvent], to projection: any Projection, schema: String, until: Date?, on connection: PostgresConnection) async throws {
        guard let last = events.last else { return }
        let relevant = until.map { limit in events.filter { $0.recordedAt <= limit } } ?? events
        if !relevant.isEmpty {
            try await projection.apply(relevant, in: schema, on: connection, logger: logger)
        }
        _ = try await connection.execute(AdvanceCheckpointStatement(through: last.logPosition, applied: relevant.count, lastEventAt: relevant.last?.recordedAt, schema: schema), logger: logger)
    }
}
