import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// Read models that need whole articles fold the article events with the domain's own `evolve`,
/// keeping each article's state in a private table of their schema.
struct ArticleStates {
    let schema: String
    var bodies: Bodies = .inState

    /// Where the body of a stored state is kept. The body is most of an article's bytes, so a
    /// state that carries it beside a row that carries it too writes them twice.
    enum Bodies: Sendable {
        /// In the state.
        case inState
        /// Nowhere: the read model never shows the body, and no later event's fold reads it.
        case dropped
        /// In the read model's `table` row for the article (as the SQL expression `body` over
        /// it), whenever `hasRow` says the model writes one for the state; the state leaves it
        /// out then. Reading a state back takes the body from the row. The state and the row
        /// are written in one statement, so the row's body is the state's.
        case inRow(table: String, body: String, hasRow: @Sendable (Article) -> Bool)
    }

    func createTable(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).article_state (article_id uuid PRIMARY KEY, state text NOT NULL, version integer NOT NULL, updated_at timestamptz NOT NULL)"), logger: logger)
    }

    struct Changed {
        var id: ArticleID
        var article: Article
        var version: Int
        var updatedAt: Date
    }

    /// One article event with what the audit shows of the article as it stood right after it.
    /// Not the whole article: a copy of it per event retained and released every one of its
    /// fields, for the three the audit reads.
    struct Step {
        var position: Int64
        var id: ArticleID
        var event: ArticleEvent
        var headline: String
        var hasReporterByline: Bool
        var wireSource: String?
    }

    /// Folds the batch's article events into the stored states, writing them in a statement of
    /// their own; returns the articles that changed.
    func fold(_ events: [RecordedEvent], on connection: PostgresConnection, logger: Logger) async throws -> [Changed] {
        let (changed, _, rows) = try await stepsLeavingWrite(events, on: connection, logger: logger)
        if !rows.ids.isEmpty { try await connection.query("\(upserting: rows)", logger: logger) }
        return changed
    }

    /// The folded states a batch must store, column by column.
    struct Rows: Sendable {
        var schema: String
        var ids: [UUID] = [], states: [String] = [], versions: [Int] = [], updatedAt: [Date] = []
    }

    /// The batch folded in memory: one read of the states it touches, whatever the batch's size
    /// (a statement per event made rebuilds crawl), and, when `keepingSteps`, each article event
    /// with what the audit shows of the article right after it. The states' write is left to the
    /// caller, who sends it inside its own statement (`\(upserting: rows)` in a WITH): one round
    /// trip fewer per batch. The write must happen in the batch's transaction.
    func stepsLeavingWrite(_ events: [RecordedEvent], keepingSteps: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> (changed: [Changed], steps: [Step], rows: Rows) {
        // Each article event with its article and decoded event, found once. A record is looked
        // up by its position, not copied: a copy of each retained and released all its strings.
        let shared = DecodedArticleEvents.current
        var articleEvents: [(index: Int, decoded: DecodedArticleEvents.Decoded)] = []
        articleEvents.reserveCapacity(events.count)
        for index in events.indices {
            if let decoded = try shared?.decoded(at: events[index].position) ?? DecodedArticleEvents.article(of: events[index]) {
                articleEvents.append((index, decoded))
            }
        }
        guard !articleEvents.isEmpty else { return ([], [], Rows(schema: schema)) }
        // An article whose first event here is its stream's first has no state yet; the live
        // follower remembers the others it wrote last (ArticleStateCache). The rest are read.
        var firstVersion: [UUID: Int] = [:]
        for item in articleEvents.indices where firstVersion[articleEvents[item].decoded.id] == nil {
            firstVersion[articleEvents[item].decoded.id] = events[articleEvents[item].index].streamVersion
        }
        let cache = ArticleStateCache.batch
        var states = cache?.cached(firstVersion.keys, in: schema) ?? [:]
        let unknown = firstVersion.filter { states[$0.key] == nil && $0.value > 1 }.map(\.key)
        if !unknown.isEmpty {
            // A state stored without its body takes it back from the row that holds it.
            var body = "NULL::text", join = ""
            if case .inRow(let table, let expression, _) = bodies {
                (body, join) = ("r.\(expression)", "LEFT JOIN \(schema).\(table) r ON r.article_id = s.article_id")
            }
            let rows = try await connection.query("SELECT s.article_id, s.state::text, \(unescaped: body) FROM \(unescaped: schema).article_state s \(unescaped: join) WHERE s.article_id = ANY(\(UUIDArray(unknown)))", logger: logger)
            let decoder = JSONDecoder.projection
            for try await (id, json, body) in rows.decode((UUID, String, String?).self) {
                var state = try decoder.decode(Article.self, from: Data(json.utf8))
                if state.body.isEmpty, let body { state.body = body }
                states[id] = state
            }
        }
        // Each article's last version and instant in the batch; its state is the folded one.
        var last: [UUID: (version: Int, at: Date)] = [:]
        var steps: [Step] = []
        if keepingSteps { steps.reserveCapacity(articleEvents.count) }
        for item in articleEvents.indices {
            let (index, id) = (articleEvents[item].index, articleEvents[item].decoded.id)
            // Taken out and handed over (evolve consumes its state): the article is then the only
            // owner of its strings and arrays, so the fold neither retains them all nor copies an
            // array it appends to.
            let next = ArticleDecider.evolve(states.removeValue(forKey: id) ?? ArticleDecider.initialState, articleEvents[item].decoded.event)
            if keepingSteps {
                steps.append(Step(position: events[index].position, id: ArticleID(id), event: articleEvents[item].decoded.event, headline: next.headline,
                                  hasReporterByline: !next.reporters.isEmpty, wireSource: next.wireSource))
            }
            states[id] = next
            last[id] = (events[index].streamVersion, events[index].recordedAt)
        }
        // Every writer of these rows takes them in the same order (the ids' bytes), so two batches
        // never wait on each other's rows in a cycle.
        let sorted = last.map { id, last in Changed(id: ArticleID(id), article: states[id]!, version: last.version, updatedAt: last.at) }
            .sorted { $0.id.uuid.precedes($1.id.uuid) }
        var stored: [UUID: Article] = [:]
        let jsons = sorted.map { changed in
            var state = changed.article
            if case .dropped = bodies { state.body = "" }
            // The cache hands states back to the fold, which needs the body a row holds.
            if cache != nil { stored[changed.id.uuid] = state }
            if case .inRow(_, _, let hasRow) = bodies, hasRow(state) { state.body = "" }
            return ArticleStateJSON.encode(state)
        }
        // The cache keeps them only once the batch commits, whoever sends the write.
        cache?.wrote(stored, in: schema)
        return (sorted, steps, Rows(schema: schema, ids: sorted.map(\.id.uuid), states: jsons, versions: sorted.map(\.version), updatedAt: sorted.map(\.updatedAt)))
    }

    /// The article `stream` belongs to, if it is an article's.
    static func articleID(of stream: StreamID) -> UUID? {
        let stream = stream.rawValue
        guard stream.hasPrefix("article-") else { return nil }
        return UUID(hexText: stream.dropFirst("article-".count))
    }
}

extension PostgresQuery.StringInterpolation {
    /// The upsert of a batch's folded states, as a statement of its own or inside a caller's WITH.
    mutating func appendInterpolation(upserting rows: ArticleStates.Rows) {
        appendLiteral("INSERT INTO \(rows.schema).article_state (article_id, state, version, updated_at) SELECT * FROM unnest(")
        appendInterpolation(UUIDArray(rows.ids))
        appendLiteral("::uuid[], ")
        appendInterpolation(rows.states)
        appendLiteral("::text[], ")
        appendInterpolation(rows.versions)
        appendLiteral("::int[], ")
        appendInterpolation(rows.updatedAt)
        appendLiteral("::timestamptz[]) ON CONFLICT (article_id) DO UPDATE SET state = excluded.state, version = excluded.version, updated_at = excluded.updated_at")
    }
}

extension UUID {
    /// Byte order, which is also the order of the ids' text.
    func precedes(_ other: UUID) -> Bool {
        withUnsafeBytes(of: uuid) { lhs in withUnsafeBytes(of: other.uuid) { rhs in lhs.lexicographicallyPrecedes(rhs) } }
    }
}

extension JSONEncoder {
    static var projection: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }
}

extension JSONDecoder {
    static var projection: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
