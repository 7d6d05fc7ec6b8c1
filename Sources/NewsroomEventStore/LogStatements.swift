import Foundation
import PostgresNIO

// The log's hot statements, prepared once per connection: PostgreSQL then skips parsing and,
// once it trusts a generic plan, planning. Unnamed statements spent more time in parse and bind
// than in execution (the follower's probe: 0.14 + 0.25 ms against 0.04 ms). Each names itself:
// PostgresNIO's default name is String(reflecting:) of the type, built again on every execute
// (2% of a command's client time).

/// The log read every reader uses. ORDER BY names the table's columns: the select list turns
/// transaction_id into a bigint under the same name, and sorting by that expression cannot use
/// the (transaction_id, position) index, so each read sorted the whole table.
struct ReadAllStatement: PostgresPreparedStatement {
    static let name = "newsroom.ReadAllStatement"
    static let sql = "SELECT \(EventStore.columns) FROM events \(window)"
    /// Which rows a read takes, and in what order: up to $3 after ($1, $2), never past a
    /// transaction still running. Other reads of the same rows (ReadAllBlankingStatement) share it.
    static let window = """
        WHERE (events.transaction_id, events.position) > ($1::text::xid8, $2::bigint)
          AND events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.position
        LIMIT $3::integer
        """
    typealias Row = RecordedEvent

    var after: LogPosition
    var limit: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(String(after.transactionID))
        bindings.append(after.position)
        bindings.append(Int32(clamping: limit))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> RecordedEvent { try EventStore.decodeEvent(row) }
}

/// The same read, waiting on the server up to `wait` for something to be readable
/// (`read_events_waiting`, migration 011): how the live follower learns of commits.
struct WaitingReadStatement: PostgresPreparedStatement {
    static let name = "newsroom.WaitingReadStatement"
    static let sql = "SELECT * FROM read_events_waiting($1::text, $2::bigint, $3::integer, $4::integer, $5::integer)"
    typealias Row = RecordedEvent

    var read: ReadAllStatement
    var wait: Duration
    var poll: Duration

    func makeBindings() throws -> PostgresBindings {
        var bindings = try read.makeBindings()
        bindings.append(Int32(clamping: Int64(wait / .milliseconds(1))))
        bindings.append(Int32(clamping: Int64(poll / .milliseconds(1))))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> RecordedEvent { try EventStore.decodeEvent(row) }
}

/// What an append answers: the positions it wrote, the stream's new version, and whether the
/// command had been appended before.
typealias AppendRow = (Int64, Int64, Int, Bool)

/// What every append names, whichever function takes it: the stream and what it expects of it,
/// the command, and the other stream the decision read.
struct AppendTarget {
    var stream: String, streamType: String, expected: Int?, commandID: UUID, digest: String, context: ContextVersion?

    /// The bindings of both append functions: these five, then `events`' own, then the context.
    func bindings(events: (inout PostgresBindings) -> Void) -> PostgresBindings {
        var bindings = PostgresBindings()
        append(to: &bindings, events: events)
        return bindings
    }

    /// The same bindings after those already in `bindings` (a statement of two appends).
    func append(to bindings: inout PostgresBindings, events: (inout PostgresBindings) -> Void) {
        bindings.append(stream)
        bindings.append(streamType)
        bindings.append(expected.map { Int32(clamping: $0) })
        bindings.append(commandID)
        bindings.append(digest)
        events(&bindings)
        bindings.append(context?.stream.rawValue)
        bindings.append(context.map { Int32(clamping: $0.version) })
    }
}

/// `append_events_if`, for a command of several events (`append_events` only calls it):
/// `context`, when there is one, is the version of another stream the decision read, which the
/// append checks as well.
struct AppendStatement: PostgresPreparedStatement {
    static let name = "newsroom.AppendStatement"
    static let sql = """
        SELECT first_position, last_position, stream_version, duplicate
        FROM append_events_if($1::text, $2::text, $3::integer, $4::uuid, $5::text, $6::jsonb, $7::text, $8::integer)
        """
    typealias Row = AppendRow

    var target: AppendTarget, events: String

    func makeBindings() throws -> PostgresBindings { target.bindings { $0.append(events) } }

    func decodeRow(_ row: PostgresRow) throws -> AppendRow { try decodeAppendRow(row) }
}

/// `append_event` (migration 014), a command's usual append: one event, its fields as typed
/// parameters, so the server neither parses an array nor takes each field out of it again.
struct AppendEventStatement: PostgresPreparedStatement {
    static let name = "newsroom.AppendEventStatement"
    static let sql = """
        SELECT first_position, last_position, stream_version, duplicate
        FROM append_event($1::text, $2::text, $3::integer, $4::uuid, $5::text, $6::uuid, $7::text, $8::integer, $9::jsonb, $10::jsonb, $11::text, $12::integer)
        """
    typealias Row = AppendRow

    var target: AppendTarget, event: NewEvent, metadata: String

    func makeBindings() throws -> PostgresBindings { target.bindings(events: eventBindings) }

    /// The event's own five parameters, between the target's.
    func eventBindings(_ bindings: inout PostgresBindings) {
        bindings.append(event.eventID)
        bindings.append(event.type)
        bindings.append(Int32(clamping: event.schemaVersion))
        bindings.append(event.payload)
        bindings.append(metadata)
    }

    func decodeRow(_ row: PostgresRow) throws -> AppendRow { try decodeAppendRow(row) }
}

/// Two commands' appends in one statement (`EventStore.append(_:_:requiring:)`): one round trip
/// and one transaction. UNION ALL runs its branches in order, so the first append is made (or
/// refused, which ends the statement) before the second; `step` says which row is whose.
struct AppendPairStatement: PostgresPreparedStatement {
    static let name = "newsroom.AppendPairStatement"
    static let sql = """
        SELECT 1, first_position, last_position, stream_version, duplicate
        FROM append_events_if($1::text, $2::text, $3::integer, $4::uuid, $5::text, $6::jsonb, $7::text, $8::integer)
        UNION ALL
        SELECT 2, first_position, last_position, stream_version, duplicate
        FROM append_events_if($9::text, $10::text, $11::integer, $12::uuid, $13::text, $14::jsonb, $15::text, $16::integer)
        """
    typealias Row = (Int, AppendRow)

    var first: (AppendTarget, String), second: (AppendTarget, String)

    func makeBindings() throws -> PostgresBindings {
        var bindings = first.0.bindings { $0.append(first.1) }
        second.0.append(to: &bindings) { $0.append(second.1) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> (Int, AppendRow) { try decodePairRow(row) }
}

/// The same two appends when each is one event, the form a draft takes (its article's first
/// event and its slug's): two `append_event` calls, which start a stream in one statement
/// (migration 016) where `append_events_if` parses an array and runs seven.
struct AppendEventPairStatement: PostgresPreparedStatement {
    static let name = "newsroom.AppendEventPairStatement"
    static let sql = """
        SELECT 1, first_position, last_position, stream_version, duplicate
        FROM append_event($1::text, $2::text, $3::integer, $4::uuid, $5::text, $6::uuid, $7::text, $8::integer, $9::jsonb, $10::jsonb, $11::text, $12::integer)
        UNION ALL
        SELECT 2, first_position, last_position, stream_version, duplicate
        FROM append_event($13::text, $14::text, $15::integer, $16::uuid, $17::text, $18::uuid, $19::text, $20::integer, $21::jsonb, $22::jsonb, $23::text, $24::integer)
        """
    typealias Row = (Int, AppendRow)

    var first: AppendEventStatement, second: AppendEventStatement

    func makeBindings() throws -> PostgresBindings {
        var bindings = try first.makeBindings()
        second.target.append(to: &bindings, events: second.eventBindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> (Int, AppendRow) { try decodePairRow(row) }
}

/// Read cell by cell as the log's reads are (`BinaryCells`): the generic tuple decode took 2% of
/// a command's client time.
private func decodeAppendRow(_ row: PostgresRow) throws -> AppendRow {
    var cells = BinaryCells(row)
    if let first = cells.int64(), let last = cells.int64(), let version = cells.int32(), let duplicate = cells.bool(), cells.atEnd {
        return (first, last, version, duplicate)
    }
    return try row.decode(AppendRow.self)
}

/// A row of a two-append statement: which append it answers, then that append's row.
private func decodePairRow(_ row: PostgresRow) throws -> (Int, AppendRow) {
    let (step, first, last, version, duplicate) = try row.decode((Int, Int64, Int64, Int, Bool).self)
    return (step, (first, last, version, duplicate))
}
