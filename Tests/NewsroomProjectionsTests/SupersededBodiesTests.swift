import Foundation
@testable import NewsroomDomain
import NewsroomEventStore
@testable import NewsroomProjections
import NewsroomTestSupport
import Testing

@Suite("Superseded bodies")
struct SupersededBodiesTests {
    func value(at path: [String], in event: ArticleEvent) throws -> Any? {
        var node: Any? = try JSONSerialization.jsonObject(with: Data(try event.encodedPayload().utf8))
        for key in path { node = (node as? [String: Any])?[key] }
        return node
    }

    @Test("the paths a rebuild blanks are where the domain writes a body, and nothing else is written there")
    func pathsFollowTheDomainsEncoding() throws {
        let body = "Isi berita \"lengkap\"."
        let withBody: [ArticleEvent] = [
            .drafted(.init(articleID: ArticleID(), author: "wartawan", slug: "berita", fields: ArticleFields(headline: "Judul", body: body))),
            .edited(ArticleFields(body: body)),
            .corrected(.init(note: "Ralat", changes: ArticleFields(body: body), at: Date())),
        ]
        let withoutBody: [ArticleEvent] = [
            .drafted(.init(articleID: ArticleID(), author: "wartawan", slug: "berita", fields: ArticleFields(headline: "Judul"))),
            .edited(ArticleFields(summary: "Ringkasan")),
            .corrected(.init(note: "Ralat", changes: ArticleFields(headline: "Judul baru"), at: Date())),
        ]
        #expect(SupersededBodies.paths.map(\.eventType) == withBody.map(\.typeName))
        for ((_, path), (with, without)) in zip(SupersededBodies.paths, zip(withBody, withoutBody)) {
            #expect(try value(at: path, in: with) as? String == body, "\(with.typeName)")
            #expect(try value(at: path, in: without) == nil, "\(without.typeName) writes something at \(path) without a body")
            // Folding the blanked event, then the event that superseded it, ends where folding the
            // original would: the body is set whole, never merged.
            let stored = try with.encodedPayload()
            let original = try ArticleEvent.decode(typeName: with.typeName, schemaVersion: 1, payload: stored)
            let blanked = try ArticleEvent.decode(typeName: with.typeName, schemaVersion: 1,
                                                  payload: stored.replacingOccurrences(of: "\"Isi berita \\\"lengkap\\\".\"", with: "\"\""))
            let later = ArticleEvent.edited(ArticleFields(body: "Isi baru"))
            let start = with.typeName == "ArticleDrafted" ? ArticleDecider.initialState : ArticleDecider.evolve(ArticleDecider.initialState, withoutBody[0])
            #expect(ArticleDecider.evolve(start, blanked).body == "")
            #expect(ArticleDecider.evolve(ArticleDecider.evolve(start, blanked), later) == ArticleDecider.evolve(ArticleDecider.evolve(start, original), later))
        }
    }

    @Test("the log's sets_article_body column says what the paths say, over events of every kind and through each way in")
    func setsColumnAgreesWithThePaths() async throws {
        #expect(SupersededBodies.setsColumn == "sets_article_body")
        let db = try await TestCluster.freshDatabase()
        let long = String(repeating: "Isi berita yang panjang, dipadatkan di tabel TOAST. ", count: 200)
        // (type, payload, whether it sets a body)
        let cases: [(String, String, Bool)] = [
            ("ArticleDrafted", #"{"fields": {"body": "Isi", "headline": "Judul"}}"#, true),
            ("ArticleDrafted", #"{"fields": {"body": "\#(long)"}}"#, true),
            ("ArticleDrafted", #"{"fields": {"body": ""}}"#, true),
            ("ArticleDrafted", #"{"fields": {"headline": "Judul"}}"#, false),
            ("ArticleDrafted", #"{"fields": {"body": null}}"#, false),
            ("ArticleDrafted", #"{"fields": [{"body": "in an array"}]}"#, false),
            ("ArticleDrafted", #"{"body": "at the edit's path, not the draft's"}"#, false),
            ("ArticleEdited", #"{"body": "Isi kedua"}"#, true),
            ("ArticleEdited", #"{"body": "\#(long)", "summary": "Ringkasan"}"#, true),
            ("ArticleEdited", #"{"summary": "Ringkasan"}"#, false),
            ("ArticleEdited", #"{"body": 5}"#, false),
            ("ArticleEdited", #"{"body": null}"#, false),
            ("ArticleEdited", #"{"body": ["a string in an array"]}"#, false),
            ("ArticleEdited", #"{"body": {"text": "an object"}}"#, false),
            ("ArticleEdited", #"{"fields": {"body": "at the draft's path"}}"#, false),
            ("ArticleCorrected", #"{"note": "Ralat", "changes": {"body": "Isi ralat"}}"#, true),
            ("ArticleCorrected", #"{"note": "Ralat", "changes": {"headline": "Judul baru"}}"#, false),
            ("ArticleCorrected", #"{"note": "Ralat", "body": "not under changes"}"#, false),
            ("BylineSet", #"{"body": "not a type that carries one"}"#, false),
            ("BylineSet", #"{"fields": {"body": "nor here"}}"#, false),
        ]
        let ways = ["new stream", "next event", "import"]
        try await TestCluster.withStore(db) { store in
            for (type, payload, _) in cases {
                // A stream's first event goes through append_events_if (the column left to the
                // trigger), a later single event through append_event (which writes it), and an
                // import hands over what SupersededBodies.setsBody says (Schema/015).
                _ = try await store.append([NewEvent(type: type, payload: payload)], to: StreamID("article-\(UUID())"), streamType: "article",
                                           expectedVersion: .noStream, metadata: EventMetadata(commandID: UUID()), digest: payload)
                let stream = StreamID("article-\(UUID())")
                _ = try await store.append([NewEvent(type: "ImageAttached", payload: "{}")], to: stream, streamType: "article",
                                           expectedVersion: .noStream, metadata: EventMetadata(commandID: UUID()), digest: "first")
                _ = try await store.append([NewEvent(type: type, payload: payload)], to: stream, streamType: "article",
                                           expectedVersion: .exactly(1), metadata: EventMetadata(commandID: UUID()), digest: payload)
            }
            let importID = UUID()
            _ = try await store.importHistory(commandID: importID) { writer in
                for (type, payload, _) in cases {
                    _ = try await writer.append(ImportedEvent(
                        streamID: StreamID("article-\(UUID())"), streamType: "article", eventID: UUID(), type: type, schemaVersion: 1,
                        payload: CanonicalJSON(try JSONB.parse(payload)), metadata: CanonicalJSON(.object([.init("commandID", .string(importID.uuidString))])),
                        commandID: importID, actor: "wartawan lama", recordedAt: LogTimestamp(microsecondsSince1970: 1_500_000_000_000_000),
                        setsArticleBody: SupersededBodies.setsBody(type: type, payload: try JSONB.parse(payload))))
                }
                return "import"
            }
        }
        // The reading the column replaces, built from the paths as the read builds it.
        let looked = SupersededBodies.paths.map { type, path in
            "WHEN '\(type)' THEN jsonb_typeof(payload #> ARRAY[\(path.map { "'\($0)'" }.joined(separator: ", "))]::text[]) = 'string'"
        }.joined(separator: " ")
        let disagreeing = try await TestCluster.rows(db, "SELECT count(*)::text FROM events WHERE sets_article_body IS DISTINCT FROM coalesce(CASE event_type \(looked) END, false)")
        #expect(disagreeing == ["0"])
        let marked = try await TestCluster.rows(db, "SELECT event_type || ' ' || sets_article_body::text FROM events WHERE stream_id LIKE 'article-%' AND event_type <> 'ImageAttached' ORDER BY position")
        let expected = cases.flatMap { [$0, $0] }.map { "\($0.0) \($0.2)" } + cases.map { "\($0.0) \($0.2)" }
        #expect(marked == expected, "in the order: \(ways)")
    }

    @Test("a rebuild reading with superseded bodies left out is identical, row for row, to the models built event by event")
    func rebuildWithBlankedBodiesMatchesIncremental() async throws {
        #expect(Projections.all.allSatisfy { $0.foldsOnlyLatestBodies })
        let room = try await TestNewsroom.make()
        let reporter = room.reporters[0], editor = room.editors[0]
        // Six articles written side by side, each setting its body four times (draft, edit,
        // correction, correction), so that every read of 37 events holds bodies replaced later
        // in it, some replaced only in the next read, and edits and corrections without a body.
        var ids: [ArticleID] = []
        for n in 0..<6 {
            ids.append(try await room.as(reporter) {
                try await $0.draft(ArticleFields(headline: "Berita \(n)", body: "Isi pertama \(n): “kamerad” 'kutipan'.", language: "id"), slug: nil, commandID: UUID()).articleID
            })
        }
        let steps: [(String, (Int) -> ArticleCommand)] = [
            (reporter, { .edit(ArticleFields(body: "Isi kedua \($0).")) }),
            (reporter, { .edit(ArticleFields(summary: "Ringkasan \($0)")) }),
            (reporter, { _ in .setByline(reporters: [BylineEntry(name: reporter)], wireSource: nil) }),
            (editor, { _ in .assignEditor(login: editor) }),
            (reporter, { _ in .submit }),
            (editor, { _ in .approve }),
            (editor, { _ in .publish(schedule: nil, embargoUntil: nil) }),
            (editor, { .correct(note: "Ralat isi \($0)", changes: ArticleFields(body: "Isi ketiga \($0).")) }),
            (editor, { .correct(note: "Ralat judul \($0)", changes: ArticleFields(headline: "Berita \($0) (dikoreksi)")) }),
            (editor, { .correct(note: "Ralat akhir \($0)", changes: ArticleFields(body: "Isi terakhir \($0).")) }),
        ]
        for (login, command) in steps {
            for (n, id) in ids.enumerated() {
                let made = command(n)
                _ = try await room.as(login) { try await $0.execute(made, on: id, commandID: UUID()) }
            }
        }
        try await room.catchUpAll()
        var incremental: [String: String] = [:]
        for projection in Projections.all { incremental[projection.name] = try await room.digest(projection.name) }
        try await TestCluster.withStore(room.db) { store in
            var blanked = 0, from = LogPosition.start
            while true {
                let read = try await store.readAll(after: from, limit: 37, blankingSuperseded: SupersededBodies.self)
                blanked += read.filter { $0.payload.contains("\"body\": \"\"") }.count
                guard let last = read.last else { break }
                from = last.logPosition
            }
            // The incremental models are caught up, so the whole log was readable: 18 of the 24
            // bodies are replaced later, most of them within a read.
            #expect(blanked >= 9 && blanked <= 18, "\(blanked) bodies blanked")
            let runner = ProjectionRunner(client: store.client, logger: TestCluster.logger, batchSize: 37)
            _ = try await runner.rebuild(Projections.all)
        }
        try await room.catchUpAll()
        for projection in Projections.all {
            #expect(try await room.digest(projection.name) == incremental[projection.name], "\(projection.name) differs after a rebuild")
        }
        let bodies = try await TestCluster.rows(room.db, "SELECT body FROM published.visible_articles ORDER BY body")
        #expect(bodies == (0..<6).map { "Isi terakhir \($0)." })
        let audited = try await TestCluster.rows(room.db, "SELECT count(*)::text FROM audit.entries WHERE details->'fields' ? 'body'")
        #expect(audited == ["18"], "edits and corrections of a body: 6 + 12")
    }
}
