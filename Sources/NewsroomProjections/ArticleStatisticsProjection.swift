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
    /// Counts events by type; never reads a payload.
    public let foldsOnlyLatestBodies = true
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
        // The batch is counted in memory and written in three statements, whatever its size (a
        // statement per event made a rebuild of a million events take minutes).
        var counts: [UUID: Counts] = [:]
        var order: [UUID] = []
        var correctionsBy: [String: Int] = [:]
        for record in events {
            guard let id = ArticleStates.articleID(of: record.streamID) else { continue }
            if counts[id] == nil { order.append(id) }
            var count = counts[id] ?? Counts()
            count.events += 1
            switch record.type {
            case "ArticleDrafted": count.draftedAt = count.draftedAt ?? record.recordedAt
            case "ArticleEdited": count.edits += 1
            case "ArticlePublished", "PublicationScheduled": count.firstPublishedAt = count.firstPublishedAt ?? record.recordedAt
            case "ArticleCorrected":
                count.corrections += 1
                correctionsBy[record.actor, default: 0] += 1
            default: break
            }
            counts[id] = count
        }
        guard !order.isEmpty else { return }
        // An article counts from its draft: one drafted in this batch gets its row with the whole
        // batch's counts; the others add theirs to the row they have (none: nothing to add to).
        let drafted = order.filter { counts[$0]!.draftedAt != nil }, later = order.filter { counts[$0]!.draftedAt == nil }
        if !drafted.isEmpty {
            let c = drafted.map { counts[$0]! }
            try await connection.query("""
                INSERT INTO \(unescaped: schema).articles (article_id, drafted_at, first_published_at, edits, corrections, events)
                SELECT id, drafted_at, CASE WHEN published THEN first_published_at END, edits, corrections, events
                FROM unnest(\(drafted)::uuid[], \(c.map { $0.draftedAt! })::timestamptz[], \(c.map(\.published))::bool[], \(c.map(\.firstPublished))::timestamptz[],
                            \(c.map(\.edits))::int[], \(c.map(\.corrections))::int[], \(c.map(\.events))::int[])
                     AS u(id, drafted_at, published, first_published_at, edits, corrections, events)
                ON CONFLICT (article_id) DO NOTHING
                """, logger: logger)
        }
        if !later.isEmpty {
            let c = later.map { counts[$0]! }
            try await connection.query("""
                UPDATE \(unescaped: schema).articles a SET first_published_at = coalesce(a.first_published_at, CASE WHEN u.published THEN u.first_published_at END),
                    edits = a.edits + u.edits, corrections = a.corrections + u.corrections, events = a.events + u.events
                FROM unnest(\(later)::uuid[], \(c.map(\.published))::bool[], \(c.map(\.firstPublished))::timestamptz[], \(c.map(\.edits))::int[],
                            \(c.map(\.corrections))::int[], \(c.map(\.events))::int[])
                     AS u(article_id, published, first_published_at, edits, corrections, events)
                WHERE a.article_id = u.article_id
                """, logger: logger)
        }
        if !correctionsBy.isEmpty {
            let editors = correctionsBy.keys.sorted()
            try await connection.query("""
                INSERT INTO \(unescaped: schema).corrections_by_editor (editor, corrections) SELECT * FROM unnest(\(editors)::text[], \(editors.map { correctionsBy[$0]! })::int[])
                ON CONFLICT (editor) DO UPDATE SET corrections = corrections_by_editor.corrections + excluded.corrections
                """, logger: logger)
        }
    }

    /// One article's share of a batch.
    struct Counts {
        var draftedAt: Date?
        var firstPublishedAt: Date?
        var edits = 0, corrections = 0, events = 0
        // Arrays cannot hold NULL through the driver: a flag says whether the instant is real.
        var published: Bool { firstPublishedAt != nil }
        var firstPublished: Date { firstPublishedAt ?? Date(timeIntervalSince1970: 0) }
    }
}
