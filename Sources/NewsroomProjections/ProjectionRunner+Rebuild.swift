import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// Rebuilding a model beside the live one and swapping it in; replaying one into a schema of its own.
extension ProjectionRunner {
    /// Builds a fresh copy beside the live one and swaps it in atomically: readers see the old
    /// model until the swap and the new one after it, never a half-built one. A rebuild that was
    /// killed resumes from its shadow copy's checkpoint.
    public func rebuild(_ projection: any Projection, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async throws -> Int {
        try await rebuild([projection], progress: progress)
    }

    /// Rebuilds several read models from one read of the log. Each batch is read once and applied
    /// to every shadow copy side by side, each in its own transaction on its own connection, while
    /// the next batch is already being read: the folding of one model overlaps the database's
    /// writing of another, and the log's 3–8 KB payloads cross the wire once. Each shadow then
    /// swaps in as a single rebuild does. Returns the events the rebuilt models cover.
    public func rebuild(_ projections: [any Projection], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async throws -> Int {
        // The total is only for reporting progress: without a listener, the log is not counted.
        let total = progress == nil ? 0 : try await eventCount()
        // Each model's shadow, and later its swap, is its own schema and transaction: side by side.
        let resumedFrom = try await withThrowingTaskGroup(of: LogPosition.self) { group in
            for projection in projections { group.addTask { try await prepareShadow(projection) } }
            return try await group.reduce(into: [LogPosition]()) { $0.append($1) }
        }
        let store = EventStore(client: client, logger: logger)
        // When no model reads a body but as a batch leaves it, the log need not send the others.
        let blanking = projections.allSatisfy(\.foldsOnlyLatestBodies)
        var done = 0
        var from = resumedFrom.min() ?? .start
        var (batch, decoded) = try await readDecoded(store, after: from, blanking: blanking)
        while let last = batch.last {
            let events = batch, readAfter = from, shared = decoded
            let full = events.count == batchSize
            // The next batch is read and decoded while this one is applied.
            async let next = full ? readDecoded(store, after: last.logPosition, blanking: blanking) : ([], DecodedArticleEvents([]))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for projection in projections {
                    group.addTask {
                        // Every shadow stands at or after `from`: the reads start at the earliest
                        // and follow each other without a gap.
                        guard try await applyRead(events, decoded: shared, blanked: blanking, after: readAfter, to: projection, schema: "\(projection.name)_rebuild") else {
                            throw Failure(description: "The shadow copy of \(projection.name) fell behind its rebuild; run the rebuild again (it resumes).")
                        }
                    }
                }
                try await group.waitForAll()
            }
            from = last.logPosition
            (batch, decoded) = try await next
            done += events.count
            progress?(done, total)
            if !full { break }
        }
        // Each model then builds its indexes over the finished rows (before any live lock is
        // taken) and swaps in on its own: the published model's swap, and the drop of its old
        // copy, need not wait for the audit's four index builds (2–3 s at 1 M events).
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for projection in projections {
                group.addTask {
                    try await createIndexes(projection, schema: "\(projection.name)_rebuild")
                    return try await swapIn(projection)
                }
            }
            return try await group.reduce(0, max)
        }
    }

    /// Builds the projection's secondary indexes in `schema` (those it has already are kept).
    /// Each on its own connection, side by side: one after another, the audit's four took a
    /// quarter of a second of a 77,000-event rebuild with the other core idle.
    func createIndexes(_ projection: any Projection, schema: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sql in projection.indexes(in: schema) {
                group.addTask { try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
            }
            try await group.waitForAll()
        }
    }

    private func readDecoded(_ store: EventStore, after position: LogPosition, blanking: Bool) async throws -> ([RecordedEvent], DecodedArticleEvents) {
        let events = blanking ? try await store.readAll(after: position, limit: batchSize, blankingSuperseded: SupersededBodies.self)
                              : try await store.readAll(after: position, limit: batchSize)
        return (events, DecodedArticleEvents(events))
    }

    /// The shadow copy a rebuild fills: kept if a killed rebuild of this version left it, new
    /// otherwise. Returns where it stands.
    func prepareShadow(_ projection: any Projection) async throws -> LogPosition {
        let shadow = "\(projection.name)_rebuild"
        if try await schemaExists(shadow) {
            let rows = try await client.query("SELECT version FROM projection_checkpoints WHERE schema_name = \(shadow)", logger: logger)
            var usable = false
            for try await version in rows.decode(Int.self) where version == projection.version { usable = true }
            if !usable { try await dropSchema(shadow) }
        }
        if try await !schemaExists(shadow) { try await createSchema(projection, schema: shadow, until: nil, deferringIndexes: true) }
        return try await checkpoint(shadow)
    }

    /// Applies events read outside the model's transaction: everything the log holds after
    /// `from`, in order. Only those after the model's checkpoint, as it stands under the batch
    /// lock, are applied, so a model that is ahead (resumed, or fed by another process meanwhile)
    /// never sees an event twice. A model whose checkpoint is before `from` would miss events in
    /// between: nothing is applied and the answer is false (it must read the log itself).
    /// `decoded` holds the read's article events, decoded once for every model it is handed to.
    /// `blanked` says the read left out superseded bodies (`SupersededBodies`).
    func applyRead(_ events: [RecordedEvent], decoded: DecodedArticleEvents? = nil, blanked: Bool = false, after from: LogPosition, to projection: any Projection, schema: String) async throws -> Bool {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                if !sessionsCommitAsynchronously { try await relaxBatchTransaction(on: connection) }
                let (position, until) = try await lockCheckpoint(projection, schema: schema, on: connection)
                // A copy that stops at an instant might stop before the event that replaced a body.
                guard !blanked || until == nil else {
                    throw Failure(description: "The read model \"\(schema)\" stops at \(until!.formatted(.iso8601)); it must be filled from reads that keep every body.")
                }
                guard position >= from else {
                    try await connection.query("ROLLBACK", logger: logger)
                    return false
                }
                // The events are in log order, so the seen ones are a prefix; when there is none
                // (a rebuild's every batch) the array is handed on without a copy.
                let unseen = Array(events.drop { $0.logPosition <= position })
                let cached = stateCache.map { ArticleStateCache.Batch(cache: $0, schema: schema, checkpoint: position) }
                try await ArticleStateCache.$batch.withValue(cached) {
                    try await DecodedArticleEvents.$current.withValue(decoded) {
                        try await apply(unseen, to: projection, schema: schema, until: until, on: connection)
                    }
                }
                try await connection.query("COMMIT", logger: logger)
                if let last = unseen.last {
                    cached?.committed(through: last.logPosition)
                    batchCommitted?(schema, last.logPosition)
                }
                return true
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Brings the shadow copy level with the log under the live model's lock, then renames it into
    /// place in the same transaction. Returns the events it covers.
    ///
    /// The live copy is renamed out of the way rather than dropped in that transaction: renaming
    /// a schema locks none of its tables. Dropping them there waited for every query still
    /// reading the old copy (and for autovacuum, a second at a time), while every new reader
    /// queued behind the drop. Now a query under way finishes on the old copy, a new one (its
    /// cached plans invalidated by the rename) reads the new copy, and the old one is dropped
    /// after the commit, keeping nobody waiting.
    func swapIn(_ projection: any Projection) async throws -> Int {
        let live = projection.name
        let shadow = "\(live)_rebuild"
        let retired = "\(live)_retired"
        // Left by a rebuild that ended between its swap and the drop.
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(retired) CASCADE"), logger: logger)
        let covered = try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(7267, \(Self.batchLock(live)))", logger: logger)
                while try await applyBatch(projection, schema: shadow, on: connection).applied > 0 {}
                if try await schemaExists(live, on: connection) { try await connection.query(PostgresQuery(unsafeSQL: "ALTER SCHEMA \(live) RENAME TO \(retired)"), logger: logger) }
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER SCHEMA \(shadow) RENAME TO \(live)"), logger: logger)
                try await connection.query("DELETE FROM projection_checkpoints WHERE schema_name = \(live)", logger: logger)
                let rows = try await connection.query("UPDATE projection_checkpoints SET schema_name = \(live) WHERE schema_name = \(shadow) RETURNING events_applied", logger: logger)
                var covered = 0
                for try await applied in rows.decode(Int64.self) { covered = Int(applied) }
                try await connection.query("COMMIT", logger: logger)
                return covered
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(retired) CASCADE"), logger: logger)
        return covered
    }

    /// A point-in-time copy: the projection as it would have stood at `until`, in its own schema.
    /// Returns how many events it applied (those recorded by `until`).
    ///
    /// A replay is never caught up later, so it must not stop where the read horizon happens to
    /// stand: an older transaction anywhere in the cluster keeps events committed after it
    /// unreadable. It waits, up to `patience`, until every committed event recorded by `until` has
    /// been read; past that it is refused and its schema dropped, rather than kept short.
    public func replay(_ projection: any Projection, until: Date, into schema: String,
                       patience: Duration = Self.readYourWritesPatience) async throws -> Int {
        guard validSchemaName(schema) else {
            throw Failure(description: "\"\(schema)\" is not a usable schema name: \(schemaNameRule).")
        }
        if let owner = Projections.owner(ofSchema: schema) {
            throw Failure(description: "The \(owner.name) read model keeps its own copies in \"\(schema)\" (live, being rebuilt, retired). Pick another name, e.g. \(owner.name)_then.")
        }
        if try await schemaExists(schema) {
            throw Failure(description: "The schema \"\(schema)\" already exists. Pick another name, or drop it: DROP SCHEMA \(schema) CASCADE.")
        }
        try await createSchema(projection, schema: schema, until: until, deferringIndexes: true)
        // It waits for no event recorded after `until`, nor after it began (a later --until).
        var bound = try await readBound()
        bound.began = min(bound.began, until)
        // The patience is for an open transaction, not for reading a long log: it starts once the
        // replay has read up to the head.
        try await catchUp(projection, schema: schema, stoppingAt: bound.head)
        let deadline = ContinuousClock.now + patience
        let unread = try await waitForUnread(projection, schema: schema, until: deadline, bound: bound)
        guard unread == 0 else {
            try await dropSchema(schema)
            throw Failure(description: """
                \(unread) events recorded by then are committed but not yet readable: a transaction elsewhere in this \
                PostgreSQL cluster has been open for over \(Self.seconds(patience)) and holds the read horizon back. Nothing was kept \
                in \(schema). Run the replay again once it ends (pg_stat_activity shows the open transactions and their xact_start).
                """, isTemporary: true)
        }
        try await createIndexes(projection, schema: schema)
        return try await eventsApplied(schema)
    }

    /// "20 s", "0.5 s": a patience as a person reads it.
    public static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return fraction == 0 ? "\(whole) s" : String(format: "%.1f s", Double(whole) + Double(fraction) / 1e18)
    }

    func eventsApplied(_ schema: String) async throws -> Int {
        let rows = try await client.query("SELECT events_applied FROM projection_checkpoints WHERE schema_name = \(schema)", logger: logger)
        for try await applied in rows.decode(Int64.self) { return Int(applied) }
        return 0
    }

    func dropSchema(_ schema: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"), logger: logger)
        try await client.query("DELETE FROM projection_checkpoints WHERE schema_name = \(schema)", logger: logger)
    }

    func eventCount() async throws -> Int {
        let rows = try await client.query("SELECT count(*)::bigint FROM events", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
