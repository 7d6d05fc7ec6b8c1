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
    /// 5: the view calls `shown_links` once per row that links to our articles, not once per column.
    public let version = 5
    /// Writes each article's row and state as the batch leaves it.
    public let foldsOnlyLatestBodies = true
    public let publicTables = ["visible_articles", "slugs"]
    public init() {}

    /// The ninjs document is stored as `json`, the text newsroom wrote, checked to be JSON: it is
    /// only ever served whole, and jsonb would parse each document into its binary form on
    /// every write (the model's largest cost in PostgreSQL) and print it back on every read,
    /// with its keys reordered.
    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await states(in: schema).createTable(on: connection, logger: logger)
        for sql in [
            """
            CREATE TABLE \(schema).articles (
                article_id uuid PRIMARY KEY, slug text NOT NULL UNIQUE, headline text NOT NULL, summary text NOT NULL,
                reporters jsonb NOT NULL, wire_source text, editor text, dateline text NOT NULL,
                lead_image jsonb, section text NOT NULL, tags text[] NOT NULL, language text NOT NULL,
                first_published_at timestamptz, last_updated_at timestamptz, visible_from timestamptz NOT NULL,
                embargoed_until timestamptz, corrections jsonb NOT NULL, editors_pick jsonb, related jsonb NOT NULL,
                version integer NOT NULL, ninjs json NOT NULL, links_to_articles boolean NOT NULL)
            """,
            "CREATE TABLE \(schema).slugs (slug text PRIMARY KEY, article_id uuid NOT NULL)",
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
        for sql in Self.visibleArticlesView(in: schema) {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// What readers see. A related link or editor's pick that names one of our articles is
    /// resolved as it is read: it is shown only while that article is visible, under its current
    /// headline. Stored as linked, a link to a draft published the draft's headline, and a link to
    /// an article taken down (or retitled by a correction) kept its old headline on the site.
    /// `references_digest` changes whenever what the links show does, for the ETag, and
    /// `links_change_at` is when a linked article scheduled for later will appear by the clock
    /// alone, for the API's cache.
    ///
    /// Only rows that link to our articles call `shown_links`; the others (outside links alone, as
    /// an imported page has) serve their row as written. Resolved in the view's own SQL instead,
    /// every read planned the whole resolution: pgbench by key read an article without links 3-4
    /// times slower than through the plain filter; this way, 10-20% slower. One call serves every
    /// column, through a lateral subquery that `OFFSET 0` keeps from being folded into each of
    /// them (called per column, an article with links read at half the rate). The function reads the
    /// model's table as its owner, since readers may see only this view, and only a visible
    /// article's own links. It names the table as it will be read: a rebuild's copy is renamed to
    /// the live schema (a function's text, unlike a view, is not bound to the table itself, and an
    /// OID would not survive a dump and restore).
    static func visibleArticlesView(in schema: String) -> [String] {
        let prefix = NinjsDocument.articleURIPrefix
        let isArticle = "e->>'type' = 'text' AND e->>'uri' LIKE '\(prefix)%'"
        let target = "substr(e->>'uri', \(prefix.count + 1))"
        let noLinks = "NOT links_to_articles"
        let shown = "l.shown"
        let articles = "\(Projections.liveName(ofSchema: schema)).articles"
        return [
            """
            CREATE FUNCTION \(schema).shown_links(article uuid) RETURNS jsonb
            LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
            DECLARE a record; targets jsonb; change_at timestamptz; shown_related jsonb; shown_pick jsonb; ninjs jsonb;
            BEGIN
                SELECT r.ninjs, r.related, r.editors_pick INTO a FROM \(articles) r WHERE r.article_id = article AND r.visible_from <= now();
                IF a IS NULL THEN RETURN NULL; END IF;
                SELECT coalesce(jsonb_object_agg(t.article_id::text, t.headline) FILTER (WHERE t.visible_from <= now()), '{}'),
                       min(t.visible_from) FILTER (WHERE t.visible_from > now())
                INTO targets, change_at
                FROM \(articles) t
                WHERE t.article_id IN (SELECT (x->>'articleId')::uuid FROM jsonb_array_elements(a.related || jsonb_build_array(a.editors_pick)) x
                                       WHERE x->>'articleId' <> '');
                shown_pick := CASE WHEN a.editors_pick->>'articleId' = '' THEN a.editors_pick
                                   WHEN targets ? (a.editors_pick->>'articleId') THEN jsonb_set(a.editors_pick, '{title}', targets->(a.editors_pick->>'articleId')) END;
                SELECT coalesce(jsonb_agg(CASE WHEN x->>'articleId' = '' THEN x ELSE jsonb_set(x, '{title}', targets->(x->>'articleId')) END ORDER BY o), '[]')
                INTO shown_related FROM jsonb_array_elements(a.related) WITH ORDINALITY r(x, o) WHERE x->>'articleId' = '' OR targets ? (x->>'articleId');
                SELECT CASE WHEN shown = '[]' THEN a.ninjs::jsonb - 'associations' ELSE jsonb_set(a.ninjs::jsonb, '{associations}', shown) END
                INTO ninjs
                FROM (SELECT coalesce(jsonb_agg(CASE WHEN \(isArticle) THEN jsonb_set(e, '{headlines,0,value}', targets->\(target)) ELSE e END ORDER BY o), '[]') AS shown
                      FROM jsonb_array_elements(a.ninjs::jsonb->'associations') WITH ORDINALITY y(e, o)
                      WHERE NOT (\(isArticle)) OR targets ? \(target)) associations;
                RETURN jsonb_build_object('ninjs', ninjs, 'related', shown_related, 'pick', shown_pick, 'digest', md5(targets::text), 'changeAt', change_at);
            END $$
            """,
            "REVOKE EXECUTE ON FUNCTION \(schema).shown_links(uuid) FROM PUBLIC",
            "GRANT EXECUTE ON FUNCTION \(schema).shown_links(uuid) TO newsroom_reader, newsroom_staff",
            """
            CREATE VIEW \(schema).visible_articles AS
            SELECT article_id, slug, headline, summary, \(body) AS body, reporters, wire_source, editor, dateline, lead_image, section, tags,
                   language, first_published_at, last_updated_at, visible_from, embargoed_until, corrections,
                   CASE WHEN \(noLinks) THEN editors_pick ELSE nullif(\(shown)->'pick', 'null') END AS editors_pick,
                   CASE WHEN \(noLinks) THEN related ELSE \(shown)->'related' END AS related,
                   version,
                   CASE WHEN \(noLinks) THEN ninjs ELSE (\(shown)->'ninjs')::json END AS ninjs,
                   CASE WHEN \(noLinks) THEN NULL ELSE \(shown)->>'digest' END AS references_digest,
                   CASE WHEN \(noLinks) THEN NULL ELSE (\(shown)->>'changeAt')::timestamptz END AS links_change_at
            FROM \(schema).articles
            LEFT JOIN LATERAL (SELECT \(schema).shown_links(article_id) AS shown WHERE links_to_articles OFFSET 0) l ON true
            WHERE visible_from <= now()
            """,
        ]
    }

    public func indexes(in schema: String) -> [String] {
        [
            "CREATE INDEX IF NOT EXISTS articles_visible_from_article_id_idx ON \(schema).articles (visible_from DESC, article_id)",
            "CREATE INDEX IF NOT EXISTS articles_section_visible_from_idx ON \(schema).articles (section, visible_from DESC)",
        ]
    }

    /// Whether the model keeps a row for the article: readers may see it now, or will once its
    /// time comes.
    static func hasRow(_ a: Article) -> Bool {
        (a.status == .published || a.status == .corrected || a.status == .scheduled) && a.visibleFrom != nil && a.slug != nil
    }

    /// An article's body is kept once, in its row's ninjs document (its main body), which is
    /// most of the row's bytes: as a column of its own and in the folded state too, a rebuild
    /// wrote it three times. The view gives readers the column back.
    static let body = "ninjs->'bodies'->0->>'value'"

    /// The folded states leave out the body of an article that has a row: the row holds it.
    func states(in schema: String) -> ArticleStates {
        ArticleStates(schema: schema, bodies: .inRow(table: "articles", body: Self.body, hasRow: Self.hasRow))
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        let (changed, _, states) = try await states(in: schema).stepsLeavingWrite(events, on: connection, logger: logger)
        guard !changed.isEmpty else { return }
        // A slug belongs to the last article in the batch that took it.
        var owner: [String: UUID] = [:]
        var offSite: [UUID] = [], documents: [String] = []
        // The rows' small columns, as the JSON array jsonb_populate_recordset reads (a member
        // left out is NULL).
        var rows = JSONWriter(capacity: changed.count * 1024)
        rows.open("[")
        for item in changed {
            let a = item.article
            let id = item.id.uuid
            for slug in [a.slug].compactMap({ $0 }) + a.previousSlugs { owner[slug] = id }
            guard Self.hasRow(a), let visibleFrom = a.visibleFrom, let slug = a.slug else {
                offSite.append(id)
                continue
            }
            rows.row(a, id: item.id, slug: slug, visibleFrom: visibleFrom, version: item.version)
            documents.append(NinjsDocument.text(a, id: item.id, version: item.version))
        }
        rows.close("]")
        let claimed = owner.keys.sorted()
        // One statement per batch: the folded states, the slugs, the articles gone from the site
        // (never one of the rows inserted, so no row is touched twice) and the rows. The ninjs
        // documents travel as an array beside the rest: inside the rows' JSON, each would be
        // parsed, printed and parsed again.
        try await connection.query("""
            WITH states AS (\(upserting: states)),
            slugs AS (
                INSERT INTO \(unescaped: schema).slugs (slug, article_id) SELECT * FROM unnest(\(claimed)::text[], \(UUIDArray(claimed.map { owner[$0]! }))::uuid[])
                ON CONFLICT (slug) DO UPDATE SET article_id = excluded.article_id),
            gone AS (DELETE FROM \(unescaped: schema).articles WHERE article_id = ANY(\(UUIDArray(offSite))))
            INSERT INTO \(unescaped: schema).articles
            SELECT r.article_id, r.slug, r.headline, r.summary, r.reporters, r.wire_source, r.editor, r.dateline, r.lead_image,
                   r.section, r.tags, r.language, r.first_published_at, r.last_updated_at, r.visible_from, r.embargoed_until, r.corrections,
                   r.editors_pick, r.related, r.version, document.ninjs::json, r.links_to_articles
            FROM jsonb_populate_recordset(NULL::\(unescaped: schema).articles, \(rows.text)::jsonb) WITH ORDINALITY AS r
            JOIN unnest(\(documents)::text[]) WITH ORDINALITY AS document(ninjs, ordinality) USING (ordinality)
            ON CONFLICT (article_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline, summary = excluded.summary,
                reporters = excluded.reporters, wire_source = excluded.wire_source, editor = excluded.editor,
                dateline = excluded.dateline, lead_image = excluded.lead_image, section = excluded.section, tags = excluded.tags,
                language = excluded.language, first_published_at = excluded.first_published_at, last_updated_at = excluded.last_updated_at,
                visible_from = excluded.visible_from, embargoed_until = excluded.embargoed_until, corrections = excluded.corrections,
                editors_pick = excluded.editors_pick, related = excluded.related, version = excluded.version, ninjs = excluded.ninjs,
                links_to_articles = excluded.links_to_articles
            """, logger: logger)
    }
}

private extension JSONWriter {
    /// An article's row in the published model, but for its body and ninjs document.
    mutating func row(_ a: Article, id: ArticleID, slug: String, visibleFrom: Date, version: Int) {
        open("{")
        field("article_id", id.description)
        field("slug", slug)
        field("headline", a.headline)
        field("summary", a.summary)
        field("reporters", a.reporters)
        field("wire_source", a.wireSource)
        field("editor", a.editor)
        field("dateline", a.dateline)
        if let image = a.images.first {
            key("lead_image")
            open("{")
            field("alt", image.altText)
            field("caption", image.caption ?? "")
            field("credit", image.credit ?? "")
            field("mediaId", image.mediaID)
            field("url", image.url)
            close("}")
        }
        field("section", a.section)
        field("tags", a.tags)
        field("language", a.language)
        field("first_published_at", a.firstPublication.map(Instant.format))
        field("last_updated_at", a.lastPublishedChange.map(Instant.format))
        field("visible_from", Instant.format(visibleFrom))
        field("embargoed_until", a.embargoUntil.map { Instant.format($0.instant) })
        key("corrections")
        open("[")
        for correction in a.corrections {
            open("{")
            field("at", Instant.format(correction.at))
            field("fields", correction.fields)
            field("note", correction.note)
            close("}")
        }
        close("]")
        if let pick = a.editorsPick { key("editors_pick"); reference(pick) }
        key("related")
        open("[")
        for related in a.related { reference(related) }
        close("]")
        field("version", version)
        field("links_to_articles", a.related.contains { $0.articleID != nil } || a.editorsPick?.articleID != nil)
        close("}")
    }

    mutating func reference(_ r: ArticleReference) {
        open("{")
        field("articleId", r.articleID?.description ?? "")
        field("title", r.title)
        field("url", r.url ?? "")
        close("}")
    }
}
