import Foundation
import NewsroomEventStore
@testable import NewsroomLibPQ
import NewsroomTestSupport
import Testing

@Suite("Appends through libpq")
struct LibPQAppenderTests {
    @Test("one-event appends and pairs of them take the libpq connection; several events, and a closed connection's appends, do not pass silently")
    func routing() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { plain in
            let appender = try #require(try await LibPQAppender.connect(db))
            let store = plain.appending(through: appender)
            let stream = StreamID("article-\(UUID())")
            let first = try await store.append([NewEvent(type: "TestHappened", payload: #"{"n":1}"#)], to: stream, streamType: "article",
                                               expectedVersion: .noStream, metadata: EventMetadata(commandID: UUID()), digest: "a")
            let second = try await store.append([NewEvent(type: "TestHappened", payload: #"{"n":2,"text":"'; DROP TABLE events; -- “kamerad”"}"#)],
                                                to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: EventMetadata(commandID: UUID()), digest: "b")
            #expect(first.streamVersion == 1 && second.streamVersion == 2 && second.firstPosition > first.lastPosition)
            let events = try await store.readStream(stream)
            #expect(events.map(\.streamVersion) == [1, 2])
            #expect(events[1].payload.contains("DROP TABLE events") && events[1].payload.contains("“kamerad”"))
            #expect(events.allSatisfy { $0.actor == db.user })
            #expect(try await store.verify().firstBreak == nil)

            await appender.close()
            let closed = await #expect(throws: EventStoreError.self) {
                try await store.append([NewEvent(type: "TestHappened", payload: "{}")], to: stream, streamType: "article",
                                       expectedVersion: .exactly(2), metadata: EventMetadata(commandID: UUID()), digest: "c")
            }
            #expect(closed?.code == .databaseUnavailable)
            // So does a pair of one-event appends (a draft's article and slug).
            let closedPair = await #expect(throws: EventStoreError.self) {
                _ = try await store.append(StreamAppend([NewEvent(type: "TestHappened", payload: "{}")], to: StreamID("article-\(UUID())"), streamType: "article",
                                                        expectedVersion: .noStream, metadata: EventMetadata(commandID: UUID()), digest: "e"),
                                           StreamAppend([NewEvent(type: "TestHappened", payload: "{}")], to: StreamID("slug-\(UUID())"), streamType: "slug",
                                                        expectedVersion: .noStream, metadata: EventMetadata(commandID: UUID()), digest: "f"))
            }
            #expect(closedPair?.code == .databaseUnavailable)
            // Several events go through PostgresNIO, whatever the appender's state.
            let many = try await store.append([NewEvent(type: "TestHappened", payload: "{}"), NewEvent(type: "TestHappened", payload: "{}")],
                                              to: stream, streamType: "article", expectedVersion: .exactly(2), metadata: EventMetadata(commandID: UUID()), digest: "d")
            #expect(many.streamVersion == 4)
        }
    }

    @Test("a login PostgreSQL refuses is a clear error, not a crash")
    func refusedLogin() async throws {
        let db = try await TestCluster.freshDatabase()
        let error = await #expect(throws: EventStoreError.self) {
            _ = try await LibPQAppender.connect(db.with(user: "nobody_\(UUID().uuidString.prefix(8).lowercased())"))
        }
        #expect(error?.code == .databaseUnavailable)
        #expect(error?.message.contains("nobody_") == true)
    }

    @Test("settings map to libpq's keywords; a verify mode with the system's roots, which libpq 15 cannot name, stays on PostgresNIO")
    func parameters() throws {
        let socket = ConnectionSettings(endpoint: .socket(path: "/run/newsroom/.s.PGSQL.5433"), user: "ani", password: nil, database: "news", tls: .disable)
        let keywords = try #require(LibPQAppender.parameters(socket))
        #expect(keywords.contains { $0 == ("host", "/run/newsroom") } && keywords.contains { $0 == ("port", "5433") })
        #expect(!keywords.contains { $0.0 == "sslmode" } && !keywords.contains { $0.0 == "password" })

        var tcp = ConnectionSettings(endpoint: .tcp(host: "db.example", port: 6432), user: "ani", password: "s3cret'; --", database: "news",
                                     tls: .verifyFull(rootCertificate: "/etc/newsroom/ca.pem"))
        let verified = try #require(LibPQAppender.parameters(tcp))
        #expect(verified.contains { $0 == ("sslmode", "verify-full") } && verified.contains { $0 == ("sslrootcert", "/etc/newsroom/ca.pem") })
        #expect(verified.contains { $0 == ("password", "s3cret'; --") } && verified.contains { $0 == ("port", "6432") })
        tcp.tls = .require
        #expect(LibPQAppender.parameters(tcp)?.contains { $0 == ("sslmode", "require") } == true)
        tcp.tls = .verifyCA(rootCertificate: nil)
        #expect(LibPQAppender.parameters(tcp) == nil)
    }
}
