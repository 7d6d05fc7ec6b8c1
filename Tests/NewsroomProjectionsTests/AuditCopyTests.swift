import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
@testable import NewsroomProjections
import NewsroomTestSupport
import PostgresNIO
import Testing

/// A batch of many events writes its audit rows by COPY, a small one by one INSERT of arrays:
/// both must give the same rows, whatever the text holds.
@Suite("Audit rows by COPY")
struct AuditCopyTests {
    /// Everything COPY's text format must escape, and `\N`, which unescaped would read as NULL.
    static let awkward = "Tab\there \\ and \\N, line\nbreak\r\n“kutip” 'Putin' 🗞 \"Kim\" {\"a\":1} ; DROP TABLE events; --"
    /// The same on one line, as a headline must be (the log may still hold older headlines with
    /// tabs: `copyTextForms` checks those are escaped).
    static let awkwardLine = "Backslash \\ and \\N, “kutip” 'Putin' 🗞 \"Kim\" {\"a\":1} ; DROP TABLE events; --"

    @Test("a rebuild in COPY-sized batches gives the audit rows, text and NULLs included, that small live batches gave")
    func copiedRowsEqualInserted() async throws {
        let room = try await TestNewsroom.make()
        _ = try await room.randomHistory(articles: 40, seed: 9)
        let (reporter, editor) = (room.reporters[0], room.editors[0])
        let id = try await room.as(reporter) { try await $0.draft(ArticleFields(headline: Self.awkwardLine, body: "Isi\tdengan\\tab", summary: Self.awkward), slug: nil, commandID: UUID()).articleID }
        for (login, command) in [(reporter, ArticleCommand.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil)), (editor, .assignEditor(login: editor)),
                                 (reporter, .submit), (editor, .approve), (editor, .publish(schedule: nil, embargoUntil: nil)),
                                 (editor, .correct(note: Self.awkward, changes: ArticleFields(headline: Self.awkwardLine + " (ralat)")))] {
            _ = try await room.as(login) { try await $0.execute(command, on: id, commandID: UUID()) }
        }
        try await room.catchUpAll()  // batches of 7: the INSERT path
        let incremental = try await room.digest("audit")
        try await TestCluster.withStore(room.db) { store in
            let events = try await store.client.query("SELECT count(*)::bigint FROM events", logger: TestCluster.logger).decode(Int64.self)
            for try await count in events { #expect(count >= Int64(EditorialAuditProjection.copyingFrom), "the log is too short for a COPY-sized batch") }
            _ = try await ProjectionRunner(client: store.client, logger: TestCluster.logger, batchSize: ProjectionRunner.rebuildBatchSize).rebuild(EditorialAuditProjection())
        }
        try await room.catchUpAll()
        #expect(try await room.digest("audit") == incremental)
        try await TestCluster.withStore(room.db) { store in
            var headlines: [String?] = []
            var notes: [String] = []
            let rows = try await store.client.query("SELECT headline, coalesce(details->>'note', '') FROM audit.entries WHERE article_id = \(id.uuid) ORDER BY position", logger: TestCluster.logger)
            for try await (headline, note) in rows.decode((String?, String).self) { headlines.append(headline); notes.append(note) }
            #expect(headlines.count == 7)
            #expect(headlines.first == Self.awkwardLine)
            #expect(headlines.last == Self.awkwardLine + " (ralat)")
            #expect(notes.last == Self.awkward)
            // Staff events have no article: their article_id and headline stay NULL, not "" or "\N".
            let staff = try await store.client.query("SELECT count(*)::bigint FROM audit.entries WHERE action = 'staff-added' AND article_id IS NULL AND headline IS NULL", logger: TestCluster.logger).decode(Int64.self)
            for try await count in staff { #expect(count == 5) }
        }
    }

    @Test("COPY text: timestamps as PostgreSQL prints them, uuids lowercase, NULL as \\N, control characters escaped")
    func copyTextForms() {
        var buffer = ByteBuffer()
        CopyText.timestamp(LogTimestamp(microsecondsSince1970: 1_694_667_240_000_042), &buffer)
        CopyText.timestamp(LogTimestamp(microsecondsSince1970: -1), &buffer)
        CopyText.uuid(UUID(uuidString: "0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9")!, &buffer)
        CopyText.null(&buffer)
        CopyText.field("a\tb\\c\nd\re", &buffer, last: true)
        #expect(String(buffer: buffer) == "2023-09-14 04:54:00.000042+00\t1969-12-31 23:59:59.999999+00\t0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9\t\\N\ta\\tb\\\\c\\nd\\re\n")
        for micros: Int64 in [0, 1_694_667_240_123_456, -86_400_000_001, 253_402_300_799_999_999] {
            var one = ByteBuffer()
            CopyText.timestamp(LogTimestamp(microsecondsSince1970: micros), &one, last: true)
            #expect(String(buffer: one) == LogTimestamp(microsecondsSince1970: micros).postgresText + "\n")
        }
    }

    @Test("binary COPY: PostgreSQL reads back every value as written, NULLs, the edges of time and awkward text included")
    func binaryRowsReadBack() async throws {
        let db = try await TestCluster.emptyDatabase()
        let times: [Int64] = [0, -1, 946_684_800_000_000, 946_684_799_999_999, 1_694_667_240_123_456, 253_402_300_799_999_999]
        let id = UUID(uuidString: "0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9")!
        var writer = JSONWriter(capacity: 256)
        writer.open("{")
        writer.field("note", Self.awkward)
        writer.close("}")
        let note = writer.text
        var rows = CopyBinaryRows(fieldsPerRow: 6)
        for (index, micros) in times.enumerated() {
            rows.startRow()
            rows.bigint(Int64(index) - 3)
            rows.timestamp(LogTimestamp(microsecondsSince1970: micros))
            rows.uuid(index.isMultiple(of: 2) ? id : nil)
            rows.text(index == 1 ? nil : index == 2 ? "" : Self.awkward)
            rows.integer(Int32(index == 3 ? Int32.min : Int32(index)))
            rows.jsonb(index == 4 ? note : "[]")
        }
        #expect(rows.count == times.count)
        let written = rows
        try await TestCluster.withStore(db) { store in
            try await store.client.query("CREATE TABLE t (n bigint, at timestamptz, id uuid, words text, small integer, doc jsonb)", logger: TestCluster.logger)
            try await store.client.withConnection { connection in
                try await connection.copyBinary(written, into: "public", table: "t", columns: ["n", "at", "id", "words", "small", "doc"], logger: TestCluster.logger)
            }
            let read = try await store.client.query("""
                SELECT n, (extract(epoch FROM at) * 1000000)::numeric::text, id, words, small, coalesce(doc->>'note', doc::text) FROM t ORDER BY n
                """, logger: TestCluster.logger).decode((Int64, String, UUID?, String?, Int32, String).self)
            var index = 0
            for try await (n, micros, readID, words, small, doc) in read {
                #expect(n == Int64(index) - 3)
                #expect(Int64(micros.split(separator: ".")[0]) == times[index], "timestamp \(index)")
                #expect(readID == (index.isMultiple(of: 2) ? id : nil))
                #expect(words == (index == 1 ? nil : index == 2 ? "" : Self.awkward))
                #expect(small == (index == 3 ? Int32.min : Int32(index)))
                #expect(doc == (index == 4 ? Self.awkward : "[]"))
                index += 1
            }
            #expect(index == times.count)
        }
    }
}
