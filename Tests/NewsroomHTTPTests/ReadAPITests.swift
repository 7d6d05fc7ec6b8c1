import Foundation
import _ConnectionPoolModule
import Hummingbird
import HummingbirdTesting
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomHTTP
import NewsroomProjections
import NewsroomTestSupport
import PostgresNIO
import Testing

/// The read API through Hummingbird's testing library (no sockets), on a real database, connected
/// as the read-only role newsroom_api.
@Suite("The public read API")
struct ReadAPITests {
    struct Fixture: Sendable {
        let room: TestNewsroom
        let published: ArticleID
        let hidden: [ArticleID]
    }

    static func publish(_ room: TestNewsroom, headline: String, slug: String, final: ArticleCommand = .publish(schedule: nil, embargoUntil: nil), then: [ArticleCommand] = []) async throws -> ArticleID {
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: headline, body: "TEMPO.CO, Jakarta - Isi berita.", language: "id"), slug: slug, commandID: UUID()).articleID }
        for (login, command) in [(reporter, ArticleCommand.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: "REUTERS")), (editor, .assignEditor(login: editor)),
                                 (editor, .relate(ArticleReference(title: "Xi Jinping dan Putin"))), (editor, .pick(ArticleReference(title: "Gempa Maroko"))),
                                 (reporter, .submit), (editor, .approve), (editor, final)] + then.map({ (editor, $0) }) {
            _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) }
        }
        return id
    }

    static func fixture() async throws -> Fixture {
        let room = try await TestNewsroom.make()
        let published = try await publish(room, headline: "Putin Siap Penuhi Undangan Kim Jong Un", slug: "putin-kim", then: [.changeSlug("putin-kim-jong-un")])
        _ = try await publish(room, headline: "Berita kedua", slug: "berita-kedua")
        _ = try await publish(room, headline: "Berita ketiga", slug: "berita-ketiga")
        let later = ZonedInstant(instant: Date().addingTimeInterval(3600), timeZone: "Asia/Jakarta")
        let embargoed = try await publish(room, headline: "Embargo", slug: "embargo", final: .publish(schedule: nil, embargoUntil: later))
        let killed = try await publish(room, headline: "Ditarik", slug: "ditarik", then: [.unpublish(reason: "hukum")])
        let draft = try await room.as(room.reporters[0]) { try await $0.draft(ArticleFields(headline: "Draf rahasia", body: "x"), slug: "draf-rahasia", commandID: UUID()).articleID }
        try await room.catchUpAll()
        return Fixture(room: room, published: published, hidden: [embargoed, killed, draft])
    }

    func withAPI(_ fixture: Fixture, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Database.withClient(fixture.room.db.with(user: "newsroom_api"), logger: TestCluster.logger) { client in
            let app = Application(router: ReadAPI(readModels: ReadModels(client: client, logger: TestCluster.logger)).router())
            try await app.test(.router, body)
        }
    }

    @Test("with the article cache, repeated requests are served from memory, and an unpublished article is gone once the validity has passed")
    func articleCache() async throws {
        let fixture = try await Self.fixture()
        // Long enough that four requests on a loaded CI machine (550 ms each seen) fall inside one
        // validity; the machine's own tests cover the boundary itself with exact instants.
        let validity = Duration.seconds(4)
        let cache = PublishedArticleCache(validity: validity)
        try await Database.withClient(fixture.room.db.with(user: "newsroom_api"), logger: TestCluster.logger) { client in
            let app = Application(router: ReadAPI(readModels: ReadModels(client: client, logger: TestCluster.logger, articleCache: cache)).router())
            try await app.test(.router) { client in
                var bodies: Set<String> = []
                for _ in 0..<4 {
                    try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get) { response in
                        #expect(response.status == .ok)
                        bodies.insert(String(buffer: response.body))
                    }
                }
                #expect(bodies.count == 1)
                #expect(cache.statistics.hits >= 2, "\(cache.statistics)")
                try await client.execute(uri: "/articles/ditarik", method: .get) { #expect($0.status == .notFound) }

                let editor = fixture.room.editors[0]
                _ = try await fixture.room.as(editor) { try await $0.execute(.unpublish(reason: "Keberatan hukum"), on: fixture.published, commandID: UUID()) }
                try await fixture.room.catchUpAll()
                try await Task.sleep(for: validity + .milliseconds(100))
                try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get) { response in
                    #expect(response.status == .notFound, "an unpublished article outlived the cache's validity")
                }
                #expect(cache.statistics.validations >= 2)
            }
        }
    }

    @Test("an article is served as a ninjs 3 document that validates, with ETag, Last-Modified and news-like caching")
    func article() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag]?.contains(fixture.published.description) == true)
                #expect(response.headers[.lastModified]?.hasSuffix("GMT") == true)
                #expect(response.headers[.cacheControl] == "public, max-age=60, stale-while-revalidate=600")
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID()).json")
                try Data(buffer: response.body).write(to: file)
                let validator = CLIRunner.fixturesDirectory.appendingPathComponent("ninjs/validate.py").path
                let result = try await CLIRunner.spawn("/usr/bin/env", ["python3", validator, file.path], environment: ProcessInfo.processInfo.environment)
                #expect(result.status == 0, "\(result.stdout)")
                let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(document?["uri"] as? String == "urn:newsroom:article:\(fixture.published)")
            }
        }
    }

    @Test("HEAD answers as GET without the body; other methods are 405 with Allow, OPTIONS says what is allowed")
    func methods() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            let get = try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get) { $0 }
            for uri in ["/articles/putin-kim-jong-un", "/healthz", "/articles", "/openapi.json"] {
                try await client.execute(uri: uri, method: .head) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes == 0, "\(uri)")
                }
            }
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .head) { response in
                #expect(response.headers[.eTag] == get.headers[.eTag])
                #expect(response.headers[.contentLength] == String(get.body.readableBytes))
            }
            try await client.execute(uri: "/articles/no-such-slug", method: .head) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/articles/putin-kim", method: .head) { response in
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "/articles/putin-kim-jong-un")
            }
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                try await client.execute(uri: "/articles/putin-kim-jong-un", method: method, body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .methodNotAllowed, "\(method)")
                    #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
                    #expect(String(buffer: response.body).contains("read-only"), "\(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/audit", method: .delete) { #expect($0.status == .methodNotAllowed) }
            try await client.execute(uri: "/articles", method: .options) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
            }
            // A path the API does not serve stays 404 whatever the method.
            try await client.execute(uri: "/nowhere", method: .post) { #expect($0.status == .notFound) }
        }
        // Nothing was written: the article is as it was.
        try await withAPI(fixture) { client in
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("If-None-Match and If-Modified-Since answer 304; a stale ETag gets the document; a date out of range is ignored")
    func conditional() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            let (etag, modified) = try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get) { ($0.headers[.eTag]!, $0.headers[.lastModified]!) }
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get, headers: [.ifNoneMatch: etag]) { #expect($0.status == .notModified) }
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get, headers: [.ifModifiedSince: modified]) { #expect($0.status == .notModified) }
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get, headers: [.ifNoneMatch: "\"stale\""]) { #expect($0.status == .ok) }
            // Weak comparison: a compressing proxy hands our tag back as W/"…".
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get, headers: [.ifNoneMatch: "W/\"stale\", W/\(etag)"]) { #expect($0.status == .notModified) }
            try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get, headers: [.ifNoneMatch: "W/\"stale\""]) { #expect($0.status == .ok) }
            // A date no server wrote is ignored, as RFC 9110 says, and does not stop the server
            // (a year of 19 digits overflowed its day count).
            for odd in ["Thu, 01 Jan 9223372036854775807 00:00:00 GMT", "Thu, 01 Jan -9223372036854775807 00:00:00 GMT", "Sat, 01 Jan 10000 00:00:00 GMT"] {
                try await client.execute(uri: "/articles/putin-kim-jong-un", method: .get, headers: [.ifModifiedSince: odd]) { #expect($0.status == .ok, "\(odd)") }
            }
        }
    }

    @Test("an old slug, or a slug typed with capitals, answers 301 to the current one")
    func oldSlug() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            try await client.execute(uri: "/articles/putin-kim", method: .get) { response in
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "/articles/putin-kim-jong-un")
            }
            // A slug with capitals, current or former, leads to the current one; an unknown one stays 404.
            for typed in ["/articles/Putin-Kim-Jong-Un", "/articles/PUTIN-KIM"] {
                try await client.execute(uri: typed, method: .get) { response in
                    #expect(response.status == .movedPermanently, "\(typed)")
                    #expect(response.headers[.location] == "/articles/putin-kim-jong-un", "\(typed)")
                }
            }
            try await client.execute(uri: "/articles/Tidak-Ada", method: .get) { #expect($0.status == .notFound) }
            // The related list of a slug typed with capitals leads to the current slug's related list.
            try await client.execute(uri: "/articles/Putin-Kim/related", method: .get) { response in
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "/articles/putin-kim-jong-un/related")
            }
        }
    }

    @Test("drafts, embargoed and unpublished articles are never returned")
    func hiddenArticles() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            for slug in ["draf-rahasia", "embargo", "ditarik", "no-such-thing"] {
                try await client.execute(uri: "/articles/\(slug)", method: .get) { response in
                    #expect(response.status == .notFound, "\(slug)")
                    #expect(String(buffer: response.body).contains("\"error\""))
                }
            }
            try await client.execute(uri: "/articles?limit=100", method: .get) { response in
                let items = ((try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
                #expect(items.count == 3)
                for id in fixture.hidden { #expect(!items.contains { ($0["uri"] as? String)?.hasSuffix(id.description) == true }) }
                // Every document the list serves is a whole ninjs 3 document too.
                let files = try items.map { item in
                    let file = FileManager.default.temporaryDirectory.appendingPathComponent("api-list-\(UUID()).json")
                    try JSONSerialization.data(withJSONObject: item).write(to: file)
                    return file.path
                }
                let validator = CLIRunner.fixturesDirectory.appendingPathComponent("ninjs/validate.py").path
                let result = try await CLIRunner.spawn("/usr/bin/env", ["python3", validator] + files, environment: ProcessInfo.processInfo.environment)
                #expect(result.status == 0, "\(result.stdout)")
            }
        }
    }

    @Test("the list pages with a cursor, latest first, without repeats; bad parameters, and cursors holding times out of range, are 400 with what was wrong")
    func listAndBadParameters() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            var seen: [String] = []
            var uri = "/articles?limit=1&language=id"
            for _ in 0..<5 {
                let next: String? = try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    seen += ((object?["items"] as? [[String: Any]]) ?? []).compactMap { $0["uri"] as? String }
                    return object?["next"] as? String
                }
                guard let next else { break }
                uri = "/articles?limit=1&language=id&cursor=\(next)"
            }
            #expect(seen.count == 3)
            #expect(Set(seen).count == 3)
            // A NUL would reach PostgreSQL as text it cannot take: that is the request's fault (400),
            // not the database being down (it was answered 503).
            for bad in ["/articles?limit=abc", "/articles?limit=0", "/articles?limit=1000", "/articles?cursor=garbage",
                        "/articles?section=%00", "/articles?section=Inter%00nasional", "/articles?language=%00",
                        "/articles?section=\(String(repeating: "a", count: 101))",
                        // Cursors of "nan", "inf", "-inf", "1e300", "-1e300" and a year past 9999, each with an id:
                        // times PostgresNIO cannot encode, which stopped the whole server.
                        "/articles?cursor=bmFufDAxYTI1MjIxLTI1ZDItNzA1ZC1hYjIwLWFhYTcyZDNmMWNkZA", "/articles?cursor=aW5mfDAxYTI1MjIxLTI1ZDItNzA1ZC1hYjIwLWFhYTcyZDNmMWNkZA", "/articles?cursor=LWluZnwwMWEyNTIyMS0yNWQyLTcwNWQtYWIyMC1hYWE3MmQzZjFjZGQ", "/articles?cursor=MWUzMDB8MDFhMjUyMjEtMjVkMi03MDVkLWFiMjAtYWFhNzJkM2YxY2Rk", "/articles?cursor=LTFlMzAwfDAxYTI1MjIxLTI1ZDItNzA1ZC1hYjIwLWFhYTcyZDNmMWNkZA", "/articles?cursor=OTk5OTk5OTk5OTk5OXwwMWEyNTIyMS0yNWQyLTcwNWQtYWIyMC1hYWE3MmQzZjFjZGQ"] {
                try await client.execute(uri: bad, method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(String(buffer: response.body).contains("\"error\""))
                }
            }
        }
    }

    @Test("with the database down, requests are answered 503 within the deadline, not after the pool's minute of retries; health says unavailable")
    func databaseDown() async throws {
        var settings = try TestCluster.admin
        settings.endpoint = .tcp(host: "127.0.0.1", port: 1)
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: TestCluster.logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await client.run() }
            let api = ReadAPI(readModels: ReadModels(client: client, logger: TestCluster.logger), databaseDeadline: .seconds(1))
            try await Application(router: api.router()).test(.router) { client in
                for uri in ["/articles/putin-kim-jong-un", "/articles", "/articles/putin-kim-jong-un/related"] {
                    let started = ContinuousClock.now
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .serviceUnavailable, "\(uri)")
                        #expect(response.headers[.retryAfter] == "5", "\(uri)")
                        #expect(String(buffer: response.body).contains("The database did not answer within 1 s; try again shortly."), "\(uri): \(String(buffer: response.body))")
                    }
                    let took = ContinuousClock.now - started
                    #expect(took < .seconds(15), "\(uri) was answered after \(took)")
                }
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(buffer: response.body).contains("\"status\":\"unavailable\""))
                }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("newsroom_database_up 0"), "\(String(buffer: response.body))")
                }
            }
            group.cancelAll()
        }
        // Past the pool's minute it answers with this; it is an outage, not a fault.
        #expect((EventStoreError.from(ConnectionPoolError.connectionCreationCircuitBreakerTripped) as? EventStoreError)?.code == .databaseUnavailable)
    }

    @Test("a database that answers with an error is a fault (500); one that cannot answer is unavailable (503)")
    func unavailabilityStates() {
        for state in ["08006", "08001", "57P01", "57P03", "53300"] { #expect(EventStoreError.meansUnavailable(state), "\(state)") }
        for state in ["22021", "42501", "42P01", "XX000", "40001"] { #expect(!EventStoreError.meansUnavailable(state), "\(state)") }
    }

    @Test("related articles and the editor's pick; health; every route is in the OpenAPI document")
    func relatedHealthOpenAPI() async throws {
        let fixture = try await Self.fixture()
        try await withAPI(fixture) { client in
            try await client.execute(uri: "/articles/putin-kim-jong-un/related", method: .get) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((object?["related"] as? [Any])?.count == 1)
                #expect((object?["editorsPick"] as? [String: Any])?["rel"] as? String == "editorsPick")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"lagEvents\""))
                // The fixture caught its models up itself; no follower runs in this test's database.
                #expect(String(buffer: response.body).contains(#""follower":"not running""#), "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let paths = Set(((object?["paths"] as? [String: Any]) ?? [:]).keys)
                #expect(paths == Set(ReadAPI.Route.allCases.map(\.rawValue)))
            }
        }
    }

    @Test("a link to another of our articles is shown only while that article is visible, under its current headline, and the ETag follows it")
    func linksFollowTheirArticles() async throws {
        let fixture = try await Self.fixture()
        let room = fixture.room
        let (embargoed, killed, draft) = (fixture.hidden[0], fixture.hidden[1], fixture.hidden[2])
        func link(_ id: ArticleID, _ title: String) -> ArticleReference { ArticleReference(articleID: id, title: title) }
        _ = try await Self.publish(room, headline: "Berita utama", slug: "berita-utama", then: [
            .relate(link(fixture.published, "Judul lama")), .relate(link(draft, "Draf rahasia")), .relate(link(embargoed, "Embargo")),
            .relate(link(killed, "Ditarik")), .pick(link(draft, "Draf rahasia")),
        ])
        try await room.catchUpAll()
        @Sendable func shown(_ client: any TestClientProtocol) async throws -> (related: [String], hasPick: Bool, etag: String, body: String) {
            try await client.execute(uri: "/articles/berita-utama", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let associations = (document["associations"] as? [[String: Any]]) ?? []
                let titles = associations.filter { $0["rel"] as? String == "related" }.map { (($0["headlines"] as? [[String: Any]])?.first?["value"] as? String) ?? "" }
                return (titles, associations.contains { $0["rel"] as? String == "editorsPick" }, response.headers[.eTag] ?? "", body)
            }
        }
        // The embargoed article it links to appears by the clock alone, in an hour: the API's cache
        // keeps the document only until then.
        let changeAt = try await TestCluster.rows(room.db, "SELECT extract(epoch FROM links_change_at - now())::int::text FROM published.visible_articles WHERE slug = 'berita-utama'")
        #expect(changeAt.count == 1 && (3500...3600).contains(Int(changeAt[0]) ?? 0), "\(changeAt)")
        try await withAPI(fixture) { client in
            let before = try await shown(client)
            // The outside link stays; of ours only the visible one, under its headline of today.
            #expect(before.related == ["Xi Jinping dan Putin", "Putin Siap Penuhi Undangan Kim Jong Un"], "\(before.body)")
            #expect(!before.hasPick, "\(before.body)")
            for secret in ["Draf rahasia", "Embargo", "Ditarik", "Judul lama"] {
                #expect(!before.body.contains(secret), "\(secret) in \(before.body)")
            }
            for hidden in fixture.hidden { #expect(!before.body.contains(hidden.description), "\(hidden) in \(before.body)") }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID()).json")
            try Data(before.body.utf8).write(to: file)
            let validator = CLIRunner.fixturesDirectory.appendingPathComponent("ninjs/validate.py").path
            let valid = try await CLIRunner.spawn("/usr/bin/env", ["python3", validator, file.path], environment: ProcessInfo.processInfo.environment)
            #expect(valid.status == 0, "\(valid.stdout)")
            let related = try await client.execute(uri: "/articles/berita-utama/related", method: .get) { String(buffer: $0.body) }
            #expect(!related.contains("Draf rahasia") && related.contains("Putin Siap Penuhi Undangan Kim Jong Un"), "\(related)")

            // The linked article retitled by a correction, then taken down: the link follows, and
            // a reader's cached copy is not confirmed as current.
            _ = try await room.as(room.editors[0]) {
                try await $0.execute(.correct(note: "Judul diperbarui", changes: ArticleFields(headline: "Putin Tiba di Pyongyang")), on: fixture.published, commandID: UUID())
            }
            try await room.catchUpAll()
            let retitled = try await shown(client)
            #expect(retitled.related == ["Xi Jinping dan Putin", "Putin Tiba di Pyongyang"], "\(retitled.body)")
            #expect(retitled.etag != before.etag)
            try await client.execute(uri: "/articles/berita-utama", method: .get, headers: [.ifNoneMatch: before.etag]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/articles/berita-utama", method: .get, headers: [.ifNoneMatch: retitled.etag]) { #expect($0.status == .notModified) }
            _ = try await room.as(room.editors[0]) { try await $0.execute(.unpublish(reason: "hukum"), on: fixture.published, commandID: UUID()) }
            try await room.catchUpAll()
            let takenDown = try await shown(client)
            #expect(takenDown.related == ["Xi Jinping dan Putin"], "\(takenDown.body)")
            #expect(!takenDown.body.contains("Putin Tiba"), "\(takenDown.body)")
            #expect(takenDown.etag != retitled.etag)
            // A rebuild swaps in a copy made under another schema name; the links resolve as before.
            try await TestCluster.withStore(room.db) { store in
                _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger).rebuild(PublishedArticlesProjection())
            }
            let rebuilt = try await shown(client)
            #expect(rebuilt.related == takenDown.related && rebuilt.etag == takenDown.etag, "\(rebuilt.body)")
        }
    }

    @Test("the API's role cannot read drafts, the desk, the audit base tables or the log")
    func readOnlyRole() async throws {
        let fixture = try await Self.fixture()
        try await Database.withClient(fixture.room.db.with(user: "newsroom_api"), logger: TestCluster.logger) { client in
            for sql in ["SELECT * FROM events", "SELECT * FROM desk.queue", "SELECT * FROM published.articles", "SELECT * FROM published.article_state",
                        "SELECT * FROM streams", "SELECT append_events('x', 'x', 0, gen_random_uuid(), 'x', '[]')"] {
                var state: String?
                do { try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger) } catch let error as PSQLError { state = error.serverInfo?[.sqlState] }
                #expect(state == "42501", "\(sql) was allowed")
            }
        }
    }
}
