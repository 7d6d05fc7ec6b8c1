import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// What the public read API may ask: only the published model's visible view, slugs, and lag.
extension ReadModels {
    public struct PublishedArticle: Sendable {
        public var articleID: UUID
        public var slug: String
        public var ninjs: String
        public var version: Int
        public var lastModified: Date
        public var visibleFrom: Date
        /// Set when the article links to others of ours: changes whenever which of them are shown,
        /// or under what headline, changes, though this article's version does not.
        public var referencesDigest: String?
        /// When an article it links to, scheduled for later, will appear in it by the clock alone.
        public var linksChangeAt: Date?
    }

    public enum SlugLookup: Sendable {
        case found(PublishedArticle)
        case moved(to: String)
        case notFound
    }

    static let publishedColumns = "article_id, slug, ninjs::text, version, coalesce(last_updated_at, visible_from), visible_from, references_digest, links_change_at"

    static func decodePublished(_ rows: PostgresRowSequence) async throws -> [PublishedArticle] {
        var articles: [PublishedArticle] = []
        for try await (id, slug, ninjs, version, modified, visible, digest, linksChange) in rows.decode((UUID, String, String, Int, Date, Date, String?, Date?).self) {
            articles.append(PublishedArticle(articleID: id, slug: slug, ninjs: ninjs, version: version, lastModified: modified, visibleFrom: visible,
                                             referencesDigest: digest, linksChangeAt: linksChange))
        }
        return articles
    }

    /// The article from memory, when the cache may serve it without asking the database.
    public func cachedPublished(slug: String) -> PublishedArticle? {
        articleCache?.peek(slug)
    }

    /// A visible article by its current slug, or where a former slug now points.
    public func published(slug: String) async throws -> SlugLookup {
        if let cache = articleCache {
            switch cache.lookup(slug) {
            case .hit(let article): return .found(article)
            case .miss: break
            case .validate:
                try await validate(cache)
                if let article = cache.justValidated(slug) { return .found(article) }
            }
        }
        let token = articleCache?.readToken
        let rows = try await client.query("SELECT \(unescaped: Self.publishedColumns) FROM published.visible_articles WHERE slug = \(slug)", logger: logger)
        if let article = try await Self.decodePublished(rows).first {
            articleCache?.store(article, slug: slug, readUnder: token)
            return .found(article)
        }
        let moved = try await client.query("""
            SELECT a.slug FROM published.slugs s JOIN published.visible_articles a ON a.article_id = s.article_id WHERE s.slug = \(slug)
            """, logger: logger)
        for try await current in moved.decode(String.self) { return .moved(to: current) }
        return .notFound
    }

    /// Asks where the published model stands; the cache keeps its articles only if it has not moved.
    func validate(_ cache: PublishedArticleCache) async throws {
        let asked = ContinuousClock.now
        do {
            var state = "absent"
            let rows = try await client.query("""
                SELECT transaction_id || '/' || position || '/' || events_applied || '/' || version || '/' || updated_at::text
                FROM projection_checkpoints WHERE schema_name = 'published'
                """, logger: logger)
            for try await text in rows.decode(String.self) { state = text }
            cache.validated(modelState: state, at: asked)
        } catch {
            cache.validationFailed()
            throw error
        }
    }

    /// Latest first; the cursor is the last item's (visible_from, article_id).
    public func publishedList(section: String?, language: String?, limit: Int, after cursor: (Date, UUID)?) async throws -> [PublishedArticle] {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.publishedColumns) FROM published.visible_articles
            WHERE (\(section)::text IS NULL OR section = \(section)) AND (\(language)::text IS NULL OR language = \(language))
              AND (\(cursor?.0)::timestamptz IS NULL OR (visible_from, article_id) < (\(cursor?.0), \(cursor?.1)))
            ORDER BY visible_from DESC, article_id DESC LIMIT \(limit)
            """, logger: logger)
        return try await Self.decodePublished(rows)
    }

    /// The article a slug names, current or former, among articles ever published.
    public func articleID(slug: String) async throws -> UUID? {
        for try await id in try await client.query("SELECT article_id FROM published.slugs WHERE slug = \(slug)", logger: logger).decode(UUID.self) { return id }
        return nil
    }

    /// What a presented bearer secret is worth for the audit endpoint.
    public enum AuditAccess: Sendable, Equatable {
        /// No valid token exists at all, and none was presented: the endpoint is switched off.
        case off
        /// No secret, or one that was revoked, never issued, or whose holder is no longer an editor.
        case refused
        case granted(holder: String, role: String)
    }

    public func auditAccess(presenting secret: String?) async throws -> AuditAccess {
        let rows = try await client.query("""
            SELECT EXISTS (SELECT 1 FROM access.valid_tokens), v.holder, v.role
            FROM (SELECT 1) one LEFT JOIN access.valid_tokens v ON v.digest = encode(sha256(convert_to(\(secret ?? ""), 'UTF8')), 'hex')
            """, logger: logger)
        for try await (any, holder, role) in rows.decode((Bool, String?, String?).self) {
            // A presented token is judged even when none is valid: "revoked" says more than "off".
            guard any else { return secret == nil ? .off : .refused }
            guard secret != nil, let holder, let role else { return .refused }
            return .granted(holder: holder, role: role)
        }
        return .off
    }

    /// How far each read model is behind the log, and whether a follower is keeping them current.
    public struct Lag: Sendable {
        public var projections: [(projection: String, events: Int, seconds: Double)] = []
        /// False when no `projections run` (or `serve --with-projector`) follows the log: the
        /// models then move only when a command that reads them catches them up.
        public var followerRunning = false
    }

    public func lag() async throws -> Lag {
        var result = Lag()
        let query = PostgresQuery(unsafeSQL: "SELECT projection, lag_events, lag_seconds, \(ProjectionFollower.isRunningSQL) FROM projection_lag()")
        for try await (name, events, seconds, running) in try await client.query(query, logger: logger).decode((String, Int64, Double, Bool).self) {
            result.projections.append((name, Int(events), seconds))
            result.followerRunning = running
        }
        return result
    }
}
