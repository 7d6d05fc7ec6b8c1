import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections
import PostgresNIO

/// A newsroom on a fresh database, with staff whose logins each get their own connection pool, so
/// every event is appended as the person who did it.
public struct TestNewsroom: Sendable {
    public let db: ConnectionSettings
    public let reporters: [String]
    public let editors: [String]
    public let chief: String

    public static func make() async throws -> TestNewsroom {
        let db = try await TestCluster.freshDatabase()
        let suffix = UUID().uuidString.prefix(5).lowercased()
        let room = TestNewsroom(db: db, reporters: ["rep1_\(suffix)", "rep2_\(suffix)"], editors: ["ed1_\(suffix)", "ed2_\(suffix)"], chief: "chief_\(suffix)")
        try await TestCluster.withStore(db) { store in
            let newsroom = Newsroom(store: store)
            for login in room.reporters { try await newsroom.addStaff(login: login, displayName: login, role: .reporter, commandID: UUID()) }
            for login in room.editors { try await newsroom.addStaff(login: login, displayName: login, role: .editor, commandID: UUID()) }
            try await newsroom.addStaff(login: room.chief, displayName: room.chief, role: .chief, commandID: UUID())
        }
        return room
    }

    public func `as`<T: Sendable>(_ login: String, _ body: @Sendable (Newsroom) async throws -> T) async throws -> T {
        try await TestCluster.withStore(db.with(user: login)) { try await body(Newsroom(store: $0)) }
    }

    /// A randomized history: drafts, edits, bylines, images, reviews, publications, corrections,
    /// slug changes, take-downs and spikes, many of them refused by the rules along the way.
    public func randomHistory(articles: Int, seed: UInt64, afterEach: (@Sendable () async throws -> Void)? = nil) async throws -> [ArticleID] {
        var rng = SeededRandom(seed: seed)
        var ids: [ArticleID] = []
        for n in 0..<articles {
            let reporter = reporters.randomElement(using: &rng)!
            let editor = editors.randomElement(using: &rng)!
            let body = (0..<Int.random(in: 1...4, using: &rng)).map { "Paragraf \($0) tentang “kamerad” Putin dan Kim; 'kutipan' \(n)." }.joined(separator: "\n\n")
            let id = try await self.as(reporter) { try await $0.draft(ArticleFields(headline: "Berita \(n) Putin dan Kim", body: body, language: "id"), slug: nil, commandID: UUID()).articleID }
            ids.append(id)
            var steps: [(String, ArticleCommand)] = []
            for e in 0..<Int.random(in: 0...3, using: &rng) { steps.append((reporter, .edit(ArticleFields(summary: "Ringkasan \(e)", tags: ["Rusia", "Korea \(e)"])))) }
            if Bool.random(using: &rng) { steps.append((reporter, .setByline(reporters: [BylineEntry(name: reporter)], wireSource: nil))) } else if Bool.random(using: &rng) { steps.append((reporter, .setByline(reporters: [], wireSource: "REUTERS"))) }
            if Bool.random(using: &rng) {
                steps.append((reporter, .attachImage(mediaID: "lead", url: "https://example.com/\(n).jpg", altText: "Foto \(n)")))
                if Int.random(in: 0..<4, using: &rng) > 0 { steps.append((editor, .attachCaption(mediaID: "lead", caption: "Keterangan \(n)", credit: "REUTERS/Foto"))) }
            }
            steps += [(editor, .assignEditor(login: editor)), (reporter, .submit)]
            if Int.random(in: 0..<5, using: &rng) == 0 { steps += [(editor, .requestChanges(note: "Tambah sumber")), (reporter, .edit(ArticleFields(body: body + "\n\nSumber tambahan."))), (reporter, .submit)] }
            steps.append((editor, .approve))
            if Int.random(in: 0..<6, using: &rng) == 0 { steps.append((reporter, .spike(reason: "duplikat"))) }
            steps.append((editor, .publish(schedule: nil, embargoUntil: nil)))
            if Int.random(in: 0..<3, using: &rng) == 0 { steps.append((editor, .correct(note: "Koreksi \(n)", changes: ArticleFields(headline: "Berita \(n) (dikoreksi)")))) }
            if Int.random(in: 0..<4, using: &rng) == 0 { steps.append((chief, .changeSlug("berita-\(n)-baru"))) }
            if Int.random(in: 0..<6, using: &rng) == 0 { steps.append((chief, .unpublish(reason: "Permintaan hukum"))) }
            if n > 0 && Bool.random(using: &rng) { steps.append((editor, .relate(ArticleReference(articleID: ids[n - 1], title: "Berita \(n - 1)")))) }
            for (login, command) in steps {
                do { _ = try await self.as(login) { try await $0.execute(command, on: id, commandID: UUID()) } } catch is RuleViolation {}
            }
            try await afterEach?()
        }
        return ids
    }

    /// A digest of every table of a schema, row for row.
    /// `statesAsJSON` compares the folded article states as JSON values rather than as text
    /// (which depends on who wrote them).
    public func digest(_ schema: String, statesAsJSON: Bool = false) async throws -> String {
        try await TestCluster.withStore(db) { store in
            var tables: [String] = []
            for try await name in try await store.client.query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = \(schema) AND table_type = 'BASE TABLE' ORDER BY 1", logger: TestCluster.logger).decode(String.self) {
                tables.append(name)
            }
            var parts: [String] = []
            for table in tables {
                let row = statesAsJSON && table == "article_state" ? "(t.article_id, t.state::jsonb, t.version, t.updated_at)" : "t"
                let sql = "SELECT '\(table):' || count(*) || ':' || md5(coalesce(string_agg(\(row)::text, E'\\n' ORDER BY \(row)::text), '')) FROM \(schema).\(table) t"
                for try await part in try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger).decode(String.self) { parts.append(part) }
            }
            return parts.joined(separator: " ")
        }
    }

    /// The schema's indexes, as PostgreSQL describes them, with the schema's name taken out.
    public func indexDefinitions(_ schema: String) async throws -> [String] {
        try await TestCluster.withStore(db) { store in
            var definitions: [String] = []
            let rows = try await store.client.query("SELECT replace(indexdef, \(schema + "."), '') FROM pg_indexes WHERE schemaname = \(schema) ORDER BY indexname", logger: TestCluster.logger)
            for try await definition in rows.decode(String.self) { definitions.append(definition) }
            return definitions
        }
    }

    public func catchUpAll() async throws {
        try await TestCluster.withStore(db) { try await ProjectionRunner(client: $0.client, logger: TestCluster.logger, batchSize: 7).catchUpAll() }
    }
}

public struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
