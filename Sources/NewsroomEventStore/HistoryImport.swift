import Foundation
import Logging
import NewsroomDomain
import PostgresNIO

/// One event of a history brought in from elsewhere (an archive), with the author and instant it
/// had there. Payload and metadata are canonical jsonb text, so the chain computed here is the one
/// `event_hash()` computes in the database.
public struct ImportedEvent: Sendable {
    public var streamID: StreamID
    public var streamType: String
    public var eventID: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: CanonicalJSON
    public var metadata: CanonicalJSON
    public var commandID: UUID
    public var actor: String
    public var recordedAt: LogTimestamp
    /// The log's `sets_article_body` (Schema/015) when the caller has the payload parsed already;
    /// nil leaves it to the log's trigger, which costs an import about 1.5 µs an event.
    public var setsArticleBody: Bool?

    public init(streamID: StreamID, streamType: String, eventID: UUID, type: String, schemaVersion: Int, payload: CanonicalJSON,
                metadata: CanonicalJSON, commandID: UUID, actor: String, recordedAt: LogTimestamp, setsArticleBody: Bool? = nil) {
        self.streamID = streamID
        self.streamType = streamType
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
        self.commandID = commandID
        self.actor = actor
        self.recordedAt = recordedAt
        self.setsArticleBody = setsArticleBody
    }
}

public struct ImportSummary: Sendable, Hashable {
    public var streams: Int
    public var events: Int
}

/// Hands events to a running import. Streams must be new to the log; each stream's events arrive
/// in order, though streams may interleave.
public struct HistoryImportWriter {
    struct Head {
        var type: String
        var version: Int
        var hash: [UInt8]
        var actor: String
        var recordedAt: LogTimestamp
    }

    let copy: PostgresCopyFromWriter
    var buffer = ByteBufferAllocator().buffer(capacity: HistoryImportWriter.flushSize + 64 * 1024)
    var heads: [StreamID: Head] = [:]
    public private(set) var events = 0
    static let flushSize = 1 << 17

    /// Writes the event and returns the version it has in its stream.
    @discardableResult
    public mutating func append(_ event: ImportedEvent) async throws -> Int {
        let head = heads[event.streamID]
        let version = (head?.version ?? 0) + 1
        let hash = EventChain.hash(previous: head?.hash, stream: event.streamID.rawValue, version: version, eventID: event.eventID,
                                   type: event.type, schemaVersion: event.schemaVersion, payload: event.payload.bytes,
                                   metadata: event.metadata.bytes, actor: event.actor, recordedAt: event.recordedAt)
        heads[event.streamID] = Head(type: head?.type ?? event.streamType, version: version, hash: hash, actor: event.actor, recordedAt: event.recordedAt)
        CopyText.field(event.streamID.rawValue, &buffer)
        CopyText.integer(version, &buffer)
        CopyText.uuid(event.eventID, &buffer)
        CopyText.field(event.type, &buffer)
        CopyText.integer(event.schemaVersion, &buffer)
        CopyText.field(event.payload.bytes, &buffer)
        CopyText.field(event.metadata.bytes, &buffer)
        CopyText.uuid(event.commandID, &buffer)
        CopyText.field(event.actor, &buffer)
        CopyText.timestamp(event.recordedAt, &buffer)
        CopyText.bytea(hash, &buffer)
        CopyText.boolean(event.setsArticleBody, &buffer, last: true)
        events += 1
        if buffer.readableBytes >= Self.flushSize { try await flush() }
        return version
    }

    mutating func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        try await copy.write(buffer)
        buffer.clear()
    }
}

extension EventStore {
    /// Writes whole new streams straight into the log with `COPY`, computing each stream's hash
    /// chain here, all in one transaction: either the whole history is in or nothing is. `produce`
    /// hands the events over; an error it throws rolls everything back. Needs the log's owner
    /// (the administrator): staff can only append through `append_events`.
    ///
    /// The import is recorded as one command (`commandID`, and the digest `produce` returns for
    /// what it read) on the stream `import`, by the role that ran it; the events keep the actors
    /// and instants of their history.
    public func importHistory(
        commandID: UUID,
        _ produce: (inout HistoryImportWriter) async throws -> String
    ) async throws -> ImportSummary {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    // The actor trigger lets an import keep its history's authors (Schema/006).
                    try await connection.query("SELECT set_config('newsroom.import_id', \(commandID.uuidString), true)", logger: logger)
                    var heads: [StreamID: HistoryImportWriter.Head] = [:]
                    var events = 0
                    var digest = ""
                    try await connection.copyFrom(table: "events", columns: Self.importedColumns, logger: logger) { copy in
                        var writer = HistoryImportWriter(copy: copy)
                        digest = try await produce(&writer)
                        try await writer.flush()
                        heads = writer.heads
                        events = writer.events
                    }
                    try await connection.copyFrom(table: "streams", columns: ["stream_id", "stream_type", "version", "head_hash", "last_actor", "last_recorded_at"], logger: logger) { copy in
                        var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
                        for (stream, head) in heads {
                            CopyText.field(stream.rawValue, &buffer)
                            CopyText.field(head.type, &buffer)
                            CopyText.integer(head.version, &buffer)
                            CopyText.bytea(head.hash, &buffer)
                            CopyText.field(head.actor, &buffer)
                            CopyText.timestamp(head.recordedAt, &buffer, last: true)
                            if buffer.readableBytes >= 1 << 20 { try await copy.write(buffer); buffer.clear() }
                        }
                        if buffer.readableBytes > 0 { try await copy.write(buffer) }
                    }
                    try await connection.query("""
                        INSERT INTO commands (command_id, stream_id, digest, actor, recorded_at)
                        VALUES (\(commandID), 'import', \(digest), session_user, clock_timestamp())
                        """, logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                    return ImportSummary(streams: heads.count, events: events)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw Self.importError(error)
        }
    }

    static let importedColumns = ["stream_id", "stream_version", "event_id", "event_type", "schema_version", "payload", "metadata",
                                  "command_id", "actor", "recorded_at", "hash", "sets_article_body"]

    static func importError(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError, let info = psql.serverInfo, let state = info[.sqlState] else {
            return EventStoreError.from(error)
        }
        let detail = info[.detail] ?? ""
        switch (state, info[.constraintName]) {
        case ("23505", "events_stream_id_stream_version_key"), ("23505", "streams_pkey"):
            return EventStoreError(.streamExists, "The log already has a stream the import writes (\(detail)). Streams are imported whole and only when new: was this archive, or part of it, imported before? Nothing was imported.")
        case ("23505", "events_event_id_key"):
            return EventStoreError(.streamExists, "The log already has an event with an id the import brings (\(detail)). Nothing was imported.")
        case ("23505", "commands_pkey"):
            return EventStoreError(.commandReused, "The import's command id was used before (\(detail)). Use a new --command-id. Nothing was imported.")
        case ("42501", _):
            return EventStoreError(.notPermitted, "Permission denied: \(info[.message] ?? "permission denied"). An import writes the log directly; run it as the database's owner (the administrator who ran `newsroom db migrate`). Nothing was imported.")
        default:
            return EventStoreError.from(error)
        }
    }
}
