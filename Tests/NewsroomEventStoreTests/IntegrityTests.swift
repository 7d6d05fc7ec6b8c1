import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("The log is append-only, attributed, and tamper-evident")
struct IntegrityTests {
    static func seed(_ store: EventStore, streams: Int = 3, perStream: Int = 4) async throws {
        for s in 0..<streams {
            for n in 0..<perStream {
                _ = try await store.append([NewEvent(type: "T", payload: "{\"n\":\(n)}")], to: StreamID("article-\(s)"), streamType: "article",
                                           expectedVersion: .exactly(n), metadata: EventMetadata(commandID: UUID()), digest: "\(s)-\(n)")
            }
        }
    }

    static func sqlState(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch let error as PSQLError { return error.serverInfo?[.sqlState] } catch { return "other: \(error)" }
    }

    @Test("UPDATE, DELETE and TRUNCATE are refused for the table owner, by trigger")
    func ownerCannotRewriteHistory() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            try await Self.seed(store)
            let client = store.client
            let logger = TestCluster.logger
            #expect(await Self.sqlState { try await client.query("UPDATE events SET payload = '{}' WHERE position = 1", logger: logger) } == "NR003")
            #expect(await Self.sqlState { try await client.query("DELETE FROM events WHERE position = 1", logger: logger) } == "NR003")
            #expect(await Self.sqlState { try await client.query("TRUNCATE events", logger: logger) } == "NR003")
            #expect(await Self.sqlState { try await client.query("DELETE FROM commands", logger: logger) } == "NR003")
            #expect(try await store.committedEvents(after: .start) == 12)
        }
    }

    @Test("the application role cannot UPDATE, DELETE, TRUNCATE or INSERT directly")
    func applicationRoleCannotWriteTable() async throws {
        let db = try await TestCluster.freshDatabase()
        let reporter = try await TestCluster.createLogin("reporter", group: "reporter")
        try await TestCluster.withStore(db) { try await Self.seed($0) }
        try await TestCluster.withStore(db.with(user: reporter)) { store in
            let client = store.client
            let logger = TestCluster.logger
            #expect(await Self.sqlState { try await client.query("UPDATE events SET payload = '{}'", logger: logger) } == "42501")
            #expect(await Self.sqlState { try await client.query("DELETE FROM events", logger: logger) } == "42501")
            #expect(await Self.sqlState { try await client.query("TRUNCATE events", logger: logger) } == "42501")
            #expect(await Self.sqlState {
                try await client.query("INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, command_id, actor, recorded_at, hash) VALUES ('x', 1, gen_random_uuid(), 'T', 1, '{}', '{}', gen_random_uuid(), 'someone', now(), '\\x00')", logger: logger)
            } == "42501")
            // The append's inner part runs with its caller's rights and trusts its caller about the
            // command record, so only the owner's own functions may call it.
            #expect(await Self.sqlState {
                try await client.query("SELECT * FROM append_events_rest('article-0', 'article', 4, gen_random_uuid(), 'x', '[{\"event_id\":\"8d6a3c1e-4b7f-4e0a-9c2d-1f3e5a7b9c0d\",\"event_type\":\"T\",\"schema_version\":1,\"payload\":{},\"metadata\":{}}]', NULL, NULL, now(), true)", logger: logger)
            } == "42501")
            // Reading and appending through the store is what the role is for.
            #expect(try await store.committedEvents(after: .start) == 12)
            _ = try await store.append([NewEvent(type: "T", payload: "{}")], to: StreamID("article-0"), streamType: "article",
                                       expectedVersion: .exactly(4), metadata: EventMetadata(commandID: UUID()), digest: "x")
        }
    }

    @Test("the actor is the authenticated role: two logins, and no way to append as the other")
    func actorIsSessionUser() async throws {
        let db = try await TestCluster.freshDatabase()
        let alice = try await TestCluster.createLogin("alice", group: "reporter")
        let bob = try await TestCluster.createLogin("bob", group: "editor")
        let stream = StreamID("article-\(UUID())")
        try await TestCluster.withStore(db.with(user: alice)) { store in
            _ = try await store.append([NewEvent(type: "T", payload: "{}")], to: stream, streamType: "article", expectedVersion: .noStream, metadata: EventMetadata(commandID: UUID()), digest: "a")
            // SET ROLE changes current_user, not session_user; and alice may not become bob anyway.
            #expect(await Self.sqlState { try await store.client.query(PostgresQuery(unsafeSQL: "SET ROLE \(bob)"), logger: TestCluster.logger) } == "42501")
            #expect(await Self.sqlState { try await store.client.query(PostgresQuery(unsafeSQL: "SET SESSION AUTHORIZATION \(bob)"), logger: TestCluster.logger) } == "42501")
        }
        try await TestCluster.withStore(db.with(user: bob)) { store in
            _ = try await store.append([NewEvent(type: "T", payload: "{}")], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: EventMetadata(commandID: UUID()), digest: "b")
            let events = try await store.readStream(stream)
            #expect(events.map(\.actor) == [alice, bob])
        }
        // Even the owner, inserting by hand, cannot write an actor other than itself.
        try await TestCluster.withStore(db) { store in
            let state = await Self.sqlState {
                try await store.client.query(PostgresQuery(unsafeSQL: "INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, command_id, actor, recorded_at, hash) VALUES ('forged', 1, gen_random_uuid(), 'T', 1, '{}', '{}', gen_random_uuid(), '\(alice)', now(), '\\x00')"), logger: TestCluster.logger)
            }
            #expect(state == "NR004")
        }
    }

    @Test("verify passes on an intact log and names the first event altered behind the database's back")
    func verifyDetectsTampering() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            try await Self.seed(store)
            let intact = try await store.verify()
            #expect(intact.firstBreak == nil)
            #expect(intact.eventsChecked == 12)
            #expect(intact.streamsChecked == 3)

            let target = try await store.readStream(StreamID("article-1"))[2]
            try await store.client.withConnection { connection in
                // A superuser can switch triggers off; the hash chain is what still notices.
                try await connection.query("SET session_replication_role = replica", logger: TestCluster.logger)
                try await connection.query("UPDATE events SET payload = '{\"n\": 99}' WHERE position = \(target.position)", logger: TestCluster.logger)
                try await connection.query("SET session_replication_role = origin", logger: TestCluster.logger)
            }
            let tampered = try await store.verify()
            #expect(tampered.firstBreak?.position == target.position)
            #expect(tampered.firstBreak?.streamID == StreamID("article-1"))
        }
    }

    @Test("verify notices a deleted event, in the middle of a stream or at its end")
    func verifyDetectsDeletion() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            try await Self.seed(store)
            let middle = try await store.readStream(StreamID("article-0"))[1]
            let last = try await store.readStream(StreamID("article-2"))[3]
            try await store.client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica", logger: TestCluster.logger)
                try await connection.query("DELETE FROM events WHERE position = \(last.position)", logger: TestCluster.logger)
            }
            #expect(try await store.verify().firstBreak?.streamID == StreamID("article-2"))
            try await store.client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica", logger: TestCluster.logger)
                try await connection.query("DELETE FROM events WHERE position = \(middle.position)", logger: TestCluster.logger)
            }
            let report = try await store.verify()
            #expect(report.firstBreak?.streamID == StreamID("article-0"))
            #expect(report.firstBreak?.streamVersion == 3)
        }
    }
}
