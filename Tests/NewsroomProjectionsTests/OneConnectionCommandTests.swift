import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomLibPQ
import NewsroomTestSupport
import PostgresNIO
import Testing

/// The CLI and the commands bench run a command's statements on one leased connection
/// (`EventStore.on`). With a pool of one connection, already leased, any statement that went to
/// the pool instead would wait for ever: each step here must finish within its time limit.
@Suite("Commands on one leased connection")
struct OneConnectionCommandTests {
    struct TimedOut: Error, CustomStringConvertible {
        var step: String
        var description: String { "\(step) did not finish in 20 s: a statement waited for the pool instead of using the leased connection" }
    }

    static func within<T: Sendable>(_ step: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: .seconds(20)); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut(step: step) }
            return value
        }
    }

    /// With `throughLibPQ`, as `newsroom-bench commands` runs: one-event appends through libpq,
    /// connected as the same login, and the commands' task on that connection's thread.
    @Test("draft, edit, a conflict retried, a resend and reads all run on the one connection, as the login that leased it", arguments: [false, true])
    func everyStatementOnTheLeasedConnection(throughLibPQ: Bool) async throws {
        let room = try await TestNewsroom.make()
        let reporter = room.reporters[0]
        let appender = throughLibPQ ? try #require(try await LibPQAppender.connect(room.db.with(user: reporter))) : nil
        try await Database.withClient(room.db.with(user: reporter), logger: TestCluster.logger, maximumConnections: 1, onOneEventLoop: true) { client in
            try await withTaskExecutorPreference(appender?.executor) {
            try await client.withConnection { connection in
                let newsroom = Newsroom(store: EventStore(client: client, logger: TestCluster.logger).on(connection).appending(through: appender))
                let other = Newsroom(store: EventStore(client: client, logger: TestCluster.logger).on(connection))
                let id = try await Self.within("draft") {
                    try await newsroom.draft(ArticleFields(headline: "Judul", body: "Isi berita."), slug: "satu-koneksi", commandID: UUID()).articleID
                }
                let commandID = UUID()
                let edited = try await Self.within("edit") {
                    try await newsroom.execute(.edit(ArticleFields(summary: "Ringkasan")), on: id, commandID: commandID)
                }
                #expect(edited.events.count == 1 && !edited.wasDuplicate)
                // Another handler moves the article on: the first one's cached state is behind, so
                // its next append conflicts and is decided again on what it reads.
                _ = try await Self.within("edit by another handler") {
                    try await other.execute(.edit(ArticleFields(headline: "Judul baru")), on: id, commandID: UUID())
                }
                let retried = try await Self.within("edit on stale state") {
                    try await newsroom.execute(.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil), on: id, commandID: UUID())
                }
                #expect(retried.streamVersion == 4)
                let resent = try await Self.within("resend") {
                    try await newsroom.execute(.edit(ArticleFields(summary: "Ringkasan")), on: id, commandID: commandID)
                }
                #expect(resent.wasDuplicate && resent.streamVersion == edited.streamVersion)
                let (article, version) = try await Self.within("read") { try await newsroom.article(id) }
                #expect(version == 4 && article.headline == "Judul baru" && article.summary == "Ringkasan")
                let actors = try await Self.within("history") {
                    try await newsroom.store.readStream(StreamID("article-\(id)")).map(\.actor)
                }
                #expect(actors == Array(repeating: reporter, count: 4))
            }
            }
        }
        await appender?.close()
    }
}
