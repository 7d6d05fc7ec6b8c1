import Foundation
import Logging
import NewsroomDomain
import PostgresNIO

/// The append-only log in PostgreSQL.
///
/// Ordering: positions come from an identity column, handed out at INSERT time. A transaction that
/// took position 10 may commit after one that took 11, so a reader following "position > last seen"
/// would skip 10 for ever. Each event therefore carries the id of the transaction that wrote it, and
/// `readAll` returns only events of transactions older than the oldest one still running
/// (`pg_snapshot_xmin(pg_current_snapshot())`), ordered by (transaction id, position). Everything
/// below that horizon is finished, so nothing can ever land behind a reader's checkpoint. Writers
/// to different streams never wait for each other, unlike a lock held until commit.
public struct EventStore: Sendable {
    public let client: PostgresClient
    let logger: Logger
    /// Set by `on(_:)`: the connection every statement of this store runs on, instead of one leased
    /// from `client` per statement.
    let connection: PostgresConnection?
    /// Set by `appending(through:)`: where one-event appends go instead of PostgresNIO.
    let appender: (any EventAppender)?

    public init(client: PostgresClient, logger: Logger = Logger(label: "newsroom.eventstore")) {
        self.client = client
        self.logger = logger
        self.connection = nil
        self.appender = nil
    }

    private init(client: PostgresClient, logger: Logger, connection: PostgresConnection?, appender: (any EventAppender)?) {
        self.client = client
        self.logger = logger
        self.connection = connection
        self.appender = appender
    }

    /// This store with its statements on `connection`, one the caller leased from `client` for a
    /// run of commands (`client.withConnection`). Leasing a pooled connection and handing it back
    /// for every statement cost 46-95 us of client CPU per statement with 8 writers (the raw-insert
    /// floors, pooled against one connection). `client` still serves what runs beside it.
    public func on(_ connection: PostgresConnection) -> EventStore {
        EventStore(client: client, logger: logger, connection: connection, appender: appender)
    }

    /// `body` in one transaction: every statement of the store it is given runs on one leased
    /// connection between BEGIN and COMMIT (its appends too, none through a separate appender), so
    /// what it does beside the log (a GRANT) commits or rolls back with its events. A conflict
    /// aborts the whole transaction: the caller decides again in a new one.
    public func inTransaction<T: Sendable>(_ body: (EventStore) async throws -> T) async throws -> T {
        do {
            return try await withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let result = try await body(EventStore(client: client, logger: logger, connection: connection, appender: nil))
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError.from(error)
        }
    }

    /// This store, sending a command's usual append (one event) through `appender` (nil: through
    /// PostgresNIO, as every other statement goes). The answers and errors are the same.
    public func appending(through appender: (any EventAppender)?) -> EventStore {
        EventStore(client: client, logger: logger, connection: connection, appender: appender)
    }

    func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        if let connection { return try await connection.query(query, logger: logger) }
        return try await client.query(query, logger: logger)
    }

    func run<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Statement.Row> {
        if let connection { return try await connection.execute(statement, logger: logger) }
        return try await client.execute(statement, logger: logger)
    }

    /// `body` on the store's connection, or on one leased for it.
    func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        if let connection { return try await body(connection) }
        return try await client.withConnection(body)
    }

    /// Appends `events` to `stream` in one transaction, as the authenticated database role.
    ///
    /// `digest` identifies the command's content: the same `commandID` with the same digest returns
    /// the first result and appends nothing; with another digest it is `.commandReused`.
    public func append(
        _ events: [NewEvent],
        to stream: StreamID,
        streamType: String,
        expectedVersion: ExpectedVersion,
        metadata: EventMetadata,
        digest: String,
        requiring context: ContextVersion? = nil
    ) async throws -> AppendResult {
        precondition(!events.isEmpty, "an append needs at least one event")
        let metadataJSON = Self.json(metadata)
        let expected = expectedVersion.sqlValue
        let target = AppendTarget(stream: stream.rawValue, streamType: streamType, expected: expected, commandID: metadata.commandID, digest: digest, context: context)
        if events.count == 1, let appender {
            return try await appender.append(OneEventAppend(target, event: events[0], metadata: metadataJSON))
        }
        do {
            let rows: AsyncThrowingMapSequence<PostgresRowSequence, AppendRow>
            if events.count == 1 {
                rows = try await run(AppendEventStatement(target: target, event: events[0], metadata: metadataJSON))
            } else {
                // Several events travel as jsonb inside one array, so one round trip appends a whole command.
                rows = try await run(AppendStatement(target: target, events: Self.jsonArray(events, metadata: metadataJSON)))
            }
            for try await (first, last, version, duplicate) in rows {
                return AppendResult(firstPosition: first, lastPosition: last, streamVersion: version, wasDuplicate: duplicate)
            }
            throw EventStoreError(.server, "append_events returned no row")
        } catch {
            throw EventStoreError.from(error, stream: stream, expected: expected)
        }
    }

    /// Appends two commands to two streams in one statement: one round trip and one transaction,
    /// so both are written or neither is (a new article and the slug it takes). Each is checked as
    /// `append` checks it, `context` by both; the results come back in the same order.
    public func append(_ first: StreamAppend, _ second: StreamAppend, requiring context: ContextVersion? = nil) async throws -> (AppendResult, AppendResult) {
        precondition(!first.events.isEmpty && !second.events.isEmpty, "an append needs at least one event")
        let targets = [first, second].map { append in
            AppendTarget(stream: append.stream.rawValue, streamType: append.streamType, expected: append.expectedVersion.sqlValue,
                         commandID: append.metadata.commandID, digest: append.digest, context: context)
        }
        let metadata = [Self.json(first.metadata), Self.json(second.metadata)]
        let oneEventEach = first.events.count == 1 && second.events.count == 1
        if oneEventEach, let appender {
            return try await appender.append(OneEventAppend(targets[0], event: first.events[0], metadata: metadata[0]),
                                             OneEventAppend(targets[1], event: second.events[0], metadata: metadata[1]))
        }
        do {
            let rows = try await oneEventEach
                ? run(AppendEventPairStatement(first: AppendEventStatement(target: targets[0], event: first.events[0], metadata: metadata[0]),
                                               second: AppendEventStatement(target: targets[1], event: second.events[0], metadata: metadata[1])))
                : run(AppendPairStatement(first: (targets[0], Self.jsonArray(first.events, metadata: metadata[0])),
                                          second: (targets[1], Self.jsonArray(second.events, metadata: metadata[1]))))
            var results: [Int: AppendResult] = [:]
            for try await (step, row) in rows {
                results[step] = AppendResult(firstPosition: row.0, lastPosition: row.1, streamVersion: row.2, wasDuplicate: row.3)
            }
            guard let one = results[1], let two = results[2] else { throw EventStoreError(.server, "the log returned no row for one of two appends") }
            return (one, two)
        } catch {
            // A conflict names the stream refused (its detail says which); any other error is
            // reported under the first.
            throw EventStoreError.from(error, stream: first.stream, expected: first.expectedVersion.sqlValue)
        }
    }

    /// An event's metadata as the log stores it. Ids as PostgreSQL prints them: Foundation's
    /// uuidString formats each with sprintf.
    static func json(_ metadata: EventMetadata) -> String {
        var json = "{\"commandID\":\"\(metadata.commandID.lowercasedText)\",\"correlationID\":\"\(metadata.correlationID.lowercasedText)\""
        if let causation = metadata.causationID { json += ",\"causationID\":\"\(causation.lowercasedText)\"" }
        return json + "}"
    }

    /// Events as the JSON array `append_events_if` takes: several events travel inside one
    /// array, so one round trip appends a whole command.
    static func jsonArray(_ events: [NewEvent], metadata: String) -> String {
        "[" + events.map { event in
            "{\"event_id\":\"\(event.eventID.lowercasedText)\",\"event_type\":\(jsonString(event.type)),\"schema_version\":\(event.schemaVersion),\"payload\":\(event.payload),\"metadata\":\(metadata)}"
        }.joined(separator: ",") + "]"
    }

    /// A command's record and its events. An import's record names no stream of its own
    /// ('import'), so the events are found by their command id, which the log indexes.
    static let recordedCommandSQL = """
        SELECT c.stream_id, c.digest, min(e.position), max(e.position), max(e.stream_version)
        FROM commands c JOIN events e ON e.command_id = c.command_id
        WHERE c.command_id = $1 GROUP BY c.stream_id, c.digest
        """

    /// What an earlier command with this id did, if it was recorded: its stream, content digest and result.
    public func recordedCommand(_ commandID: UUID) async throws -> (stream: StreamID, digest: String, result: AppendResult)? {
        do {
            var query = PostgresQuery(unsafeSQL: Self.recordedCommandSQL)
            query.binds.append(commandID)
            let rows = try await run(query)
            for try await (stream, digest, first, last, version) in rows.decode((String, String, Int64, Int64, Int).self) {
                return (StreamID(stream), digest, AppendResult(firstPosition: first, lastPosition: last, streamVersion: version, wasDuplicate: true))
            }
            return nil
        } catch {
            throw EventStoreError.from(error)
        }
    }

    /// The events of one stream in version order, optionally only after a version (what a cached
    /// state has not seen), up to a version, or up to an instant.
    public func readStream(_ stream: StreamID, afterVersion: Int = 0, upToVersion: Int? = nil, asOf: Date? = nil) async throws -> [RecordedEvent] {
        do {
            let rows = try await run("""
                SELECT \(unescaped: Self.columns) FROM events
                WHERE stream_id = \(stream.rawValue) AND stream_version > \(afterVersion)
                  AND (\(upToVersion)::integer IS NULL OR stream_version <= \(upToVersion))
                  AND (\(asOf)::timestamptz IS NULL OR recorded_at <= \(asOf))
                ORDER BY stream_version
                """)
            return try await Self.decode(rows)
        } catch {
            throw EventStoreError.from(error, stream: stream)
        }
    }

    /// The current version of a stream, 0 when it does not exist.
    public func streamVersion(_ stream: StreamID) async throws -> Int {
        do {
            let rows = try await run("SELECT version FROM streams WHERE stream_id = \(stream.rawValue)")
            for try await version in rows.decode(Int.self) { return version }
            return 0
        } catch {
            throw EventStoreError.from(error, stream: stream)
        }
    }

    /// Up to `limit` events after `position`, in log order, never past a transaction still running.
    public func readAll(after position: LogPosition, limit: Int = 1000) async throws -> [RecordedEvent] {
        try await read(ReadAllStatement(after: position, limit: limit))
    }

    /// The same read, except that when nothing is readable yet the server waits for it, looking
    /// again every `poll`, and answers as soon as something is, or empty after `wait`.
    public func readAll(after position: LogPosition, limit: Int, waitingUpTo wait: Duration, checkingEvery poll: Duration) async throws -> [RecordedEvent] {
        try await read(WaitingReadStatement(read: ReadAllStatement(after: position, limit: limit), wait: wait, poll: poll))
    }

    func read<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [RecordedEvent] where Statement.Row == RecordedEvent {
        do {
            return try await withConnection { connection in try await Self.collect(statement, on: connection, logger: logger) }
        } catch {
            throw EventStoreError.from(error)
        }
    }

    private static func collect<Statement: PostgresPreparedStatement>(_ statement: Statement, on connection: PostgresConnection, logger: Logger) async throws -> [RecordedEvent] where Statement.Row == RecordedEvent {
        var events: [RecordedEvent] = []
        for try await event in try await connection.execute(statement, logger: logger) { events.append(event) }
        return events
    }

    /// The same read on a given connection, for callers that hold a transaction (projection runners).
    public static func readAll(on connection: PostgresConnection, after position: LogPosition, limit: Int, logger: Logger) async throws -> [RecordedEvent] {
        try await collect(ReadAllStatement(after: position, limit: limit), on: connection, logger: logger)
    }

    /// The log read every reader uses (`ReadAllStatement`) with its parameters bound, to EXPLAIN.
    public static func readAllQuery(after position: LogPosition, limit: Int) -> PostgresQuery {
        PostgresQuery(unsafeSQL: ReadAllStatement.sql, binds: try! ReadAllStatement(after: position, limit: limit).makeBindings())
    }

    /// Every event after `position`, fetched in batches so memory stays flat however long the log is.
    public func events(after position: LogPosition, batchSize: Int = 1000) -> AsyncThrowingStream<RecordedEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var cursor = position
                do {
                    while !Task.isCancelled {
                        let batch = try await readAll(after: cursor, limit: batchSize)
                        for event in batch { continuation.yield(event) }
                        guard let last = batch.last, batch.count == batchSize else { break }
                        cursor = last.logPosition
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// How many committed events lie after `position`, readable or not yet. An empty batch from
    /// `readAll` while this is above zero means an older transaction, possibly in another database
    /// of the cluster, is still open: those events become readable when it ends. Nothing is skipped.
    /// With `recordedThrough`, only those recorded by that instant are counted (what a replay needs).
    public func committedEvents(after position: LogPosition, recordedThrough instant: Date? = nil) async throws -> Int {
        do {
            let rows = try await run("""
                SELECT count(*)::bigint FROM events WHERE (transaction_id, position) > (\(String(position.transactionID))::xid8, \(position.position))
                AND recorded_at <= \(instant ?? .distantFuture)
                """)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        } catch {
            throw EventStoreError.from(error)
        }
    }

    /// The position of the newest event any reader may see now.
    public func head() async throws -> LogPosition {
        do {
            let rows = try await run("""
                SELECT transaction_id::text::bigint, position FROM events
                WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1
                """)
            for try await (tx, pos) in rows.decode((Int64, Int64).self) {
                return LogPosition(transactionID: tx, position: pos)
            }
            return .start
        } catch {
            throw EventStoreError.from(error)
        }
    }

    // MARK: Integrity

    public struct ChainBreak: Sendable, Hashable {
        public var position: Int64
        public var streamID: StreamID
        public var streamVersion: Int
        public var problem: String
    }

    public struct VerificationReport: Sendable {
        public var eventsChecked: Int
        public var streamsChecked: Int
        public var firstBreak: ChainBreak?
    }

    /// Recomputes every stream's hash chain inside the database.
    public func verify() async throws -> VerificationReport {
        do {
            var report = VerificationReport(eventsChecked: 0, streamsChecked: 0, firstBreak: nil)
            let counts = try await run("SELECT count(*)::bigint, count(DISTINCT stream_id)::bigint FROM events")
            for try await (events, streams) in counts.decode((Int64, Int64).self) {
                report.eventsChecked = Int(events)
                report.streamsChecked = Int(streams)
            }
            let breaks = try await run("SELECT event_position, stream_id, stream_version, problem FROM verify_event_chains(1)")
            for try await (position, stream, version, problem) in breaks.decode((Int64, String, Int, String).self) {
                report.firstBreak = ChainBreak(position: position, streamID: StreamID(stream), streamVersion: version, problem: problem)
            }
            if report.firstBreak == nil {
                // A deleted tail leaves no gap in the chain; the stream head remembers how long it was.
                let truncated = try await run("""
                    SELECT s.stream_id, s.version, coalesce(max(e.stream_version), 0)
                    FROM streams s LEFT JOIN events e USING (stream_id)
                    GROUP BY s.stream_id, s.version HAVING s.version <> coalesce(max(e.stream_version), 0)
                    ORDER BY s.stream_id LIMIT 1
                    """)
                for try await (stream, version, found) in truncated.decode((String, Int, Int).self) {
                    report.firstBreak = ChainBreak(position: 0, streamID: StreamID(stream), streamVersion: found,
                        problem: "the stream's head says version \(version) but the log holds \(found) events")
                }
            }
            return report
        } catch {
            throw EventStoreError.from(error)
        }
    }

    // MARK: Decoding

    static let columns = columns(payload: "payload::text")

    /// The select list `decodeEvent` reads, with `payload` the SQL giving the payload's text and
    /// every other column qualified by `table` when given.
    static func columns(payload: String, table: String? = nil) -> String {
        let t = table.map { "\($0)." } ?? ""
        return """
            \(t)position, \(t)transaction_id::text::bigint, \(t)stream_id, \(t)stream_version, \(t)event_id, \(t)event_type, \(t)schema_version,
            \(payload), \(t)metadata::text, \(t)actor, \(t)recorded_at
            """
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await row in rows { events.append(try decodeEvent(row)) }
        return events
    }

    /// The values of one row of `columns`, in order.
    typealias EventColumns = (position: Int64, tx: Int64, stream: String, version: Int, id: UUID, type: String, schema: Int,
                              payload: String, metadata: String, actor: String, at: Date)

    /// One row of `columns`. The cells are read straight from the binary forms PostgreSQL sends
    /// for prepared statements: PostgresNIO's tuple decode runs unspecialized from this module and
    /// looked up generic metadata for every column (5% of a rebuild's client samples). A row in any
    /// other form goes through that decode.
    static func decodeEvent(_ row: PostgresRow) throws -> RecordedEvent {
        let c: EventColumns
        if let direct = BinaryCells.eventColumns(row) {
            c = direct
        } else {
            c = try row.decode((Int64, Int64, String, Int, UUID, String, Int, String, String, String, Date).self)
        }
        guard let meta = EventMetadata(storedText: c.metadata) else {
            throw EventStoreError(.corruptEvent, "event at position \(c.position) has unreadable metadata: \(c.metadata)")
        }
        return RecordedEvent(
            logPosition: LogPosition(transactionID: c.tx, position: c.position), streamID: StreamID(c.stream),
            streamVersion: c.version, eventID: c.id, type: c.type, schemaVersion: c.schema, payload: c.payload,
            metadata: meta, actor: c.actor, recordedAt: c.at)
    }
}

/// `text` as a JSON string. Event type names are plain words: they need only the quotes, and a
/// JSONEncoder for each append cost about 1% of a command's client time.
func jsonString(_ text: String) -> String {
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) { return "\"" + text + "\"" }
    return String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}
