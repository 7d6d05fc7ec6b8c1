import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// The questions the interfaces ask of the read models.
public struct ReadModels: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Where the public API keeps the articles it served (see `published(slug:)`); nil reads
    /// every article from the database.
    public let articleCache: PublishedArticleCache?

    public init(client: PostgresClient, logger: Logger = .quiet("newsroom.readmodels"), articleCache: PublishedArticleCache? = nil) {
        self.client = client
        self.logger = logger
        self.articleCache = articleCache
    }

    // MARK: Desk

    public struct QueueItem: Sendable {
        public var articleID: UUID, slug: String, headline: String, status: String
        public var author: String?, editor: String?, missing: [String], updatedAt: Date, version: Int
    }

    public func deskQueue(status: String?, editor: String?) async throws -> [QueueItem] {
        let rows = try await client.query("""
            SELECT article_id, slug, headline, status, author, editor, missing, updated_at, version FROM desk.queue
            WHERE (\(status)::text IS NULL OR status = \(status)) AND (\(editor)::text IS NULL OR editor = \(editor))
            ORDER BY updated_at DESC
            """, logger: logger)
        var items: [QueueItem] = []
        for try await (id, slug, headline, state, author, editor, missing, updated, version) in rows.decode((UUID, String, String, String, String?, String?, [String], Date, Int).self) {
            items.append(QueueItem(articleID: id, slug: slug, headline: headline, status: state, author: author, editor: editor, missing: missing, updatedAt: updated, version: version))
        }
        return items
    }

    // MARK: Published

    /// The ninjs document of a published article as readers may see it now (nil when not visible).
    public func ninjs(articleID: UUID) async throws -> String? {
        let rows = try await client.query("SELECT ninjs::text FROM published.visible_articles WHERE article_id = \(articleID)", logger: logger)
        for try await json in rows.decode(String.self) { return json }
        return nil
    }

    // MARK: Audit

    public struct AuditEntry: Sendable {
        public var position: Int64, recordedAt: Date, actor: String, articleID: UUID?, headline: String?
        public var action: String, summary: String, details: String
    }

    public struct AuditFilter: Sendable {
        public var articleID: UUID?, actor: String?, action: String?, since: Date?, until: Date?, limit: Int
        /// Paging: only entries after this log position (entries come in log order).
        public var after: Int64?
        /// The last `limit` matching entries instead of the first, still in log order: a person
        /// asking who did what wants this week's entries, not the trail's first thousand.
        public var latest: Bool
        public init(articleID: UUID? = nil, actor: String? = nil, action: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 1000, after: Int64? = nil, latest: Bool = false) {
            self.articleID = articleID; self.actor = actor; self.action = action; self.since = since; self.until = until; self.limit = limit; self.after = after
            self.latest = latest
        }
    }

    public func audit(_ filter: AuditFilter) async throws -> [AuditEntry] {
        let rows = try await client.query("""
            SELECT position, recorded_at, actor, article_id, headline, action, summary, details::text FROM audit.entries
            WHERE (\(filter.articleID)::uuid IS NULL OR article_id = \(filter.articleID))
              AND (\(filter.actor)::text IS NULL OR actor = \(filter.actor))
              AND (\(filter.action)::text IS NULL OR action = \(filter.action))
              AND (\(filter.since)::timestamptz IS NULL OR recorded_at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR recorded_at <= \(filter.until))
              AND (\(filter.after)::bigint IS NULL OR position > \(filter.after))
            ORDER BY position \(unescaped: filter.latest ? "DESC" : "ASC") LIMIT \(filter.limit)
            """, logger: logger)
        var entries: [AuditEntry] = []
        for try await (position, at, actor, article, headline, action, summary, details) in rows.decode((Int64, Date, String, UUID?, String?, String, String, String).self) {
            entries.append(AuditEntry(position: position, recordedAt: at, actor: actor, articleID: article, headline: headline, action: action, summary: summary, details: details))
        }
        return filter.latest ? entries.reversed() : entries
    }

    /// A report's cell: instants stay instants, for the caller to show in the reader's zone.
    public enum ReportValue: Sendable, Equatable {
        case text(String)
        case instant(Date)
    }

    /// Ready-made reports: time from draft to first publication, corrections per editor, and
    /// articles published without a reporter byline.
    public func report(_ name: String, since: Date?, until: Date?) async throws -> (columns: [String], rows: [[ReportValue]]) {
        switch name {
        case "time-to-publish":
            let rows = try await client.query("""
                SELECT d.article_id::text, coalesce(p.headline, ''), d.recorded_at, p.recorded_at,
                       extract(epoch FROM p.recorded_at - d.recorded_at)::float8
                FROM audit.entries d
                JOIN LATERAL (SELECT recorded_at, headline FROM audit.entries p WHERE p.article_id = d.article_id
                              AND p.action IN ('published', 'scheduled') ORDER BY recorded_at LIMIT 1) p ON true
                WHERE d.action = 'drafted'
                  AND (\(since)::timestamptz IS NULL OR p.recorded_at >= \(since)) AND (\(until)::timestamptz IS NULL OR p.recorded_at <= \(until))
                ORDER BY p.recorded_at
                """, logger: logger)
            var out: [[ReportValue]] = []
            for try await (id, headline, drafted, published, seconds) in rows.decode((String, String, Date, Date, Double).self) {
                out.append([.text(id), .text(headline), .instant(drafted), .instant(published), .text(String(format: "%.0f", seconds))])
            }
            return (["article", "headline", "drafted_at", "published_at", "seconds_to_publish"], out)
        case "corrections":
            let rows = try await client.query("""
                SELECT actor, count(*)::bigint, count(DISTINCT article_id)::bigint FROM audit.entries WHERE action = 'corrected'
                  AND (\(since)::timestamptz IS NULL OR recorded_at >= \(since)) AND (\(until)::timestamptz IS NULL OR recorded_at <= \(until))
                GROUP BY actor ORDER BY 2 DESC, 1
                """, logger: logger)
            var out: [[ReportValue]] = []
            for try await (actor, corrections, articles) in rows.decode((String, Int64, Int64).self) { out.append([.text(actor), .text(String(corrections)), .text(String(articles))]) }
            return (["editor", "corrections", "articles"], out)
        case "no-byline":
            let rows = try await client.query("""
                SELECT article_id::text, coalesce(headline, ''), recorded_at, actor, coalesce(details->>'wireSource', '') FROM audit.entries
                WHERE action IN ('published', 'scheduled') AND details->>'reporterByline' = 'false'
                  AND (\(since)::timestamptz IS NULL OR recorded_at >= \(since)) AND (\(until)::timestamptz IS NULL OR recorded_at <= \(until))
                ORDER BY recorded_at
                """, logger: logger)
            var out: [[ReportValue]] = []
            for try await (id, headline, at, actor, source) in rows.decode((String, String, Date, String, String).self) {
                out.append([.text(id), .text(headline), .instant(at), .text(actor), .text(source)])
            }
            return (["article", "headline", "published_at", "published_by", "wire_source"], out)
        default:
            throw ProjectionRunner.Failure(description: "There is no report \"\(name)\". Reports: time-to-publish, corrections, no-byline.")
        }
    }
}
