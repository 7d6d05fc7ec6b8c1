import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// What the public site serves: one row per published (or scheduled, or embargoed) article, with
/// everything a page needs and its ninjs document precomputed. Drafts, spiked and unpublished
/// articles have no row; readers go through the `visible_articles` view, which also hides what is
/// scheduled or embargoed until its time. Every slug an article ever had resolves through `slugs`.
public struct PublishedArticlesProjection: Projection {
    public let name = "published"
    public let version = 1
    public let publicTables = ["visible_articles", "slugs"]
    public init() {}

    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await ArticleStates(schema: schema).createTable(on: connection, logger: logger)
        for sql in [
            """
            CREATE TABLE \(schema).articles (
                article_id uuid PRIMARY KEY, slug text NOT NULL UNIQUE, headline text NOT NULL, summary text NOT NULL,
                body text NOT NULL, reporters jsonb NOT NULL, wire_source text, editor text, dateline text NOT NULL,
                lead_image jsonb, section text NOT NULL, tags text[] NOT NULL, language text NOT NULL,
                first_published_at timestamptz, last_updated_at timestamptz, visible_from timestamptz NOT NULL,
                embargoed_until timestamptz, corrections jsonb NOT NULL, editors_pick jsonb, related jsonb NOT NULL,
                version integer NOT NULL, ninjs jsonb NOT NULL)
            """,
            "CREATE INDEX ON \(schema).articles (visible_from DESC, article_id)",
            "CREATE INDEX ON \(schema).articles (section, visible_from DESC)",
            "CREATE TABLE \(schema).slugs (slug text PRIMARY KEY, article_id uuid NOT NULL)",
            "CREATE VIEW \(schema).visible_articles AS SELECT * FROM \(schema).articles WHERE visible_from <= now()",
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        for changed in try await ArticleStates(schema: schema).fold(events, on: connection, logger: logger) {
            let a = changed.article
            let id = changed.id.uuid
            for slug in [a.slug].compactMap({ $0 }) + a.previousSlugs {
                try await connection.query("INSERT INTO \(unescaped: schema).slugs (slug, article_id) VALUES (\(slug), \(id)) ON CONFLICT (slug) DO UPDATE SET article_id = excluded.article_id", logger: logger)
            }
            let onSite = a.status == .published || a.status == .corrected || a.status == .scheduled
            guard onSite, let visibleFrom = a.visibleFrom, let slug = a.slug else {
                try await connection.query("DELETE FROM \(unescaped: schema).articles WHERE article_id = \(id)", logger: logger)
                continue
            }
            let ninjs = NinjsDocument.json(NinjsDocument.make(a, id: changed.id, version: changed.version))
            let lead = a.images.first.map { image in
                NinjsDocument.json(["mediaId": image.mediaID, "url": image.url, "alt": image.altText, "caption": image.caption ?? "", "credit": image.credit ?? ""])
            }
            let reporters = NinjsDocument.json(["list": a.reporters.map { ["name": $0.name, "role": $0.role] }])
            let corrections = NinjsDocument.json(["list": a.corrections.map { ["note": $0.note, "at": Instant.format($0.at), "fields": $0.fields] as [String: Any] }])
            let related = NinjsDocument.json(["list": a.related.map { ["title": $0.title, "articleId": $0.articleID?.description ?? "", "url": $0.url ?? ""] }])
            let pick = a.editorsPick.map { NinjsDocument.json(["title": $0.title, "articleId": $0.articleID?.description ?? "", "url": $0.url ?? ""]) }
            try await connection.query("""
                INSERT INTO \(unescaped: schema).articles (article_id, slug, headline, summary, body, reporters, wire_source, editor, dateline,
                    lead_image, section, tags, language, first_published_at, last_updated_at, visible_from, embargoed_until,
                    corrections, editors_pick, related, version, ninjs)
                VALUES (\(id), \(slug), \(a.headline), \(a.summary), \(a.body), \(reporters)::jsonb -> 'list', \(a.wireSource), \(a.editor), \(a.dateline),
                    \(lead)::jsonb, \(a.section), \(a.tags), \(a.language), \(a.firstPublishedAt ?? a.schedule?.instant), \(a.lastUpdatedAt ?? a.firstPublishedAt ?? a.schedule?.instant),
                    \(visibleFrom), \(a.embargoUntil?.instant), \(corrections)::jsonb -> 'list', \(pick)::jsonb, \(related)::jsonb -> 'list', \(changed.version), \(ninjs)::jsonb)
                ON CONFLICT (article_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline, summary = excluded.summary,
                    body = excluded.body, reporters = excluded.reporters, wire_source = excluded.wire_source, editor = excluded.editor,
                    dateline = excluded.dateline, lead_image = excluded.lead_image, section = excluded.section, tags = excluded.tags,
                    language = excluded.language, first_published_at = excluded.first_published_at, last_updated_at = excluded.last_updated_at,
                    visible_from = excluded.visible_from, embargoed_until = excluded.embargoed_until, corrections = excluded.corrections,
                    editors_pick = excluded.editors_pick, related = excluded.related, version = excluded.version, ninjs = excluded.ninjs
                """, logger: logger)
        }
    }
}
