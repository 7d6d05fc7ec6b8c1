import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomTestSupport
import Testing

/// A process that has seen an article and the roster decides on what it saw and appends in one
/// round trip; these check that what others changed in between is never overlooked.
@Suite("Commands decided on cached state")
struct CachedDecisionTests {
    static func draftedArticle(_ room: TestNewsroom) async throws -> ArticleID {
        try await room.as(room.reporters[0]) { try await $0.draft(ArticleFields(headline: "Judul", body: "Isi"), slug: nil, commandID: UUID()).articleID }
    }

    @Test("an editor demoted by someone else is refused at once, though their process still has the old roster")
    func rosterChangeIsSeen() async throws {
        let room = try await TestNewsroom.make()
        let id = try await Self.draftedArticle(room)
        let editor = room.editors[0]
        try await TestCluster.withStore(room.db.with(user: editor)) { store in
            let warm = Newsroom(store: store)
            _ = try await warm.execute(.assignEditor(login: editor), on: id, commandID: UUID())
            try await TestCluster.withStore(room.db) { admin in
                _ = try await Newsroom(store: admin).changeStaffRole(login: editor, role: .reporter, commandID: UUID())
            }
            await #expect(throws: RuleViolation.self) {
                _ = try await warm.execute(.assignEditor(login: room.editors[1]), on: id, commandID: UUID())
            }
        }
    }

    @Test("changes made by another process in between are built on, not overwritten, and a no-op on stale state is decided again")
    func articleChangeIsSeen() async throws {
        let room = try await TestNewsroom.make()
        let id = try await Self.draftedArticle(room)
        let (first, second) = (room.editors[0], room.editors[1])
        try await TestCluster.withStore(room.db.with(user: room.chief)) { store in
            let warm = Newsroom(store: store)
            let assigned = try await warm.execute(.assignEditor(login: first), on: id, commandID: UUID())
            #expect(assigned.streamVersion == 2)
            _ = try await room.as(room.chief) { try await $0.execute(.assignEditor(login: second), on: id, commandID: UUID()) }
            // The warm process still believes `first` is assigned: assigning `first` looks like a
            // no-op there, but the article says `second`, so it must be recorded.
            let again = try await warm.execute(.assignEditor(login: first), on: id, commandID: UUID())
            #expect(again.events.count == 1)
            #expect(again.streamVersion == 4)
            // Built on, in order: a stale decision that yields events appends after a reload.
            _ = try await room.as(room.chief) { try await $0.execute(.edit(ArticleFields(summary: "dari proses lain")), on: id, commandID: UUID()) }
            let edited = try await warm.execute(.edit(ArticleFields(summary: "dari proses ini")), on: id, commandID: UUID())
            #expect(edited.streamVersion == 6)
            // Stale state that would refuse: submitted elsewhere, then approved here.
            _ = try await room.as(room.reporters[0]) { try await $0.execute(.submit, on: id, commandID: UUID()) }
            let approved = try await warm.execute(.approve, on: id, commandID: UUID())
            #expect(approved.events == [.approved])
            let (article, version) = try await warm.article(id)
            #expect(version == 8)
            #expect(article.summary == "dari proses ini")
            #expect(article.editor == first)
        }
    }

    @Test("a process that has read the roster drafts in one statement: a slug taken meanwhile gets the next number, a resent draft is recognised, a moved roster is read again")
    func draftsOnTheCachedRoster() async throws {
        let room = try await TestNewsroom.make()
        let (reporter, other) = (room.reporters[0], room.reporters[1])
        let theirs = try await room.as(other) { try await $0.draft(ArticleFields(headline: "Judul Sama", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        try await TestCluster.withStore(room.db.with(user: reporter)) { store in
            let warm = Newsroom(store: store)
            _ = try await warm.draft(ArticleFields(headline: "Pertama", body: "Isi"), slug: nil, commandID: UUID())  // reads the roster
            // The cached path reserves slugs on the belief that they are new: this one is not.
            let commandID = UUID()
            let mine = try await warm.draft(ArticleFields(headline: "Judul Sama", body: "Isi saya"), slug: nil, commandID: commandID)
            #expect(mine.slug == "judul-sama-2")
            #expect(mine.result.streamVersion == 1)
            let again = try await warm.draft(ArticleFields(headline: "Judul Sama", body: "Isi saya"), slug: nil, commandID: commandID)
            #expect(again.articleID == mine.articleID)
            #expect(again.slug == "judul-sama-2")
            #expect(again.result.events.isEmpty)
            #expect(try await warm.resolve("judul-sama") == theirs)
            #expect(try await warm.resolve("judul-sama-2") == mine.articleID)
            // A new slug resent: both appends are recognised as done.
            let freshID = UUID()
            let fresh = try await warm.draft(ArticleFields(headline: "Baru Sekali", body: "Isi"), slug: nil, commandID: freshID)
            let resent = try await warm.draft(ArticleFields(headline: "Baru Sekali", body: "Isi"), slug: nil, commandID: freshID)
            #expect(fresh.slug == "baru-sekali" && resent.slug == "baru-sekali")
            #expect(fresh.result.events.count == 1 && resent.result.wasDuplicate)
            // The slug and the article were written by one statement: one transaction for both.
            let writers = try await TestCluster.rows(room.db, "SELECT count(DISTINCT transaction_id)::text FROM events WHERE stream_id IN ('slug-baru-sekali', 'article-\(fresh.articleID)')")
            #expect(writers == ["1"])
            // An explicit slug already taken is refused, as on the full path, and reserves nothing.
            await #expect(throws: RuleViolation.self) {
                _ = try await warm.draft(ArticleFields(headline: "Lain", body: "Isi"), slug: "judul-sama", commandID: UUID())
            }
            // The roster moves on elsewhere (a reporter promoted): the draft still lands, decided again.
            _ = try await TestCluster.withStore(room.db) { try await Newsroom(store: $0).changeStaffRole(login: other, role: .editor, commandID: UUID()) }
            let afterMove = try await warm.draft(ArticleFields(headline: "Sesudah", body: "Isi"), slug: nil, commandID: UUID())
            #expect(afterMove.slug == "sesudah" && afterMove.result.streamVersion == 1)
        }
        let slugs = try await TestCluster.rows(room.db, "SELECT stream_id || ' ' || version FROM streams WHERE stream_type = 'slug'").sorted()
        #expect(slugs == ["slug-baru-sekali 1", "slug-judul-sama 1", "slug-judul-sama-2 1", "slug-pertama 1", "slug-sesudah 1"])
    }
}
