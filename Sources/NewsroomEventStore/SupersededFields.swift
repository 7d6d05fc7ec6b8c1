import Foundation
import PostgresNIO

/// String fields that an event sets whole, by the event types that carry them and where they sit
/// in those types' payloads (an article's body). A reader that only ever needs the value a
/// stream's last event in a read leaves (a rebuild folding states that it writes once per batch)
/// can have every earlier value in the read left out: most of a newsroom log's bytes are bodies
/// that a later edit of the same article replaced.
public protocol SupersededFields: SendableMetatype {
    /// Names the read's prepared statement; unique among the conforming types.
    static var name: String { get }
    /// Each field, by event type and its path in that type's payload. The value must be a JSON
    /// string that the event sets whole, never merges with the one before.
    static var paths: [(eventType: String, path: [String])] { get }
    /// A boolean column of `events` that PostgreSQL fills as each event is written, true exactly
    /// when the event sets one of `paths` to a string, NULL for events written before it; nil
    /// when the log has none. The read tests it instead of unpacking each candidate's payload to
    /// look (for a body in the TOAST table, a fetch and a decompression per event), and looks
    /// only where it is NULL.
    static var setsColumn: String? { get }
}

extension SupersededFields {
    public static var setsColumn: String? { nil }
}

/// The log read (`ReadAllStatement`) with each field of `Fields` blanked to "" in an event whose
/// stream sets it again later in the same read. Which events set a field is read from
/// `Fields.setsColumn` when there is one; otherwise only events of the types that carry one are
/// unpacked to look (a decompression, where printing a 6 KB body it would have sent costs
/// several times that). The read's rows, order and horizon are `ReadAllStatement.window`.
struct ReadAllBlankingStatement<Fields: SupersededFields>: PostgresPreparedStatement {
    static var name: String { "newsroom.ReadAllBlanking." + Fields.name }
    static var sql: String {
        let carried = Fields.paths.map { eventType, path in
            let path = "ARRAY[\(path.map(literal).joined(separator: ", "))]::text[]"
            // A JSON null sets nothing, so it supersedes nothing.
            let look = "jsonb_typeof(events.payload #> \(path)) = 'string'"
            let sets = Fields.setsColumn.map { "coalesce(events.\(identifier($0)), \(look))" } ?? look
            return "WHEN events.event_type = \(literal(eventType)) AND \(sets) THEN \(path)"
        }
        let payload = "(CASE WHEN w.superseded THEN jsonb_set(w.payload, w.field, '\"\"'::jsonb) ELSE w.payload END)::text"
        return """
            SELECT \(EventStore.columns(payload: payload, table: "w"))
            FROM (
                SELECT b.*, b.field IS NOT NULL AND coalesce(bool_or(b.field IS NOT NULL) OVER (
                    PARTITION BY b.stream_id ORDER BY b.transaction_id, b.position ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), false) AS superseded
                FROM (
                    SELECT events.*, CASE \(carried.joined(separator: " ")) END AS field
                    FROM events \(ReadAllStatement.window)
                ) b
            ) w
            ORDER BY w.transaction_id, w.position
            """
    }
    typealias Row = RecordedEvent

    var read: ReadAllStatement

    func makeBindings() throws -> PostgresBindings { try read.makeBindings() }
    func decodeRow(_ row: PostgresRow) throws -> RecordedEvent { try EventStore.decodeEvent(row) }

    /// The types, paths and column are code, not input; quoted all the same.
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension EventStore {
    /// The same read as `readAll(after:limit:)`, except that a field of `fields` comes back as ""
    /// in each event whose stream sets it again later in this read. Folding the read from its
    /// first event to its last still ends in every stream's true state; a state between them may
    /// hold "" instead. For readers that use nothing else.
    public func readAll<Fields: SupersededFields>(after position: LogPosition, limit: Int, blankingSuperseded fields: Fields.Type) async throws -> [RecordedEvent] {
        try await read(ReadAllBlankingStatement<Fields>(read: ReadAllStatement(after: position, limit: limit)))
    }
}
