import Foundation
import NewsroomApplication
import NewsroomDomain
@testable import NewsroomEventStore
import NewsroomTestSupport
import Testing

/// A command id names one command: resent unchanged it changes nothing, reused for another
/// command it is refused. The log keeps each command's digest, so a digest recorded by an earlier
/// version of newsroom must keep both answers.
@Suite("Command digests")
struct CommandDigestTests {
    /// The digests earlier versions of newsroom wrote, spelled out here as the log holds them:
    /// the first form (the debug description) and "2:" (JSON with sorted keys).
    static func earlierFormDigest(_ form: Int, _ command: ArticleCommand, on id: ArticleID) throws -> String {
        if form == 1 { return String(StableHash.fnv1a64("article-\(id)|\(String(reflecting: command))"), radix: 16) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return "2:" + String(StableHash.fnv1a64(bytes: try encoder.encode(command), seed: StableHash.fnv1a64("article-\(id)|")), radix: 16)
    }

    @Test("a command recorded under an earlier digest form and resent now is a resend; another command under its id is refused", arguments: [1, 2])
    func earlierFormDigestsStillMatch(form: Int) async throws {
        let room = try await TestNewsroom.make()
        let reporter = room.reporters[0]
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Judul", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        let earlier = ArticleCommand.edit(ArticleFields(summary: "Ringkasan lama"))
        let resent = ArticleCommand.edit(ArticleFields(summary: "Ringkasan baru"))
        let (olderID, newerID) = (UUID(), UUID())
        try await TestCluster.withStore(room.db.with(user: reporter)) { store in
            // What an earlier version appended: the events of `earlier` under its first-form digest,
            // and the events of `earlier` again under `resent`'s (a later edit the article shows).
            for (commandID, command) in [(olderID, earlier), (newerID, resent)] {
                let payload = try ArticleEvent.edited(ArticleFields(summary: "Ringkasan lama")).encodedPayload()
                let version = try await store.streamVersion(StreamID("article-\(id)"))
                _ = try await store.append([NewEvent(type: "ArticleEdited", payload: payload)], to: StreamID("article-\(id)"), streamType: "article",
                                           expectedVersion: .exactly(version), metadata: EventMetadata(commandID: commandID),
                                           digest: try Self.earlierFormDigest(form, command, on: id))
            }
        }
        let before = try await room.as(reporter) { try await $0.article(id).version }
        // Decided again, `earlier` changes nothing (the summary is already set): answered from the record.
        let again = try await room.as(reporter) { try await $0.execute(earlier, on: id, commandID: olderID) }
        #expect(again.wasDuplicate && again.events.isEmpty)
        // `resent` would still change the article, so its append reaches the log, which compares
        // the digests as text: the first form must be recognised there too.
        let resentAgain = try await room.as(reporter) { try await $0.execute(resent, on: id, commandID: newerID) }
        #expect(resentAgain.wasDuplicate && resentAgain.events.isEmpty)
        #expect(try await room.as(reporter) { try await $0.article(id).version } == before)
        // A different command under either id is refused, whichever form was recorded.
        for commandID in [olderID, newerID] {
            await #expect(throws: EventStoreError.self) {
                _ = try await room.as(reporter) { try await $0.execute(.edit(ArticleFields(summary: "Lain lagi")), on: id, commandID: commandID) }
            }
        }
        let (article, version) = try await room.as(reporter) { try await $0.article(id) }
        #expect(version == before && article.summary == "Ringkasan lama")
    }

    @Test("a command resent under the current digest is a resend, in this process and in a new one")
    func currentDigestsMatch() async throws {
        let room = try await TestNewsroom.make()
        let reporter = room.reporters[0]
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: "Judul", body: "Isi"), slug: nil, commandID: UUID()).articleID }
        let commandID = UUID()
        let command = ArticleCommand.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil)
        let first = try await room.as(reporter) { try await $0.execute(command, on: id, commandID: commandID) }
        #expect(!first.wasDuplicate && first.events.count == 1)
        let resent = try await room.as(reporter) { newsroom in
            (try await newsroom.execute(command, on: id, commandID: commandID), try await newsroom.execute(command, on: id, commandID: commandID))
        }
        #expect(resent.0.wasDuplicate && resent.1.wasDuplicate)
        #expect(resent.0.streamVersion == first.streamVersion)
        await #expect(throws: EventStoreError.self) {
            _ = try await room.as(reporter) { try await $0.execute(.setByline(reporters: [BylineEntry(name: "Rini")], wireSource: nil), on: id, commandID: commandID) }
        }
    }

    struct Ordered: Encodable { var headline: String; var summary: String?; var count: Int }
    struct Reordered: Encodable { var count: Int; var summary: String?; var headline: String }
    struct Textual: Encodable { var headline: String; var summary: String?; var count: String }

    @Test("the content digest tells commands apart, ignores the order properties are declared in, and keeps its recorded value")
    func contentDigest() throws {
        let commands: [ArticleCommand] = [
            .edit(ArticleFields(summary: "Ringkasan")), .edit(ArticleFields(summary: "Ringkasan ")), .edit(ArticleFields(headline: "Ringkasan")),
            .edit(ArticleFields(headline: "Ringkasan", summary: "Ringkasan")), .edit(ArticleFields()),
            .setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil), .setByline(reporters: [BylineEntry(name: "Rina")], wireSource: ""),
            .setByline(reporters: [BylineEntry(name: "Rina"), BylineEntry(name: "Rini")], wireSource: nil),
            .setByline(reporters: [BylineEntry(name: "RinaRini")], wireSource: nil), .setByline(reporters: [], wireSource: nil),
            .submit, .approve, .spike(reason: nil), .spike(reason: ""), .unpublish(reason: ""), .changeSlug("a-b"), .changeSlug("a-c"),
        ]
        let digests = try commands.map { try DigestEncoder.digest(of: $0) }
        #expect(Set(digests).count == commands.count, "two different commands share a digest")
        #expect(try DigestEncoder.digest(of: Ordered(headline: "Judul", summary: nil, count: 1)) == DigestEncoder.digest(of: Reordered(count: 1, summary: nil, headline: "Judul")))
        #expect(try DigestEncoder.digest(of: Ordered(headline: "Judul", summary: nil, count: 1)) != DigestEncoder.digest(of: Textual(headline: "Judul", summary: nil, count: "1")))
        #expect(try DigestEncoder.digest(of: Ordered(headline: "Judul", summary: nil, count: 1)) != DigestEncoder.digest(of: Ordered(headline: "Judul", summary: "", count: 1)))
        let stream = StreamID("article-7f969c33-6d3c-4eeb-baca-14b16b1c6472")
        #expect(CommandHandler.digest(of: ArticleCommand.edit(ArticleFields(summary: "Ringkasan")), stream: stream) == Self.recordedEditDigest,
                "the \"3:\" form changed: commands recorded before would no longer count as resent")
        #expect(CommandHandler.digest(of: ArticleCommand.edit(ArticleFields(summary: "Ringkasan")), stream: StreamID("article-x")) != Self.recordedEditDigest)
    }

    /// What the "3:" form gives for `.edit(summary: "Ringkasan")` on that stream, as the log records it.
    static let recordedEditDigest = "3:16fb07f9a2a70365"

    @Test("an id derived from a time-ordered one keeps its time as version 8; from any other id it is name-based as before")
    func derivedIDs() throws {
        let made = UUID.timeOrdered()
        let slug = made.derived("slug:gempa-maroko")
        let (source, derived) = (withUnsafeBytes(of: made.uuid) { Array($0) }, withUnsafeBytes(of: slug.uuid) { Array($0) })
        #expect(derived[0..<6] == source[0..<6], "\(slug) does not carry the time of \(made)")
        #expect(derived[6] >> 4 == 8 && derived[6] & 0x0F == source[6] & 0x0F && derived[7] == source[7])
        #expect(derived[8] & 0xC0 == 0x80)
        #expect(made.derived("slug:gempa-maroko") == slug)
        #expect(made.derived("slug:gempa-maroko-2") != slug)
        #expect(UUID.timeOrdered().derived("slug:gempa-maroko") != slug)
        // A command recorded before time-ordered ids derives what it always did, so its resend
        // finds the slug it reserved then.
        let earlier = try #require(UUID(uuidString: "3F2B6C1E-8D4A-4F9E-9C1B-2A7D5E6F8A90"))
        #expect(earlier.derived("slug:gempa-maroko").uuidString == "BC64F275-81A2-5030-AD8D-7D8FA7670662")
    }

    @Test("a draft under a time-ordered command id, resent, answers with the first draft and reserves its slug once")
    func resentTimeOrderedDraft() async throws {
        let room = try await TestNewsroom.make()
        let reporter = room.reporters[0]
        let commandID = UUID.timeOrdered()
        let fields = ArticleFields(headline: "Gempa Maroko", body: "Isi")
        let first = try await room.as(reporter) { try await $0.draft(fields, slug: nil, commandID: commandID) }
        let again = try await room.as(reporter) { try await $0.draft(fields, slug: nil, commandID: commandID) }
        #expect(again.articleID == first.articleID && again.slug == first.slug)
        #expect(again.result.wasDuplicate)
        try await TestCluster.withStore(room.db) { store in
            let reservation = try await store.readStream(StreamID("slug-\(first.slug)"))
            #expect(reservation.count == 1)
            #expect(reservation.first?.metadata.commandID == commandID.derived("slug:\(first.slug)"))
        }
    }
}
