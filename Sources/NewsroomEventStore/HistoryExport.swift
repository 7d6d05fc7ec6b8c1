import Foundation
import PostgresNIO

/// An event as an export carries it: payload and metadata as the log prints them (jsonb text) and
/// the instant to the microsecond, so an import elsewhere reproduces the same hash chain.
public struct ExportedEvent: Sendable, Hashable {
    public var streamID: String
    public var streamVersion: Int
    public var eventID: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: String
    public var metadata: String
    public var actor: String
    public var recordedAt: LogTimestamp
}

extension EventStore {
    /// Every event of the streams whose id starts with `streamPrefix`, in log order, streamed from
    /// one snapshot (memory stays flat however long the log is). Returns how many were handed over.
    @discardableResult
    public func exportEvents(streamPrefix: String, _ body: (ExportedEvent) async throws -> Void) async throws -> Int {
        let pattern = streamPrefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        do {
            return try await client.withConnection { connection in
                let rows = try await connection.query("""
                    SELECT stream_id, stream_version, event_id, event_type, schema_version, payload::text, metadata::text, actor,
                           (extract(epoch FROM recorded_at) * 1000000)::bigint
                    FROM events WHERE stream_id LIKE \(pattern)
                    ORDER BY transaction_id, position
                    """, logger: logger)
                var count = 0
                for try await (stream, version, id, type, schemaVersion, payload, metadata, actor, micros)
                    in rows.decode((String, Int, UUID, String, Int, String, String, String, Int64).self) {
                    try await body(ExportedEvent(streamID: stream, streamVersion: version, eventID: id, type: type, schemaVersion: schemaVersion,
                                                 payload: payload, metadata: metadata, actor: actor, recordedAt: LogTimestamp(microsecondsSince1970: micros)))
                    count += 1
                }
                return count
            }
        } catch {
            throw EventStoreError.from(error)
        }
    }
}
