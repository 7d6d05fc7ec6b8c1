import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("Archive export and import")
struct ArchiveImportTests {
    static func temporaryFile(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString).ndjson").path
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func export(_ db: ConnectionSettings) async throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).ndjson").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        _ = try await TestCluster.withStore(db) { try await ArchiveExporter(store: $0).export(to: handle) }
        try handle.close()
        return path
    }

    @Test("an exported history imported into another newsroom has the same events, the same hash chain, the same slugs and the same published articles")
    func roundTrip() async throws {
        let source = try await TestNewsroom.make()
        let ids = try await source.randomHistory(articles: 24, seed: 11)
        try await source.catchUpAll()
        let archive = try await Self.export(source.db)

        let target = try await TestNewsroom.make()
        // The archive is most of the target's log: its read models are rebuilt from one read.
        let report = try await TestCluster.withStore(target.db) { try await ArchiveImporter(store: $0).importArchive(atPath: archive, commandID: UUID(), catchingUp: true) }
        #expect(report.articles == ids.count)
        #expect(report.readModelsSeconds != nil)

        let events = "SELECT string_agg(concat_ws('|', stream_id, stream_version, event_id, event_type, schema_version, payload::text, metadata::text, actor, recorded_at, encode(hash, 'hex'), sets_article_body), E'\\n' ORDER BY stream_id, stream_version) FROM events WHERE stream_id LIKE 'article-%'"
        #expect(try await TestCluster.rows(source.db, events) == (try await TestCluster.rows(target.db, events)))
        #expect(report.articleEvents == Int(try await TestCluster.rows(source.db, "SELECT count(*)::text FROM events WHERE stream_id LIKE 'article-%'")[0]))
        #expect(try await TestCluster.rows(target.db, "SELECT count(*)::text FROM verify_event_chains(10)") == ["0"])

        // Every slug an article took is reserved for it again (old slugs keep resolving).
        let slugs = "SELECT string_agg(stream_id || '=' || (payload->>'articleID'), ',' ORDER BY stream_id) FROM events WHERE stream_id LIKE 'slug-%' AND payload->>'articleID' IN (SELECT payload->>'articleID' FROM events WHERE event_type = 'ArticleDrafted')"
        #expect(try await TestCluster.rows(source.db, slugs) == (try await TestCluster.rows(target.db, slugs)))
        #expect(report.slugsReserved == Int(try await TestCluster.rows(target.db, "SELECT count(*)::text FROM events WHERE stream_id LIKE 'slug-%'")[0]))

        let published = "SELECT coalesce(string_agg(slug || ' ' || ninjs::text, E'\\n' ORDER BY slug), '') FROM published.visible_articles"
        let served = try await TestCluster.rows(source.db, published)
        #expect(served.first?.isEmpty == false)
        #expect(served == (try await TestCluster.rows(target.db, published)))
        let audit = "SELECT string_agg(concat_ws('|', recorded_at, actor, stream_id, stream_version, action, summary), E'\\n' ORDER BY stream_id, stream_version) FROM audit.entries WHERE stream_id LIKE 'article-%'"
        #expect(try await TestCluster.rows(source.db, audit) == (try await TestCluster.rows(target.db, audit)))

        // The imported history is live: the target's own staff carry on with it through the rules.
        let visible = try #require(try await TestCluster.rows(target.db, "SELECT article_id::text FROM published.visible_articles ORDER BY slug LIMIT 1").first)
        let id = try #require(ArticleID(visible))
        let corrected = try await target.as(target.chief) { newsroom in
            try await newsroom.execute(.correct(note: "Koreksi setelah impor", changes: ArticleFields(headline: "Judul baru")), on: id, commandID: UUID())
        }
        #expect(corrected.events.count == 1)

        // The same archive again is refused as a whole.
        do {
            _ = try await TestCluster.withStore(target.db) { try await ArchiveImporter(store: $0).importArchive(atPath: archive, commandID: UUID()) }
            Issue.record("a second import of the same archive was accepted")
        } catch let error as EventStoreError {
            #expect(error.code == .streamExists)
        }
    }

    static func line(_ stream: String, _ type: String, _ payload: String, actor: String = "rina", at: String = "2023-09-14T08:00:00Z", extra: String = "") -> String {
        #"{"stream":"\#(stream)","type":"\#(type)","actor":"\#(actor)","recordedAt":"\#(at)","payload":\#(payload)\#(extra)}"#
    }

    static func drafted(_ id: ArticleID, slug: String) -> String {
        line("article-\(id)", "ArticleDrafted", #"{"articleID":"\#(id)","author":"rina","slug":"\#(slug)","fields":{"headline":"Judul","body":"Isi"}}"#)
    }

    @Test("lines are found wherever they end: across the importer's 1 MB reads, after CRLF, among blank lines, and at the end without a newline")
    func lineEndings() async throws {
        let room = try await TestNewsroom.make()
        let ids = (0..<3).map { _ in ArticleID() }
        // Bodies of 150 to 425 KB: a few lines to a read, so most reads end inside a line.
        var lines: [String] = []
        var expected: [Int] = []
        for (index, id) in ids.enumerated() {
            lines.append(Self.drafted(id, slug: "panjang-\(index)"))
            expected.append(3)
            for edit in 0..<4 {
                let size = 150_000 + (index * 4 + edit) * 25_000
                lines.append(Self.line("article-\(id)", "ArticleEdited", #"{"body":"\#(String(repeating: "k", count: size - 1))Z"}"#))
                expected.append(size)
            }
        }
        let text = lines.enumerated().map { index, line in index % 3 == 0 ? line + "\r\n\r\n  \t\n" : line + "\n" }.joined().dropLast()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString).ndjson").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(text.utf8.count > 3 << 20)

        let report = try await TestCluster.withStore(room.db) { try await ArchiveImporter(store: $0).importArchive(atPath: path, commandID: UUID()) }
        #expect((report.articles, report.articleEvents, report.slugsReserved) == (3, 15, 3))
        let sizes = try await TestCluster.rows(room.db, """
            SELECT coalesce(length(payload->>'body'), length(payload->'fields'->>'body'))::text FROM events
            WHERE stream_id LIKE 'article-%' ORDER BY position
            """)
        #expect(sizes == expected.map(String.init))
        #expect(try await TestCluster.rows(room.db, "SELECT count(*)::text FROM events WHERE right(payload->>'body', 1) = 'Z'") == ["12"])
    }

    @Test("a bad line is reported by number with what is wrong, and nothing of the archive is kept")
    func badLinesImportNothing() async throws {
        let room = try await TestNewsroom.make()
        let (a, b) = (ArticleID(), ArticleID())
        let good = [Self.drafted(a, slug: "judul-a"), Self.line("article-\(a)", "ArticleEdited", #"{"summary":"Ringkasan"}"#)]
        let cases: [([String], String)] = [
            ([#"{"stream": "#], "line 3: the line is not valid JSON"),
            (["[1,2]"], "line 3: each line must be one JSON object"),
            ([Self.line("staff", "StaffAdded", "{}")], "is not an article stream"),
            ([Self.line("article-\(b)", "ArticleEdited", #"{"summary":"x"}"#)], "starts with ArticleEdited"),
            ([Self.line("article-\(a)", "ArticleTeleported", "{}")], "ArticleTeleported v1 cannot be read"),
            ([Self.line("article-\(a)", "ArticleEdited", #"{"tags":"not a list"}"#)], "ArticleEdited v1 cannot be read"),
            ([Self.line("article-\(a)", "ArticleEdited", "{}", at: "yesterday")], "is not an ISO 8601 instant"),
            ([Self.line("article-\(a)", "ArticleEdited", "{}", actor: "")], "\"actor\" must name who did it"),
            ([Self.line("article-\(a)", "ArticleEdited", "{}", extra: #","version":7"#)], "\"version\" is 7 but this is event 3"),
            ([Self.drafted(b, slug: "judul-a")], "takes the slug \"judul-a\""),
            ([Self.drafted(a, slug: "judul-lain")], "is drafted a second time"),
            ([Self.line("article-\(a)", "ArticleEdited", #"{"summary":"\u0000"}"#)], "NUL"),
            ([Self.line("article-\(a)", "ArticleEdited", "{}", extra: #","metadata":{"x":1}"#)], "\"metadata\" must be an object with a \"commandID\""),
        ]
        for (tail, expected) in cases {
            let path = try Self.temporaryFile(good + tail)
            do {
                _ = try await TestCluster.withStore(room.db) { try await ArchiveImporter(store: $0).importArchive(atPath: path, commandID: UUID()) }
                Issue.record("accepted: \(tail)")
            } catch let error as ArchiveError {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(error.description.contains("Nothing was imported"))
            }
        }
        // Invalid UTF-8 inside a string, and an empty file.
        let path = try Self.temporaryFile(good)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8) + Data(Self.line("article-\(a)", "ArticleEdited", #"{"summary":"X"}"#).utf8).map { $0 == 0x58 ? 0xC3 : $0 })
        try handle.close()
        await #expect(throws: ArchiveError.self) { _ = try await TestCluster.withStore(room.db) { try await ArchiveImporter(store: $0).importArchive(atPath: path, commandID: UUID()) } }
        let empty = try Self.temporaryFile(["", "   "])
        await #expect(throws: ArchiveError.self) { _ = try await TestCluster.withStore(room.db) { try await ArchiveImporter(store: $0).importArchive(atPath: empty, commandID: UUID()) } }
        #expect(try await TestCluster.rows(room.db, "SELECT count(*)::text FROM events WHERE stream_id LIKE 'article-%' OR stream_id LIKE 'slug-%'") == ["0"])

        // The good lines alone go in, in one piece, with the slug reserved; a slug the log already
        // has is refused.
        let report = try await TestCluster.withStore(room.db) { try await ArchiveImporter(store: $0).importArchive(atPath: try Self.temporaryFile(good), commandID: UUID()) }
        #expect((report.articles, report.articleEvents, report.slugsReserved) == (1, 2, 1))
        do {
            _ = try await TestCluster.withStore(room.db) { try await ArchiveImporter(store: $0).importArchive(atPath: try Self.temporaryFile([Self.drafted(b, slug: "judul-a")]), commandID: UUID()) }
            Issue.record("a slug the log already has was imported again")
        } catch let error as EventStoreError {
            #expect(error.code == .streamExists)
            #expect(error.message.contains("slug-judul-a"))
        }
    }
}
