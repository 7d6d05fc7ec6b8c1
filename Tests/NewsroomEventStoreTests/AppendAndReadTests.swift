import Foundation
@testable import NewsroomEventStore
import NewsroomLibPQ
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("Appending and reading streams")
struct AppendAndReadTests {
    func event(_ n: Int) -> NewEvent {
        NewEvent(type: "TestHappened", payload: "{\"n\":\(n),\"text\":\"Saling memanggil “kamerad” '; DROP TABLE events; --\"}")
    }

    func meta() -> EventMetadata { EventMetadata(commandID: UUID()) }

    /// `body` with a store whose one-event appends go through PostgresNIO, or through libpq.
    func withStore(_ db: ConnectionSettings, libpq: Bool, _ body: @Sendable (EventStore) async throws -> Void) async throws {
        try await TestCluster.withStore(db) { store in
            guard libpq else { return try await body(store) }
            let appender = try #require(try await LibPQAppender.connect(db))
            do {
                try await body(store.appending(through: appender))
            } catch {
                await appender.close()
                throw error
            }
            await appender.close()
        }
    }

    @Test("events come back in version order with every field the log promises")
    func roundTrip() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID())")
            let metadata = EventMetadata(commandID: UUID(), correlationID: UUID(), causationID: UUID())
            let first = try await store.append([event(1), event(2)], to: stream, streamType: "article",
                                               expectedVersion: .noStream, metadata: metadata, digest: "a")
            #expect(first.streamVersion == 2)
            #expect(first.lastPosition == first.firstPosition + 1)
            #expect(!first.wasDuplicate)
            _ = try await store.append([event(3)], to: stream, streamType: "article", expectedVersion: .exactly(2), metadata: meta(), digest: "b")

            let events = try await store.readStream(stream)
            #expect(events.map(\.streamVersion) == [1, 2, 3])
            #expect(events[0].metadata == metadata)
            #expect(events[0].type == "TestHappened")
            #expect(events[0].schemaVersion == 1)
            #expect(events[0].payload.contains("DROP TABLE events"))
            #expect(events[0].payload.contains("“kamerad”"))
            #expect(events[0].actor == db.user)
            #expect(Set(events.map(\.eventID)).count == 3)
            #expect(events.allSatisfy { Array($0.eventID.uuidString)[14] == "7" }, "events appended without ids get time-ordered (version 7) ones")
            #expect(try await store.readStream(stream, upToVersion: 2).count == 2)
            #expect(try await store.streamVersion(stream) == 3)
        }
    }

    @Test("two streams appended in one statement: both written in order, both or neither, a resend answers both as before")
    func appendPair() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let (slug, article) = (StreamID("slug-\(UUID())"), StreamID("article-\(UUID())"))
            let (slugMeta, articleMeta) = (meta(), meta())
            let pair = (StreamAppend([event(1)], to: slug, streamType: "slug", expectedVersion: .noStream, metadata: slugMeta, digest: "s"),
                        StreamAppend([event(2), event(3)], to: article, streamType: "article", expectedVersion: .noStream, metadata: articleMeta, digest: "a"))
            let (one, two) = try await store.append(pair.0, pair.1)
            #expect(one.streamVersion == 1 && two.streamVersion == 2)
            #expect(two.firstPosition > one.lastPosition && two.lastPosition == two.firstPosition + 1)
            #expect(!one.wasDuplicate && !two.wasDuplicate)
            #expect(try await store.readStream(article).map(\.metadata) == [articleMeta, articleMeta])
            let (again1, again2) = try await store.append(pair.0, pair.1)
            #expect(again1 == AppendResult(firstPosition: one.firstPosition, lastPosition: one.lastPosition, streamVersion: 1, wasDuplicate: true))
            #expect(again2 == AppendResult(firstPosition: two.firstPosition, lastPosition: two.lastPosition, streamVersion: 2, wasDuplicate: true))

            // The second stream exists already: the first append, made before it in the same
            // statement, is undone with it.
            let (newSlug, taken) = (StreamID("slug-\(UUID())"), StreamID("article-\(UUID())"))
            _ = try await store.append([event(4)], to: taken, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "x")
            let refused = await #expect(throws: EventStoreError.self) {
                _ = try await store.append(StreamAppend([event(5)], to: newSlug, streamType: "slug", expectedVersion: .noStream, metadata: meta(), digest: "s"),
                                           StreamAppend([event(6)], to: taken, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a"))
            }
            #expect(refused?.code == .conflict)
            #expect(try await store.streamVersion(newSlug) == 0)
            #expect(try await store.readStream(newSlug).isEmpty)
            #expect(try await store.streamVersion(taken) == 1)
        }
    }

    @Test("a body-sized payload is stored compressed with lz4 where the server has it, and reads back whole")
    func payloadCompression() async throws {
        let db = try await TestCluster.freshDatabase()
        let body = String(repeating: "Presiden Rusia Vladimir Putin menerima pemimpin Korea Utara di kosmodrom Vostochny. ", count: 80)
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID())")
            _ = try await store.append([NewEvent(type: "TestHappened", payload: "{\"body\": \"\(body)\"}")], to: stream, streamType: "article",
                                       expectedVersion: .noStream, metadata: meta(), digest: "a")
            let method = try await TestCluster.rows(db, "SELECT pg_column_compression(payload) FROM events WHERE stream_id = '\(stream.rawValue)'")
            let lz4 = try await TestCluster.rows(db, "SELECT ('lz4' = ANY(enumvals))::text FROM pg_settings WHERE name = 'default_toast_compression'")
            #expect(method == [lz4 == ["true"] ? "lz4" : "pglz"])
            #expect(try await store.readStream(stream).first?.payload.contains(body) == true)
        }
    }

    @Test("reading as of an instant stops at that instant")
    func asOf() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID())")
            _ = try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a")
            let between = try await store.readStream(stream)[0].recordedAt.addingTimeInterval(0.05)
            try await Task.sleep(for: .milliseconds(100))
            _ = try await store.append([event(2)], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: meta(), digest: "b")
            #expect(try await store.readStream(stream, asOf: between).map(\.streamVersion) == [1])
            #expect(try await store.readStream(stream).count == 2)
        }
    }

    @Test("a stale expected version is a typed conflict naming the actual version and who wrote it", arguments: [false, true])
    func conflict(throughLibPQ: Bool) async throws {
        let db = try await TestCluster.freshDatabase()
        try await withStore(db, libpq: throughLibPQ) { store in
            let stream = StreamID("article-\(UUID())")
            _ = try await store.append([event(1), event(2)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a")
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append([event(3)], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: meta(), digest: "b")
            }
            #expect(error?.code == .conflict)
            #expect(error?.conflict?.actualVersion == 2)
            #expect(error?.conflict?.expectedVersion == 1)
            #expect(error?.conflict?.lastActor == db.user)
            #expect(error?.conflict?.lastRecordedAt != nil)
            #expect(error?.message.contains("you expected version 1, it is 2") == true)

            let again = await #expect(throws: EventStoreError.self) {
                try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "c")
            }
            #expect(again?.code == .conflict)
            #expect(try await store.streamVersion(stream) == 2)
        }
    }

    @Test("two writers racing for the same version: exactly one wins")
    func racingWriters() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID())")
            _ = try await store.append([event(0)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a")
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        (try? await store.append([event(n)], to: stream, streamType: "article", expectedVersion: .exactly(1),
                                                 metadata: EventMetadata(commandID: UUID()), digest: "\(n)")) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.streamVersion(stream) == 2)
        }
    }

    @Test("the same command sent eight times at once appends once, and every copy answers with that append")
    func concurrentResends() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID())")
            _ = try await store.append([event(0)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a")
            let metadata = meta()
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: metadata, digest: "same")
                    }
                }
                return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
            }
            #expect(results.count == 8)
            #expect(results.filter { !$0.wasDuplicate }.count == 1)
            #expect(Set(results.map(\.firstPosition)).count == 1)
            #expect(results.allSatisfy { $0.streamVersion == 2 })
            #expect(try await store.readStream(stream).map(\.streamVersion) == [1, 2])
        }
    }

    @Test("the same command id again appends nothing and returns the first result; different content is refused")
    func idempotentCommands() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID())")
            let metadata = meta()
            let first = try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: metadata, digest: "same")
            let second = try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: metadata, digest: "same")
            #expect(second.wasDuplicate)
            #expect(second.firstPosition == first.firstPosition)
            #expect(second.streamVersion == first.streamVersion)
            #expect(try await store.readStream(stream).count == 1)

            let error = await #expect(throws: EventStoreError.self) {
                try await store.append([event(2)], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: metadata, digest: "other")
            }
            #expect(error?.code == .commandReused)
            #expect(try await store.readStream(stream).count == 1)

            // A command of two events, resent: the answer spans both.
            let pair = meta()
            let both = try await store.append([event(2), event(3)], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: pair, digest: "pair")
            let again = try await store.append([event(2), event(3)], to: stream, streamType: "article", expectedVersion: .exactly(1), metadata: pair, digest: "pair")
            #expect(again.wasDuplicate && both.lastPosition > both.firstPosition)
            #expect(again.firstPosition == both.firstPosition && again.lastPosition == both.lastPosition && again.streamVersion == 3)
            let recorded = try await store.recordedCommand(pair.commandID)
            #expect(recorded?.stream == stream && recorded?.digest == "pair")
            #expect(recorded?.result.firstPosition == both.firstPosition && recorded?.result.lastPosition == both.lastPosition)
        }
    }

    @Test("a resent command's events are found through an index, not by reading the whole log")
    func resentCommandLookupUsesStreamIndex() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            // With sequential scans priced out, a plan still scans the log only if no index serves it.
            let plan = try await store.client.withConnection { connection in
                try await connection.query("SET enable_seqscan = off", logger: TestCluster.logger)
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN " + EventStore.recordedCommandSQL.replacingOccurrences(of: "$1", with: "'8d6a3c1e-4b7f-4e0a-9c2d-1f3e5a7b9c0d'::uuid")),
                                                      logger: TestCluster.logger)
                return try await rows.collect().map { try $0.decode(String.self) }.joined(separator: "\n")
            }
            #expect(!plan.contains("Seq Scan on events"), "\(plan)")
            #expect(plan.contains("events_command"), "\(plan)")
        }
    }

    @Test("a one-event append on a named version (one statement) chains, and each way it fails leaves nothing behind", arguments: [false, true])
    func appendOnNamedVersion(throughLibPQ: Bool) async throws {
        let db = try await TestCluster.freshDatabase()
        try await withStore(db, libpq: throughLibPQ) { store in
            let stream = StreamID("article-\(UUID())"), roster = StreamID("staff-\(UUID())")
            _ = try await store.append([event(1), event(2)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a")
            _ = try await store.append([event(0)], to: roster, streamType: "staff", expectedVersion: .noStream, metadata: meta(), digest: "r")
            let onRoster = ContextVersion(stream: roster, version: 1)

            let metadata = meta()
            let third = try await store.append([event(3)], to: stream, streamType: "article", expectedVersion: .exactly(2), metadata: metadata, digest: "c", requiring: onRoster)
            #expect(third.streamVersion == 3 && !third.wasDuplicate && third.firstPosition == third.lastPosition)
            let resent = try await store.append([event(3)], to: stream, streamType: "article", expectedVersion: .exactly(2), metadata: metadata, digest: "c", requiring: onRoster)
            #expect(resent.wasDuplicate && resent.firstPosition == third.firstPosition && resent.streamVersion == 3)
            let reused = await #expect(throws: EventStoreError.self) {
                try await store.append([event(4)], to: stream, streamType: "article", expectedVersion: .exactly(3), metadata: metadata, digest: "other")
            }
            #expect(reused?.code == .commandReused)

            // Each refusal below must take its command record with it: the same command id then
            // appends normally, which it could not if the record had stayed.
            let refused = meta()
            let moved = await #expect(throws: EventStoreError.self) {
                try await store.append([event(4)], to: stream, streamType: "article", expectedVersion: .exactly(3), metadata: refused, digest: "d",
                                       requiring: ContextVersion(stream: roster, version: 0))
            }
            #expect(moved?.code == .contextChanged)
            let stale = await #expect(throws: EventStoreError.self) {
                try await store.append([event(4)], to: stream, streamType: "article", expectedVersion: .exactly(2), metadata: refused, digest: "d")
            }
            #expect(stale?.code == .conflict)
            #expect(stale?.conflict?.actualVersion == 3)
            #expect(stale?.conflict?.lastActor == db.user)
            let missing = await #expect(throws: EventStoreError.self) {
                try await store.append([event(4)], to: StreamID("article-\(UUID())"), streamType: "article", expectedVersion: .exactly(5), metadata: refused, digest: "d")
            }
            #expect(missing?.code == .conflict)
            #expect(missing?.conflict?.actualVersion == 0)
            let fourth = try await store.append([event(4)], to: stream, streamType: "article", expectedVersion: .exactly(3), metadata: refused, digest: "d", requiring: onRoster)
            #expect(fourth.streamVersion == 4 && !fourth.wasDuplicate)

            #expect(try await store.readStream(stream).map(\.streamVersion) == [1, 2, 3, 4])
            #expect(try await store.streamVersion(stream) == 4)
            let report = try await store.verify()
            #expect(report.firstBreak == nil)
            #expect(report.eventsChecked == 5)
        }
    }

    @Test("a one-event append that starts its stream (one statement) chains, and each way it fails leaves nothing behind", arguments: [false, true])
    func appendStartingStream(throughLibPQ: Bool) async throws {
        let db = try await TestCluster.freshDatabase()
        try await withStore(db, libpq: throughLibPQ) { store in
            let roster = StreamID("staff-\(UUID())")
            _ = try await store.append([event(0)], to: roster, streamType: "staff", expectedVersion: .noStream, metadata: meta(), digest: "r")
            let onRoster = ContextVersion(stream: roster, version: 1)

            let stream = StreamID("article-\(UUID())"), metadata = meta()
            let first = try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: metadata, digest: "a", requiring: onRoster)
            #expect(first.streamVersion == 1 && !first.wasDuplicate && first.firstPosition == first.lastPosition)
            let resent = try await store.append([event(1)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: metadata, digest: "a", requiring: onRoster)
            #expect(resent == AppendResult(firstPosition: first.firstPosition, lastPosition: first.lastPosition, streamVersion: 1, wasDuplicate: true))
            let reused = await #expect(throws: EventStoreError.self) {
                try await store.append([event(9)], to: StreamID("article-\(UUID())"), streamType: "article", expectedVersion: .noStream, metadata: metadata, digest: "other")
            }
            #expect(reused?.code == .commandReused)

            // Each refusal must take its command record and its stream row with it: the same
            // command id then starts the same stream normally.
            let refused = meta(), another = StreamID("article-\(UUID())")
            let moved = await #expect(throws: EventStoreError.self) {
                try await store.append([event(2)], to: another, streamType: "article", expectedVersion: .noStream, metadata: refused, digest: "b",
                                       requiring: ContextVersion(stream: roster, version: 0))
            }
            #expect(moved?.code == .contextChanged)
            #expect(try await store.streamVersion(another) == 0)
            let exists = await #expect(throws: EventStoreError.self) {
                try await store.append([event(2)], to: stream, streamType: "article", expectedVersion: .noStream, metadata: refused, digest: "b")
            }
            #expect(exists?.code == .conflict)
            #expect(exists?.conflict?.actualVersion == 1)
            #expect(exists?.conflict?.lastActor == db.user)
            let started = try await store.append([event(2)], to: another, streamType: "article", expectedVersion: .noStream, metadata: refused, digest: "b", requiring: onRoster)
            #expect(started.streamVersion == 1 && !started.wasDuplicate)
            let second = try await store.append([event(3)], to: another, streamType: "article", expectedVersion: .exactly(1), metadata: meta(), digest: "c")
            #expect(second.streamVersion == 2)

            let records = try await store.readStream(another)
            #expect(records.map(\.streamVersion) == [1, 2])
            #expect(records[0].metadata == refused && records[0].actor == db.user && records[0].payload.contains("\"n\": 2"))
            let report = try await store.verify()
            #expect(report.firstBreak == nil)
            #expect(report.eventsChecked == 4)
        }
    }

    @Test("a draft's pair of one-event appends starts both streams, answers a resend as before, and writes neither when one is refused", arguments: [false, true])
    func appendOneEventPair(throughLibPQ: Bool) async throws {
        let db = try await TestCluster.freshDatabase()
        try await withStore(db, libpq: throughLibPQ) { store in
            let (article, slug) = (StreamID("article-\(UUID())"), StreamID("slug-\(UUID())"))
            let pair = (StreamAppend([event(1)], to: article, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a"),
                        StreamAppend([event(2)], to: slug, streamType: "slug", expectedVersion: .noStream, metadata: meta(), digest: "s"))
            let (one, two) = try await store.append(pair.0, pair.1)
            #expect(one.streamVersion == 1 && two.streamVersion == 1 && two.firstPosition > one.lastPosition)
            #expect(!one.wasDuplicate && !two.wasDuplicate)
            let (again1, again2) = try await store.append(pair.0, pair.1)
            #expect(again1 == AppendResult(firstPosition: one.firstPosition, lastPosition: one.lastPosition, streamVersion: 1, wasDuplicate: true))
            #expect(again2 == AppendResult(firstPosition: two.firstPosition, lastPosition: two.lastPosition, streamVersion: 1, wasDuplicate: true))

            // The slug is taken: the new article, started first in the same statement, is undone.
            let newArticle = StreamID("article-\(UUID())")
            let refused = await #expect(throws: EventStoreError.self) {
                _ = try await store.append(StreamAppend([event(3)], to: newArticle, streamType: "article", expectedVersion: .noStream, metadata: meta(), digest: "a"),
                                           StreamAppend([event(4)], to: slug, streamType: "slug", expectedVersion: .noStream, metadata: meta(), digest: "s"))
            }
            #expect(refused?.code == .conflict)
            #expect(refused?.conflict?.streamID == slug && refused?.message.hasPrefix(slug.rawValue) == true, "\(String(describing: refused))")
            #expect(try await store.streamVersion(newArticle) == 0)
            #expect(try await store.readStream(newArticle).isEmpty)
            #expect(try await store.verify().firstBreak == nil)
        }
    }

    @Test("readAll in batches returns the whole log once, in log order")
    func readAllBatches() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            var lastPosition: Int64 = 0
            for n in 0..<25 {
                lastPosition = try await store.append([event(n), event(n)], to: StreamID("s-\(n % 4)"), streamType: "test", expectedVersion: .any, metadata: meta(), digest: "\(n)").lastPosition
            }
            // Other tests' open transactions anywhere in the cluster hold the read horizon back
            // for a while: readers wait for it (nothing is skipped, only later).
            let deadline = ContinuousClock.now + .seconds(30)
            while try await store.head().position < lastPosition, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            var seen: [RecordedEvent] = []
            for try await event in store.events(after: .start, batchSize: 7) { seen.append(event) }
            try #require(seen.count == 50)
            #expect(seen.map(\.logPosition) == seen.map(\.logPosition).sorted())
            #expect(Set(seen.map(\.eventID)).count == 50)
            let tail = try await store.readAll(after: seen[39].logPosition, limit: 100)
            #expect(tail.map(\.eventID) == seen[40...].map(\.eventID))
            #expect(try await store.head() == seen.last?.logPosition)
        }
    }
}
