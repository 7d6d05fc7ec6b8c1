import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// One row per event in human terms: when, who, which article, what action, what changed. Indexed
/// for questions by article, actor, action and period. Rows of publication record whether the
/// article had a reporter byline, for the "published without a reporter" report.
public struct EditorialAuditProjection: Projection {
    public let name = "audit"
    public let version = 1
    public let publicTables = ["entries"]
    public init() {}

    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await ArticleStates(schema: schema).createTable(on: connection, logger: logger)
        for sql in [
            """
            CREATE TABLE \(schema).entries (
                position bigint PRIMARY KEY, recorded_at timestamptz NOT NULL, actor text NOT NULL, article_id uuid,
                headline text, stream_id text NOT NULL, stream_version integer NOT NULL, event_type text NOT NULL,
                action text NOT NULL, summary text NOT NULL, details jsonb NOT NULL, command_id uuid NOT NULL)
            """,
            "CREATE INDEX ON \(schema).entries (article_id, recorded_at)",
            "CREATE INDEX ON \(schema).entries (actor, recorded_at)",
            "CREATE INDEX ON \(schema).entries (action, recorded_at)",
            "CREATE INDEX ON \(schema).entries (recorded_at)",
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        let states = ArticleStates(schema: schema)
        for record in events {
            var articleID: UUID?
            var headline: String?
            let action: String
            let summary: String
            var details: [String: Any] = [:]
            if record.streamID.rawValue.hasPrefix("article-") {
                let event = try ArticleEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload)
                // One event at a time: a row's "after" state must be the state right after its own event.
                let after = try await states.fold([record], on: connection, logger: logger).first?.article
                articleID = UUID(uuidString: String(record.streamID.rawValue.dropFirst("article-".count)))
                headline = after?.headline
                action = event.action
                summary = event.summary
                if case .edited(let fields) = event { details["fields"] = fields.changedFieldNames }
                if case .corrected(let e) = event { details["fields"] = e.changes.changedFieldNames; details["note"] = e.note }
                if case .published = event, let after {
                    details["reporterByline"] = !after.reporters.isEmpty
                    details["wireSource"] = after.wireSource ?? NSNull()
                }
                if case .publicationScheduled = event, let after { details["reporterByline"] = !after.reporters.isEmpty }
            } else if record.streamID.rawValue == "staff" {
                let event = try StaffEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload)
                switch event {
                case .memberAdded(let login, let name, let role): action = "staff-added"; summary = "added \(name) (\(login)) as \(role.rawValue)"
                case .roleChanged(let login, let role): action = "staff-role"; summary = "made \(login) \(role.rawValue)"
                case .memberRemoved(let login): action = "staff-removed"; summary = "removed \(login) from the staff"
                }
            } else if record.streamID.rawValue == "access-tokens" {
                switch try AccessTokenEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload) {
                case .issued(let id, let holder, let label, _):
                    action = "token-issued"; summary = "issued audit token \(id.uuidString.lowercased()) to \(holder)"; details["label"] = label
                case .revoked(let id):
                    action = "token-revoked"; summary = "revoked audit token \(id.uuidString.lowercased())"
                }
            } else {
                continue
            }
            let json = NinjsDocument.json(details)
            try await connection.query("""
                INSERT INTO \(unescaped: schema).entries (position, recorded_at, actor, article_id, headline, stream_id, stream_version, event_type, action, summary, details, command_id)
                VALUES (\(record.position), \(record.recordedAt), \(record.actor), \(articleID), \(headline), \(record.streamID.rawValue), \(record.streamVersion),
                        \(record.type), \(action), \(summary), \(json)::jsonb, \(record.metadata.commandID))
                """, logger: logger)
        }
    }
}
