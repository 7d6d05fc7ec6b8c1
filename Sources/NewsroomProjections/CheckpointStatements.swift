import Foundation
import NewsroomEventStore
import PostgresNIO

// The statements every read-model batch runs, and the follower's probe, prepared once per
// connection (see LogStatements.swift in the event store for why).

/// The live read models with events readable after their checkpoint: a handful of index probes.
struct ReadableEventsProbe: PostgresPreparedStatement {
    static let name = "newsroom.ReadableEventsProbe"
    static let sql = """
        SELECT c.schema_name FROM projection_checkpoints c
        WHERE c.until IS NULL AND c.schema_name NOT LIKE '%\\_rebuild' AND EXISTS (
            SELECT 1 FROM events e
            WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)
              AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot()))
        """
    typealias Row = String
    func makeBindings() throws -> PostgresBindings { PostgresBindings() }
    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// Takes a read model's batch lock (held until the transaction ends) and then reads where it
/// stands (projection_batch_start, migration 009).
struct BatchStartStatement: PostgresPreparedStatement {
    static let name = "newsroom.BatchStartStatement"
    static let sql = "SELECT version, transaction_id, position, until FROM projection_batch_start($1::text, $2::integer)"
    typealias Row = (Int, Int64, Int64, Date?)
    var schema: String
    var lockKey: Int32
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(schema)
        bindings.append(lockKey)
        return bindings
    }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Moves a read model's checkpoint past a batch, in the batch's transaction.
struct AdvanceCheckpointStatement: PostgresPreparedStatement {
    static let name = "newsroom.AdvanceCheckpointStatement"
    static let sql = """
        UPDATE projection_checkpoints SET transaction_id = $1::bigint, position = $2::bigint,
            events_applied = events_applied + $3::bigint, last_event_at = coalesce($4::timestamptz, last_event_at), updated_at = now()
        WHERE schema_name = $5::text
        """
    typealias Row = ()
    var through: LogPosition
    var applied: Int
    var lastEventAt: Date?
    var schema: String
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(through.transactionID)
        bindings.append(through.position)
        bindings.append(Int64(applied))
        bindings.append(lastEventAt)
        bindings.append(schema)
        return bindings
    }
    func decodeRow(_ row: PostgresRow) throws {}
}
