import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// Added after the fact, to show that a new question is one file: edits per article, time from
/// draft to first publication, and corrections per editor. `newsroom projections rebuild stats`
/// fills it from the whole history.
public struct ArticleStatisticsProjection: Projection {
    public let name = "stats"
    public let version = 1
    public init() {}

    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        for sql in [
            """
            CREATE TABLE \(schema).articles (
                article_id uuid PRIMARY KEY, drafted_at timestamptz NOT NULL, first_published_at timestamptz,
                edits integer NOT NULL DEFAULT 0, corrections integer NOT NULL DEFAULT 0, events integer NOT NULL DEFAULT 0)
            """,
            "CREATE TABLE \(schema).corrections_by_editor (editor text PRIMARY KEY, corrections integer NOT NULL)",
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        for record in events {
            guard let id = ArticleStates.articleID(of: record) else { continue }
            switch record.type {
            case "ArticleDrafted":
                try await connection.query("INSERT INTO \(unescaped: schema).articles (article_id, drafted_at, events) VALUES (\(id), \(record.recordedAt), 1) ON CONFLICT DO NOTHING", logger: logger)
            case "ArticleEdited":
                try await connection.query("UPDATE \(unescaped: schema).articles SET edits = edits + 1, events = events + 1 WHERE article_id = \(id)", logger: logger)
            case "ArticlePublished", "PublicationScheduled":
                try await connection.query("UPDATE \(unescaped: schema).articles SET first_published_at = coalesce(first_published_at, \(record.recordedAt)), events = events + 1 WHERE article_id = \(id)", logger: logger)
            case "ArticleCorrected":
                try await connection.query("UPDATE \(unescaped: schema).articles SET corrections = corrections + 1, events = events + 1 WHERE article_id = \(id)", logger: logger)
                try await connection.query("INSERT INTO \(unescaped: schema).corrections_by_editor (editor, corrections) VALUES (\(record.actor), 1) ON CONFLICT (editor) DO UPDATE SET corrections = corrections_by_editor.corrections + 1", logger: logger)
            default:
                try await connection.query("UPDATE \(unescaped: schema).articles SET events = events + 1 WHERE article_id = \(id)", logger: logger)
            }
        }
    }
}
