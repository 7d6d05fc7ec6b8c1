import Foundation
import NewsroomDomain
@testable import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

/// One of the log's prepared statements with its rows handed over undecoded.
struct Undecoded<Statement: PostgresPreparedStatement>: PostgresPreparedStatement {
    static var name: String { "newsroom.test.undecoded." + Statement.name }
    static var sql: String { Statement.sql }
    typealias Row = PostgresRow
    var statement: Statement
    func makeBindings() throws -> PostgresBindings { try statement.makeBindings() }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

@Suite("Log rows read from their binary cells")
struct BinaryCellsTests {
    @Test("the log's prepared read takes the direct path, and it reads every column as PostgresNIO's decode does")
    func sameAsPostgresNIO() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let stream = StreamID("article-\(UUID().lowercasedText)")
            let payloads = [#"{"body":"Isi berita 🇮🇩 \"kutipan\"\nbaris baru","headline":"Judul"}"#, #"{}"#]
            for (offset, payload) in payloads.enumerated() {
                _ = try await store.append([NewEvent(type: "ArticleEdited", payload: payload)], to: stream, streamType: "article",
                                           expectedVersion: offset == 0 ? .noStream : .exactly(offset), metadata: EventMetadata(commandID: UUID()), digest: "d\(offset)")
            }
            // The log is readable below the oldest running transaction: other tests' may hold it back.
            var read = try await store.readAll(after: .start, limit: 100)
            let deadline = ContinuousClock.now + .seconds(20)
            while read.count < payloads.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                read = try await store.readAll(after: .start, limit: 100)
            }
            #expect(read.count == payloads.count)
            try await store.client.withConnection { connection in
                var checked = 0
                for try await row in try await connection.execute(Undecoded(statement: ReadAllStatement(after: .start, limit: 100)), logger: TestCluster.logger) {
                    var cells = BinaryCells(row)
                    let direct = (cells.int64(), cells.int64(), cells.text(), cells.int32(), cells.uuid(), cells.text(), cells.int32(),
                                  cells.text(), cells.text(), cells.text(), cells.timestamp(), cells.atEnd)
                    let (position, tx, streamID, version, id, type, schema, payload, metadata, actor, at) =
                        try row.decode((Int64, Int64, String, Int, UUID, String, Int, String, String, String, Date).self)
                    #expect(direct.0 == position && direct.1 == tx && direct.2 == streamID && direct.3 == version && direct.4 == id)
                    #expect(direct.5 == type && direct.6 == schema && direct.7 == payload && direct.8 == metadata && direct.9 == actor)
                    #expect(direct.10 == at && direct.11)
                    checked += 1
                }
                #expect(checked == read.count)
            }
            // A cell of another type is not read as the one asked for: the caller falls back.
            for try await row in try await store.client.query("SELECT 1::int4, 'x'::text", logger: TestCluster.logger) {
                var cells = BinaryCells(row)
                #expect(cells.int64() == nil)
                #expect(cells.int32() == nil)
            }
        }
    }

    @Test("both appends' result rows take the direct path, first time and resent, with PostgresNIO's values")
    func appendRow() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            func target() -> AppendTarget {
                AppendTarget(stream: "article-\(UUID().lowercasedText)", streamType: "article", expected: 0, commandID: UUID(), digest: "d", context: nil)
            }
            let several = AppendStatement(target: target(),
                                          events: #"[{"event_id":"\#(UUID().lowercasedText)","event_type":"ArticleEdited","schema_version":1,"payload":{},"metadata":{}}]"#)
            let one = AppendEventStatement(target: target(), event: NewEvent(type: "ArticleEdited", payload: "{}"), metadata: "{}")
            try await store.client.withConnection { connection in
                for expectedDuplicate in [false, true] {
                    let rows = try await Self.appendRows(Undecoded(statement: several), on: connection, duplicate: expectedDuplicate)
                        + Self.appendRows(Undecoded(statement: one), on: connection, duplicate: expectedDuplicate)
                    #expect(rows == 2)
                }
            }
        }
    }

    static func appendRows<Statement: PostgresPreparedStatement>(_ statement: Statement, on connection: PostgresConnection, duplicate: Bool) async throws -> Int
    where Statement.Row == PostgresRow {
        var rows = 0
        for try await row in try await connection.execute(statement, logger: TestCluster.logger) {
            var cells = BinaryCells(row)
            let direct = (cells.int64(), cells.int64(), cells.int32(), cells.bool(), cells.atEnd)
            let decoded = try row.decode(AppendRow.self)
            #expect(direct.0 == decoded.0 && direct.1 == decoded.1 && direct.2 == decoded.2 && direct.3 == decoded.3 && direct.4)
            #expect(direct.2 == 1 && direct.3 == duplicate)
            rows += 1
        }
        return rows
    }
}
