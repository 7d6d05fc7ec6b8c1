import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// The working view of the desk: articles not yet out, by state and assigned editor.
public struct DeskQueueProjection: Projection {
    public let name = "desk"
    public let version = 1
    /// Shows articles as each batch leaves them.
    public let foldsOnlyLatestBodies = true
    public init() {}

    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await ArticleStates(schema: schema).createTable(on: connection, logger: logger)
        for sql in [
            """
            CREATE TABLE \(schema).queue (
                article_id uuid PRIMARY KEY, slug text NOT NULL, headline text NOT NULL, status text NOT NULL,
                author text, editor text, missing text[] NOT NULL, scheduled_for timestamptz, updated_at timestamptz NOT NULL,
                version integer NOT NULL)
            """,
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    public func indexes(in schema: String) -> [String] {
        [
            "CREATE INDEX IF NOT EXISTS queue_status_updated_at_idx ON \(schema).queue (status, updated_at)",
            "CREATE INDEX IF NOT EXISTS queue_editor_updated_at_idx ON \(schema).queue (editor, updated_at)",
        ]
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        for changed in try await ArticleStates(schema: schema).fold(events, on: connection, logger: logger) {
            let a = changed.article
            let onDesk = [.draft, .submitted, .changesRequested, .approved, .scheduled].contains(a.status)
            guard onDesk else {
                try await connection.query("DELETE FROM \(unescaped: schema).queue WHERE article_id = \(changed.id.uuid)", logger: logger)
                continue
            }
            let missing = ArticleDecider.missingForPublication(a).map { String($0.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces) }
            try await connection.query("""
                INSERT INTO \(unescaped: schema).queue (article_id, slug, headline, status, author, editor, missing, scheduled_for, updated_at, version)
                VALUES (\(changed.id.uuid), \(a.slug ?? ""), \(a.headline), \(a.status.rawValue), \(a.author), \(a.editor), \(missing), \(a.schedule?.instant), \(changed.updatedAt), \(changed.version))
                ON CONFLICT (article_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline, status = excluded.status,
                    author = excluded.author, editor = excluded.editor, missing = excluded.missing, scheduled_for = excluded.scheduled_for,
                    updated_at = excluded.updated_at, version = excluded.version
                """, logger: logger)
        }
    }
}
