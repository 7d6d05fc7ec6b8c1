import Foundation
import NewsroomDomain
import NewsroomEventStore
import NewsroomTestSupport
import Testing

/// The command handler keeps folded states between commands and reads only what was appended
/// since. Two handlers stand for two processes: each must see what the other appended.
@Suite("Command handler state cache")
struct CommandHandlerCacheTests {
    @Test("a handler with a cached state sees another handler's appends, and a stale pinned version is still a conflict")
    func seesOtherWriters() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            // The trigger checks the actor against session_user, so the roster's login must be ours.
            let login = try await store.sessionIdentity().login
            let roster = Roster(members: [login: StaffMember(login: login, displayName: "Rina", role: .reporter)])
            let context = ArticleContext(actor: Actor(login: login, role: .reporter), now: Date(), roster: roster)
            let id = ArticleID()
            let stream = StreamID("article-\(id)")
            let first = CommandHandler(store: store), second = CommandHandler(store: store)
            _ = try await first.handle(ArticleDecider.self, command: .draft(id: id, slug: "cache", fields: ArticleFields(headline: "Satu", body: "Isi")),
                                       stream: stream, streamType: "article", commandID: UUID(), context: context)
            _ = try await first.handle(ArticleDecider.self, command: .edit(ArticleFields(summary: "dari proses pertama")),
                                       stream: stream, streamType: "article", commandID: UUID(), context: context)
            _ = try await second.handle(ArticleDecider.self, command: .edit(ArticleFields(headline: "Dua")),
                                        stream: stream, streamType: "article", commandID: UUID(), context: context)
            let (seen, version) = try await first.load(ArticleDecider.self, stream: stream)
            #expect(version == 3)
            #expect(seen.headline == "Dua" && seen.summary == "dari proses pertama")
            await #expect(throws: EventStoreError.self) {
                try await first.handle(ArticleDecider.self, command: .edit(ArticleFields(summary: "basi")), stream: stream, streamType: "article",
                                       commandID: UUID(), expectedVersion: 2, context: context)
            }
            // And the cached fold equals a fold from scratch.
            let records = try await store.readStream(stream)
            let scratch = ArticleDecider.fold(try records.map { try ArticleEvent.decode(typeName: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload) })
            #expect(scratch == seen)
        }
    }
}
