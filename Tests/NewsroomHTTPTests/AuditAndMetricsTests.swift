import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomHTTP
import NewsroomProjections
import NewsroomTestSupport
import PostgresNIO
import Synchronization
import Testing

/// The token-protected audit endpoint, /metrics and the request log, through Hummingbird's testing
/// library on a real database, connected as newsroom_api.
@Suite("Audit endpoint, metrics and request logs")
struct AuditAndMetricsTests {
    func withAPI(_ room: TestNewsroom, logger: Logger = TestCluster.logger, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await room.catchUpAll()
        try await Database.withClient(room.db.with(user: "newsroom_api"), logger: TestCluster.logger) { client in
            let app = Application(router: ReadAPI(readModels: ReadModels(client: client, logger: TestCluster.logger)).router(), logger: logger)
            try await app.test(.router, body)
        }
    }

    static func items(_ buffer: ByteBuffer) throws -> [[String: Any]] {
        ((try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }

    @Test("off without tokens; missing, unknown, revoked and demoted tokens are refused; a valid one reads the filtered trail")
    func auditTokens() async throws {
        let room = try await TestNewsroom.make()
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let article = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Audit me", body: "Isi."), slug: "audit-me", commandID: UUID()).articleID }
        _ = try await room.as(editor) { try await $0.execute(.assignEditor(login: editor), on: article, commandID: UUID()) }
        _ = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Another", body: "Isi."), slug: "another", commandID: UUID()) }

        try await withAPI(room) { client in
            try await client.execute(uri: "/audit", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("newsroom token create"))
            }
        }

        let token = try await room.as(editor) { try await $0.issueAccessToken(holder: nil, label: "dashboard", commandID: UUID()) }
        #expect(token.secret.hasPrefix("nrt_") && token.secret.count > 40)
        let refusedForReporter = await #expect(throws: RuleViolation.self) {
            try await room.as(room.chief) { try await $0.issueAccessToken(holder: reporter, label: "", commandID: UUID()) }
        }
        #expect(refusedForReporter?.code == .notAllowed)

        try await withAPI(room) { client in
            for (headers, what) in [([:], "missing"), ([.authorization: "Bearer nrt_forged"], "unknown"), ([.authorization: "Basic \(token.secret)"], "wrong scheme"),
                                    ([.authorization: "Bearer ' OR 1=1 --"], "injection")] as [(HTTPFields, String)] {
                try await client.execute(uri: "/audit", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(what)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(what)")
                }
            }
            let auth: HTTPFields = [.authorization: "Bearer \(token.secret)"]
            try await client.execute(uri: "/audit?article=\(article)&limit=1000", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "no-store")
                let items = try Self.items(response.body)
                #expect(items.map { $0["action"] as? String } == ["drafted", "assign-editor"])
                #expect(items.allSatisfy { $0["articleId"] as? String == article.description })
            }
            try await client.execute(uri: "/audit?actor=\(editor)&action=token-issued", method: .get, headers: auth) { response in
                let items = try Self.items(response.body)
                #expect(items.count == 1)
                #expect((items.first?["summary"] as? String)?.contains(token.tokenID.uuidString.lowercased()) == true)
            }
            // Paging: one entry at a time, in log order, no repeats.
            var positions: [Int] = []
            var uri = "/audit?actor=\(reporter)&limit=1"
            while positions.count < 10 {
                let next: String? = try await client.execute(uri: uri, method: .get, headers: auth) { response in
                    positions += try Self.items(response.body).compactMap { $0["position"] as? Int }
                    return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["next"] as? String
                }
                guard let next else { break }
                uri = "/audit?actor=\(reporter)&limit=1&after=\(next)"
            }
            #expect(positions.count == 2 && positions == positions.sorted())
            try await client.execute(uri: "/audit?since=2000-01-01&until=2000-01-02", method: .get, headers: auth) { response in
                let items = try Self.items(response.body)
                #expect(items.isEmpty)
            }
            for bad in ["/audit?limit=0", "/audit?limit=x", "/audit?since=yesterday", "/audit?since=2026-02-01&until=2026-01-01", "/audit?actor=Robert%27);DROP",
                        "/audit?action=%00", "/audit?article=..%2F..", "/audit?after=-1",
                        // Years Foundation reads but PostgreSQL (or a 64-bit count of microseconds) cannot hold.
                        "/audit?since=300000-01-01T00:00:00Z", "/audit?until=99999-01-01T00:00:00Z", "/audit?since=0000-01-01T00:00:00Z"] {
                try await client.execute(uri: bad, method: .get, headers: auth) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(String(buffer: response.body).contains("\"error\""), "\(bad)")
                }
            }
            try await client.execute(uri: "/audit?article=never-published", method: .get, headers: auth) { #expect($0.status == .notFound) }
            // A typo of an action matched nothing, which read as "nobody did that".
            try await client.execute(uri: "/audit?action=publish", method: .get, headers: auth) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#"action \"publish\" is not an audit action. Did you mean published? Actions: drafted, edited"#), "\(String(buffer: response.body))")
            }
        }

        // Revoked: refused, and with no other token the endpoint is off again.
        let second = try await room.as(room.chief) { try await $0.issueAccessToken(holder: room.editors[1], label: "", commandID: UUID()) }
        _ = try await room.as(editor) { try await $0.revokeAccessToken(token.tokenID, commandID: UUID()) }
        try await withAPI(room) { client in
            try await client.execute(uri: "/audit", method: .get, headers: [.authorization: "Bearer \(token.secret)"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/audit", method: .get, headers: [.authorization: "Bearer \(second.secret)"]) { #expect($0.status == .ok) }
        }
        // A holder demoted to reporter loses access without anyone touching the token.
        _ = try await TestCluster.withStore(room.db) { try await Newsroom(store: $0).changeStaffRole(login: room.editors[1], role: .reporter, commandID: UUID()) }
        try await withAPI(room) { client in
            try await client.execute(uri: "/audit", method: .get, headers: [.authorization: "Bearer \(second.secret)"]) { #expect($0.status == .unauthorized) }
            // With no valid token left, the endpoint is off for anyone who presents none.
            try await client.execute(uri: "/audit", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("/metrics counts requests by route and status, times them, and reports projection lag; every request is logged")
    func metricsAndLogs() async throws {
        let room = try await TestNewsroom.make()
        let records = LogRecords()
        var logger = Logger(label: "test.api") { _ in CapturingLogHandler(records: records) }
        logger.logLevel = .info
        try await withAPI(room, logger: logger) { client in
            try await client.execute(uri: "/articles/nothing-here", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/articles/nothing-here", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/articles?limit=0", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"http_requests_total{method="GET",route="/articles/{slug}",status="404"} 2"#), "\(text)")
                #expect(text.contains(#"http_requests_total{method="GET",route="/articles",status="400"} 1"#))
                #expect(text.contains(#"http_request_duration_seconds_count{method="GET",route="/articles/{slug}"} 2"#))
                #expect(text.contains(#"newsroom_projection_lag_events{projection="published"} 0"#))
                #expect(text.contains("newsroom_database_up 1"))
                #expect(text.contains("newsroom_projection_follower_running 0"), "\(text)")
            }
        }
        let requests = records.entries.filter { $0.message == "request" }
        #expect(requests.count == 4)
        let first = try #require(requests.first)
        #expect(first.metadata["http.route"] == "/articles/{slug}")
        #expect(first.metadata["http.status"] == "404")
        #expect(first.metadata["http.path"] == "/articles/nothing-here")
        #expect(first.metadata["hb.request.id"] != nil)
        #expect(Double(first.metadata["duration_ms"] ?? "") != nil)
    }
}

/// Keeps what the API logs, to assert on its fields.
final class LogRecords: Sendable {
    struct Entry: Sendable { var message: String; var metadata: [String: String] }
    private let stored = Mutex<[Entry]>([])
    var entries: [Entry] { stored.withLock { $0 } }
    func append(_ entry: Entry) { stored.withLock { $0.append(entry) } }
}

struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append(.init(message: event.message.description, metadata: metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }))
    }
}
