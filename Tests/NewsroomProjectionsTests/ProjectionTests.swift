import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections
import NewsroomTestSupport
import PostgresNIO
import Synchronization
import Testing

@Suite("Projections")
struct ProjectionTests {
    @Test("a full rebuild is identical, row for row, to the read models built incrementally over a long randomized history")
    func rebuildMatchesIncremental() async throws {
        let room = try await TestNewsroom.make()
        let ids = try await room.randomHistory(articles: 30, seed: 42) { try await room.catchUpAll() }
        #expect(ids.count == 30)
        var incremental: [String: String] = [:]
        var installedIndexes: [String: [String]] = [:]
        for projection in Projections.all {
            incremental[projection.name] = try await room.digest(projection.name)
            installedIndexes[projection.name] = try await room.indexDefinitions(projection.name)
        }
        // The audit's and the published model's queries have their indexes as installed.
        #expect(installedIndexes["audit"]?.count == 6 && installedIndexes["published"]?.count == 6, "\(installedIndexes)")
        try await TestCluster.withStore(room.db) { store in
            // All at once from one read of the log, in batches small enough that the next read
            // overlaps the applying of the previous batch many times.
            let runner = ProjectionRunner(client: store.client, logger: TestCluster.logger, batchSize: 37)
            _ = try await runner.rebuild(Projections.all)
        }
        // A rebuild stops where the read horizon stood; catch up past anything it had to wait for.
        try await room.catchUpAll()
        for projection in Projections.all {
            let rebuilt = try await room.digest(projection.name)
            #expect(rebuilt == incremental[projection.name], "\(projection.name) differs after a rebuild")
            // The shadow copy is filled without its secondary indexes; it must have them all when it goes live.
            #expect(try await room.indexDefinitions(projection.name) == installedIndexes[projection.name], "\(projection.name) lost indexes in the rebuild")
            // No audit tokens are issued in this history, so the access model's token table stays empty.
            #expect(rebuilt.contains(":0:") == false || ["stats", "access"].contains(projection.name), "\(projection.name) has an empty table: \(rebuilt)")
        }
    }

    @Test("article states that earlier versions kept as jsonb become text (migration 010), and folding goes on from them")
    func jsonbStatesAreConverted() async throws {
        let room = try await TestNewsroom.make()
        let ids = try await room.randomHistory(articles: 8, seed: 11)
        try await room.catchUpAll()
        let folding = ["published", "audit", "desk"]
        @Sendable func stateTypes(_ store: EventStore) async throws -> [String] {
            var types: [String] = []
            let rows = try await store.client.query("SELECT data_type::text FROM information_schema.columns WHERE table_name = 'article_state' AND column_name = 'state' AND table_schema = ANY(\(folding)) ORDER BY table_schema", logger: TestCluster.logger)
            for try await type in rows.decode(String.self) { types.append(type) }
            return types
        }
        try await TestCluster.withStore(room.db) { store in
            // The read models as an earlier version left them, states and all.
            for schema in folding {
                try await store.client.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(schema).article_state ALTER COLUMN state TYPE jsonb USING state::jsonb"), logger: TestCluster.logger)
            }
            #expect(try await stateTypes(store) == ["jsonb", "jsonb", "jsonb"])
            let migration = try Migrator.locateSchemaDirectory().appendingPathComponent("010_article_state_as_text.sql")
            try await store.client.query(PostgresQuery(unsafeSQL: try String(contentsOf: migration, encoding: .utf8)), logger: TestCluster.logger)
            #expect(try await stateTypes(store) == ["text", "text", "text"])
        }
        // Later events fold onto the converted states: the models end as a rebuild makes them.
        for id in ids {
            for (login, command) in [(room.reporters[0], ArticleCommand.edit(ArticleFields(summary: "Ringkasan baru"))),
                                     (room.chief, .correct(note: "Koreksi", changes: ArticleFields(summary: "Ringkasan koreksi")))] {
                do { _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) } } catch is RuleViolation {}
            }
        }
        try await room.catchUpAll()
        var incremental: [String: String] = [:]
        for schema in folding { incremental[schema] = try await room.digest(schema, statesAsJSON: true) }
        try await TestCluster.withStore(room.db) { store in
            _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger).rebuild(folding.compactMap(Projections.named))
        }
        try await room.catchUpAll()
        for schema in folding {
            #expect(try await room.digest(schema, statesAsJSON: true) == incremental[schema], "\(schema) differs from a rebuild after the conversion")
        }
    }

    @Test("article statistics equal what the log itself counts, caught up in small batches and rebuilt in one")
    func statisticsMatchTheLog() async throws {
        let room = try await TestNewsroom.make()
        _ = try await room.randomHistory(articles: 14, seed: 5)
        // Every article and every correction counted by SQL over the log, independently of the model.
        let fromLog = """
            SELECT coalesce(string_agg(concat_ws('|', id, drafted_at, first_published_at, edits, corrections, events), E'\\n' ORDER BY id), '') FROM (
                SELECT substr(stream_id, 9)::uuid AS id, min(recorded_at) FILTER (WHERE event_type = 'ArticleDrafted') AS drafted_at,
                       min(recorded_at) FILTER (WHERE event_type IN ('ArticlePublished', 'PublicationScheduled')) AS first_published_at,
                       count(*) FILTER (WHERE event_type = 'ArticleEdited') AS edits, count(*) FILTER (WHERE event_type = 'ArticleCorrected') AS corrections,
                       count(*) AS events
                FROM events WHERE stream_id LIKE 'article-%' GROUP BY stream_id) t
            """
        let inModel = "SELECT coalesce(string_agg(concat_ws('|', article_id, drafted_at, first_published_at, edits, corrections, events), E'\\n' ORDER BY article_id), '') FROM stats.articles"
        let editorsFromLog = "SELECT coalesce(string_agg(actor || '=' || n, ',' ORDER BY actor), '') FROM (SELECT actor, count(*) AS n FROM events WHERE event_type = 'ArticleCorrected' GROUP BY actor) t"
        let editorsInModel = "SELECT coalesce(string_agg(editor || '=' || corrections, ',' ORDER BY editor), '') FROM stats.corrections_by_editor"
        func rows(_ sql: String) async throws -> String { try await TestCluster.rows(room.db, sql).joined(separator: "\n") }
        try await room.catchUpAll()
        let expected = try await rows(fromLog), expectedEditors = try await rows(editorsFromLog)
        #expect(expected.split(separator: "\n").count == 14 && expectedEditors.contains("="), "the history should have articles and corrections")
        #expect(try await rows(inModel) == expected)
        #expect(try await rows(editorsInModel) == expectedEditors)
        try await TestCluster.withStore(room.db) { store in
            _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger, batchSize: 2000).rebuild(ArticleStatisticsProjection())
        }
        #expect(try await rows(inModel) == expected)
        #expect(try await rows(editorsInModel) == expectedEditors)
    }

    @Test("drafts, spiked, unpublished and not-yet-visible articles are never in the published model")
    func onlyVisibleArticlesArePublished() async throws {
        let room = try await TestNewsroom.make()
        let ids = try await room.randomHistory(articles: 16, seed: 7)
        // One scheduled and one embargoed article, both in the future.
        let later = ZonedInstant(instant: Date().addingTimeInterval(3600), timeZone: "Asia/Jakarta")
        var hidden: [ArticleID] = []
        for (n, mode) in ["schedule", "embargo"].enumerated() {
            let id = try await room.as(room.reporters[0]) { try await $0.draft(ArticleFields(headline: "Nanti \(n)", body: "Isi"), slug: nil, commandID: UUID()).articleID }
            _ = try await room.as(room.reporters[0]) { try await $0.execute(.setByline(reporters: [BylineEntry(name: "R")], wireSource: nil), on: id, commandID: UUID()) }
            _ = try await room.as(room.chief) { try await $0.execute(.assignEditor(login: room.chief), on: id, commandID: UUID()) }
            _ = try await room.as(room.reporters[0]) { try await $0.execute(.submit, on: id, commandID: UUID()) }
            _ = try await room.as(room.chief) { try await $0.execute(.approve, on: id, commandID: UUID()) }
            let command: ArticleCommand = mode == "schedule" ? .publish(schedule: later, embargoUntil: nil) : .publish(schedule: nil, embargoUntil: later)
            _ = try await room.as(room.chief) { try await $0.execute(command, on: id, commandID: UUID()) }
            hidden.append(id)
        }
        try await room.catchUpAll()
        let hiddenIDs = hidden
        try await TestCluster.withStore(room.db) { store in
            let newsroom = Newsroom(store: store)
            var visible = Set<UUID>()
            for try await id in try await store.client.query("SELECT article_id FROM published.visible_articles", logger: TestCluster.logger).decode(UUID.self) { visible.insert(id) }
            var publicCount = 0
            for id in ids + hiddenIDs {
                let (article, _) = try await newsroom.article(id)
                let shouldShow = article.status.isPublic && (article.visibleFrom ?? .distantFuture) <= Date()
                if shouldShow { publicCount += 1 }
                #expect(visible.contains(id.uuid) == shouldShow, "\(article.status.rawValue) article \(id) visible=\(visible.contains(id.uuid))")
            }
            #expect(publicCount > 0 && publicCount < ids.count, "the history should mix published and unpublished articles")
            for id in hiddenIDs { #expect(!visible.contains(id.uuid)) }
        }
    }

    @Test("published documents, the imported Tempo article included, validate against the official ninjs 3.1 schema")
    func ninjsValidates() async throws {
        let room = try await TestNewsroom.make()
        _ = try await room.randomHistory(articles: 8, seed: 3)
        let page = try TempoPage(text: String(contentsOf: CLIRunner.fixturesDirectory.appendingPathComponent("tempo-putin-kim-2023-09-14.txt"), encoding: .utf8))
        _ = try await TestCluster.withStore(room.db) { store in
            try await Newsroom(store: store).addStaff(login: "yudono_yanuar_\(room.chief.suffix(5))", displayName: "Yudono Yanuar", role: .editor, commandID: UUID())
        }
        let report = try await room.as("yudono_yanuar_\(room.chief.suffix(5))") { try await TempoImporter(newsroom: $0).importPage(page, imageURL: nil, publish: true, commandID: UUID()) }
        #expect(report.published)
        try await room.catchUpAll()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ninjs-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (files, tempoJSON) = try await TestCluster.withStore(room.db) { store in
            var files: [String] = []
            for try await (id, json) in try await store.client.query("SELECT article_id, ninjs::text FROM published.visible_articles", logger: TestCluster.logger).decode((UUID, String).self) {
                let file = dir.appendingPathComponent("\(id).json")
                try json.write(to: file, atomically: true, encoding: .utf8)
                files.append(file.path)
            }
            let models = ReadModels(client: store.client, logger: TestCluster.logger)
            return (files, try await models.ninjs(articleID: report.articleID.uuid))
        }
        let tempoText = try #require(tempoJSON)
        let tempo = try #require(try JSONSerialization.jsonObject(with: Data(tempoText.utf8)) as? [String: Any])
        // Served as newsroom wrote it: stored as json, not re-parsed into jsonb and printed back
        // with its keys reordered.
        let (article, version) = try await room.as(room.chief) { try await $0.article(report.articleID) }
        #expect(tempoText == NinjsDocument.text(article, id: report.articleID, version: version))
        #expect(files.count >= 2)
        let validator = CLIRunner.fixturesDirectory.appendingPathComponent("ninjs/validate.py").path
        let result = try await CLIRunner.spawn("/usr/bin/env", ["python3", validator] + files, environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "ninjs validation failed: \(result.stdout)\(result.stderr)")

        // The Tempo article: credit and caption as descriptions on the image association.
        #expect(tempo["language"] as? String == "id")
        #expect(tempo["by"] as? String == "REUTERS")
        #expect(tempo["located"] as? String == "TEMPO.CO, Jakarta")
        let image = try #require((tempo["associations"] as? [[String: Any]])?.first { $0["type"] as? String == "picture" })
        let descriptions = try #require(image["descriptions"] as? [[String: String]])
        #expect(descriptions.contains { $0["role"] == "creditline" && $0["value"] == "Sputnik/Mikhail Metzel/Kremlin via REUTERS" })
        #expect(descriptions.contains { $0["role"] == "caption" && $0["value"]?.hasPrefix("Presiden Rusia Vladimir Putin") == true })

        // A document that breaks the schema is caught: the check itself can fail.
        let broken = dir.appendingPathComponent("broken.json")
        try #"{"uri": "urn:x", "headlines": [{"role": "main"}]}"#.write(to: broken, atomically: true, encoding: .utf8)
        let refused = try await CLIRunner.spawn("/usr/bin/env", ["python3", validator, broken.path], environment: ProcessInfo.processInfo.environment)
        #expect(refused.status == 1)
    }

    @Test("corrections and their notes appear; old slugs resolve to the current one")
    func correctionsAndSlugs() async throws {
        let room = try await TestNewsroom.make()
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Gempa Maroko", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        for (login, command) in [(reporter, ArticleCommand.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil)), (editor, .assignEditor(login: editor)),
                                 (reporter, .submit), (editor, .approve), (editor, .publish(schedule: nil, embargoUntil: nil)),
                                 (editor, .correct(note: "Jumlah korban diperbaiki", changes: ArticleFields(body: "Isi yang benar"))), (editor, .changeSlug("gempa-maroko-2023"))] {
            _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) }
        }
        try await room.catchUpAll()
        try await TestCluster.withStore(room.db) { store in
            let rows = try await store.client.query("SELECT slug, body, corrections::text, ninjs::text FROM published.visible_articles WHERE article_id = \(id.uuid)", logger: TestCluster.logger)
            var found = false
            for try await (slug, body, corrections, ninjs) in rows.decode((String, String, String, String).self) {
                found = true
                #expect(slug == "gempa-maroko-2023")
                #expect(body == "Isi yang benar")
                #expect(corrections.contains("Jumlah korban diperbaiki"))
                #expect(ninjs.contains("\"correction\""))
            }
            #expect(found)
            var slugs: [String: UUID] = [:]
            for try await (slug, article) in try await store.client.query("SELECT slug, article_id FROM published.slugs", logger: TestCluster.logger).decode((String, UUID).self) { slugs[slug] = article }
            #expect(slugs["gempa-maroko"] == id.uuid)
            #expect(slugs["gempa-maroko-2023"] == id.uuid)
            #expect(try await Newsroom(store: store).resolve("gempa-maroko") == id)
        }
    }

    @Test("the published model keeps a body once, in the row's ninjs; a later batch folds on the body it takes back from the row")
    func bodyKeptOnceInTheRow() async throws {
        let room = try await TestNewsroom.make()
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let body = "Isi berita: \"kutipan\", O'Brien; DROP TABLE events; -- \u{1F4F0} é\r\nbaris kedua\\"
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Banjir Jakarta", body: body), slug: "banjir-jakarta", commandID: UUID()).articleID }
        for (login, command) in [(reporter, ArticleCommand.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil)), (editor, .assignEditor(login: editor)),
                                 (reporter, .submit), (editor, .approve), (editor, .publish(schedule: nil, embargoUntil: nil))] {
            _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) }
        }
        // Each catch-up is a batch of its own, and a command-line catch-up keeps no states in
        // memory: every later batch reads the state back from the table.
        try await room.catchUpAll()

        func stored() async throws -> (state: String?, viewBody: String?, documentBody: String?, headline: String?) {
            try await TestCluster.withStore(room.db) { store in
                var result: (String?, String?, String?, String?) = (nil, nil, nil, nil)
                for try await state in try await store.client.query("SELECT state::jsonb->>'body' FROM published.article_state WHERE article_id = \(id.uuid)", logger: TestCluster.logger).decode(String.self) {
                    result.0 = state
                }
                let rows = try await store.client.query("SELECT body, ninjs->'bodies'->0->>'value', headline FROM published.visible_articles WHERE article_id = \(id.uuid)", logger: TestCluster.logger)
                for try await (viewBody, documentBody, headline) in rows.decode((String, String, String).self) { (result.1, result.2, result.3) = (viewBody, documentBody, headline) }
                return result
            }
        }
        var now = try await stored()
        #expect(now.viewBody == body && now.documentBody == body)
        #expect(now.state == "", "an article on the site keeps its body in its row only")
        let columns = try await TestCluster.rows(room.db, "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'published' AND table_name = 'articles' AND column_name = 'body'")
        #expect(columns.isEmpty, "the body is kept once, in the ninjs document")

        // A correction of the headline alone: the row is written again from a state read back
        // without its body, so the body must come back from the row.
        _ = try await room.as(editor) { try await $0.execute(.correct(note: "Judul diperbaiki", changes: ArticleFields(headline: "Banjir besar Jakarta")), on: id, commandID: UUID()) }
        try await room.catchUpAll()
        now = try await stored()
        #expect(now.headline == "Banjir besar Jakarta")
        #expect(now.viewBody == body && now.documentBody == body)
        let document = try #require(try await TestCluster.rows(room.db, "SELECT ninjs->'bodies'->0->>'charCount' FROM published.articles WHERE article_id = '\(id.uuid)'").first)
        #expect(document == String(body.count))

        // Off the site there is no row: the state keeps the body again.
        _ = try await room.as(editor) { try await $0.execute(.unpublish(reason: "Sumber ditarik"), on: id, commandID: UUID()) }
        try await room.catchUpAll()
        now = try await stored()
        #expect(now.viewBody == nil)
        #expect(now.state == body)
    }

    @Test("an event written as ImageAttached v1 stays in the log and is read through the upcaster, by show and by the projections")
    func upcastsOldEvents() async throws {
        let room = try await TestNewsroom.make()
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Foto lama", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        try await room.as(reporter) { newsroom in
            let version = try await newsroom.store.streamVersion(StreamID("article-\(id)"))
            _ = try await newsroom.store.append([NewEvent(type: "ImageAttached", schemaVersion: 1, payload: #"{"mediaID":"old","url":"https://example.com/old.jpg","alt":"Teks alternatif v1"}"#)],
                                                to: StreamID("article-\(id)"), streamType: "article", expectedVersion: .exactly(version),
                                                metadata: EventMetadata(commandID: UUID()), digest: "v1")
        }
        for (login, command) in [(editor, ArticleCommand.attachCaption(mediaID: "old", caption: "Keterangan", credit: "Arsip")),
                                 (reporter, .setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil)), (editor, .assignEditor(login: editor)),
                                 (reporter, .submit), (editor, .approve), (editor, .publish(schedule: nil, embargoUntil: nil))] {
            _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) }
        }
        try await room.catchUpAll()
        try await TestCluster.withStore(room.db) { store in
            let stored = try await store.readStream(StreamID("article-\(id)")).first { $0.type == "ImageAttached" }
            #expect(stored?.schemaVersion == 1)
            let (article, _) = try await Newsroom(store: store).article(id)
            #expect(article.images.first?.altText == "Teks alternatif v1")
            let json = try #require(try await ReadModels(client: store.client, logger: TestCluster.logger).ninjs(articleID: id.uuid))
            #expect(json.contains("Teks alternatif v1"))
        }
    }

    @Test("a point-in-time replay shows what the site showed then")
    func replayUntil() async throws {
        let room = try await TestNewsroom.make()
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Judul pertama", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        for (login, command) in [(reporter, ArticleCommand.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil)), (editor, .assignEditor(login: editor)),
                                 (reporter, .submit), (editor, .approve), (editor, .publish(schedule: nil, embargoUntil: nil))] {
            _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) }
        }
        try await Task.sleep(for: .milliseconds(50))
        let between = Date()
        try await Task.sleep(for: .milliseconds(50))
        _ = try await room.as(editor) { try await $0.execute(.correct(note: "Judul", changes: ArticleFields(headline: "Judul kedua")), on: id, commandID: UUID()) }
        let schema = "then_\(UUID().uuidString.prefix(6).lowercased())"
        try await TestCluster.withStore(room.db) { store in
            _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger).replay(PublishedArticlesProjection(), until: between, into: schema)
            var headlines: [String] = []
            for try await headline in try await store.client.query(PostgresQuery(unsafeSQL: "SELECT headline FROM \(schema).articles"), logger: TestCluster.logger).decode(String.self) {
                headlines.append(headline)
            }
            #expect(headlines == ["Judul pertama"])
            await #expect(throws: ProjectionRunner.Failure.self) {
                _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger).replay(PublishedArticlesProjection(), until: between, into: schema)
            }
            // The read models' own schemas are refused before anything is created: a rebuild
            // would resume from a replay left in its shadow's place, or drop one in its old copy's.
            for reserved in ["audit_rebuild", "audit_retired", "published_retired", "stats"] {
                await #expect(throws: ProjectionRunner.Failure.self) {
                    _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger).replay(PublishedArticlesProjection(), until: between, into: reserved)
                }
            }
            let created = try await TestCluster.rows(room.db, "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE '%_rebuild' OR nspname LIKE '%_retired'")
            #expect(created.isEmpty, "\(created)")
        }
        // A replay is filled before its indexes are built, and then has the live model's.
        #expect(try await room.indexDefinitions(schema) == room.indexDefinitions("published"))
        try await room.catchUpAll()
        #expect(try await room.digest("published").isEmpty == false)
    }

    @Test("a replay waits for events an older open transaction keeps unreadable, and is refused, keeping nothing, when it stays open")
    func replayBehindHeldHorizon() async throws {
        let room = try await TestNewsroom.make()
        // A transaction with an id, opened before the article's events and still open, keeps
        // them unreadable to every reader in the cluster (the read horizon). Every other test's
        // reads wait for it too, so it is held for one draft and two short replays only.
        let holding = Holder()
        let (id, holder) = try await room.as(room.reporters[0]) { newsroom in
            // Connected before the hold begins: under the whole suite's load a connection takes seconds.
            try await newsroom.store.client.query("SELECT 1", logger: TestCluster.logger)
            let holder = Task {
                try await TestCluster.withStore(room.db) { store in
                    try await store.client.withConnection { connection in
                        try await connection.query("BEGIN", logger: TestCluster.logger)
                        try await connection.query("SELECT pg_current_xact_id()", logger: TestCluster.logger)
                        holding.started()
                        await holding.waitForRelease()
                        try await connection.query("COMMIT", logger: TestCluster.logger)
                    }
                }
            }
            await holding.waitUntilStarted()
            return (try await newsroom.draft(ArticleFields(headline: "Di balik cakrawala", body: "Isi"), slug: nil, commandID: UUID()).articleID, holder)
        }
        let now = Date()
        let (refused, waited) = ("short_\(UUID().uuidString.prefix(6).lowercased())", "waited_\(UUID().uuidString.prefix(6).lowercased())")
        try await TestCluster.withStore(room.db) { store in
            let runner = ProjectionRunner(client: store.client, logger: TestCluster.logger)
            let failure = await #expect(throws: ProjectionRunner.Failure.self) {
                _ = try await runner.replay(EditorialAuditProjection(), until: now, into: refused, patience: .milliseconds(200))
            }
            #expect(failure?.description.contains("holds the read horizon back. Nothing was kept in \(refused).") == true, "\(String(describing: failure))")
            let release = Task { try await Task.sleep(for: .milliseconds(300)); holding.release() }
            let applied = try await runner.replay(EditorialAuditProjection(), until: now, into: waited)
            try await release.value
            let logged = try await TestCluster.rows(room.db, "SELECT count(*)::text FROM events")
            #expect(String(applied) == logged.first)
            let headlines = try await TestCluster.rows(room.db, "SELECT DISTINCT headline FROM \(waited).entries WHERE article_id = '\(id.uuid)'")
            #expect(headlines == ["Di balik cakrawala"])
        }
        holding.release()
        try await holder.value
        let left = try await TestCluster.rows(room.db, "SELECT nspname::text FROM pg_namespace WHERE nspname = '\(refused)' UNION ALL SELECT schema_name FROM projection_checkpoints WHERE schema_name = '\(refused)'")
        #expect(left.isEmpty, "\(left)")
    }
}

extension ProjectionTests {
    @Test("while editors keep committing, a replay up to a later instant and a read-your-writes catch-up finish: each waits only for what was committed when it began")
    func replayWhileCommitsArrive() async throws {
        let room = try await TestNewsroom.make()
        let id = try await room.as(room.reporters[0]) { try await $0.draft(ArticleFields(headline: "Sibuk", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        let writing = Holder()
        // Eight writers committing back to back: at any moment some commit is a few hundred
        // microseconds old, newer than the replay's last read.
        let writers = (0..<8).map { writer in
            Task {
                try await TestCluster.withStore(room.db) { store in
                    var n = 0
                    while !writing.isReleasedNow {
                        n += 1
                        _ = try await store.append([NewEvent(type: "Note", payload: "{\"n\":\(n)}")], to: StreamID("busy-\(writer)"), streamType: "test",
                                                   expectedVersion: .any, metadata: EventMetadata(commandID: UUID()), digest: "busy")
                    }
                    return n
                }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let schema = "busy_\(UUID().uuidString.prefix(6).lowercased())"
        // The product's own patience: another test's CREATE DATABASE holds the horizon for up to
        // 3 s, and a 3-s patience failed one CI run with 40 events unread. The writers commit
        // until after the catch-up below, so a replay that chased them would still be refused.
        let outcome: Result<Int, any Error>
        do {
            outcome = .success(try await TestCluster.withStore(room.db) { store in
                try await ProjectionRunner(client: store.client, logger: TestCluster.logger)
                    .replay(EditorialAuditProjection(), until: Date().addingTimeInterval(86_400), into: schema, patience: .seconds(20))
            })
        } catch {
            outcome = .failure(error)
        }
        // So does a command's read-your-writes catch-up: it returns once it has what was committed
        // when it began, not at its deadline, and does not call itself behind.
        let started = ContinuousClock.now
        let unread = try await TestCluster.withStore(room.db) { store in
            try await ProjectionRunner(client: store.client, logger: TestCluster.logger).catchUpAll(patience: .seconds(30))
        }
        let took = ContinuousClock.now - started
        writing.release()
        // Alone it takes 5-6 s here (the writers hold both cores); chasing them, it took 30 s.
        #expect(unread == 0 && took < .seconds(20), "the catch-up took \(took) and left \(unread) events unread")
        var appended = 0
        for writer in writers { appended += try await writer.value }
        #expect(appended > 100, "the writers appended only \(appended) events")
        let applied = try outcome.get()
        #expect(applied > 0)
        let headlines = try await TestCluster.rows(room.db, "SELECT DISTINCT headline FROM \(schema).entries WHERE article_id = '\(id.uuid)'")
        #expect(headlines == ["Sibuk"])
    }
}

/// One side holds a transaction open until the other releases it.
final class Holder: Sendable {
    private let isStarted = Mutex(false)
    private let isReleased = Mutex(false)

    var isReleasedNow: Bool { isReleased.withLock { $0 } }

    func started() { isStarted.withLock { $0 = true } }
    func release() { isReleased.withLock { $0 = true } }

    /// Gives up after a minute, so that a holder that failed to start fails the test instead of hanging it.
    func waitUntilStarted() async {
        let deadline = ContinuousClock.now + .seconds(60)
        while !isStarted.withLock({ $0 }), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }

    func waitForRelease() async {
        while !isReleased.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
    }
}
