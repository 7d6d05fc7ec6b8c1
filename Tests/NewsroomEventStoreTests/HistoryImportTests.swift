import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

/// A bulk import computes the hash chain on the client, so its jsonb text, timestamps and hashes
/// must be byte for byte what PostgreSQL computes. These tests ask PostgreSQL.
@Suite("History import: canonical jsonb, timestamps and the chain agree with PostgreSQL")
struct HistoryImportTests {
    static let documents: [String] = [
        #"{"b":1,"aa":"x\u00e9\n\t\"\\\/\u001f\u007f","a":[1,true,null,-0,1.50,0.0,-0.0,12345678901234567890],"ab":{},"ba":[],"é":1,"z":2}"#,
        #"{"a":1,"a":2,"nested":{"zz":[{"y":"\ud83d\ude00","x":"\u2028 \b\f\r"}],"a":"Ĵ"}}"#,
        #"  [ "Putin \"Kim\"" , -12.000 , {"": ""} , [] , {} , false ]  "#,
        #""plain""#, "-0", "0.5", "null",
    ]

    static func postgresText(_ json: String, _ client: PostgresClient) async throws -> String {
        for try await text in try await client.query("SELECT \(json)::jsonb::text", logger: TestCluster.logger).decode(String.self) { return text }
        throw TestSetupError(message: "no row")
    }

    @Test("the canonical text of tricky documents equals jsonb::text")
    func canonicalTextMatchesPostgres() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            for document in Self.documents {
                let ours = CanonicalJSON(try JSONB.parse(document)).text
                #expect(ours == (try await Self.postgresText(document, store.client)), "\(document)")
            }
            // Random strings over awkward characters: quotes, backslashes, controls, accents, emoji.
            var rng = SystemRandomNumberGenerator()
            let alphabet: [String] = ["a", "Z", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "é", "Ĵ", "😀", "\u{2028}", " ", "{", "[", ":"]
            for _ in 0..<200 {
                let key = (0..<Int.random(in: 0...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                let value = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                let document = CanonicalJSON(.object([.init(key, .string(value)), .init("k\(key)", .array([.string(value), .number("7")]))]))
                #expect(document.text == (try await Self.postgresText(document.text, store.client)), "\(document.text)")
            }
        }
    }

    @Test("what jsonb cannot hold, or hold exactly, is refused with the reason")
    func refusals() throws {
        let cases: [(String, String)] = [
            (#"{"a":1e5}"#, "exponent"), (#"{"a":"\u0000"}"#, "NUL"), (#"{"a":"\ud83d"}"#, "surrogate"),
            (#"{"a":01}"#, "leading zeros"), ("{\"a\":\"x\ny\"}", "control character"), (#"{"a":1"#, "not closed"),
            (#"{"a":1} x"#, "after the JSON value"), (String(repeating: "[", count: 300), "nested deeper"),
        ]
        for (text, reason) in cases {
            #expect(throws: JSONBParseError.self) { try JSONB.parse(text) }
            do { _ = try JSONB.parse(text) } catch { #expect(error.reason.contains(reason), "\(text): \(error.reason)") }
        }
        #expect(throws: JSONBParseError.self) { try JSONB.parse([0x22, 0xFF, 0xFE, 0x22]) }
        // Malformed UTF-8 (RFC 3629) in a string, with and without an escape before it: an
        // overlong "/", an encoded surrogate, a code point above U+10FFFF, a lone continuation
        // byte, a truncated sequence.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82]] {
            for prefix: [UInt8] in [Array("kata ".utf8), Array(#"kata\n "#.utf8)] {
                let text = [0x22] + prefix + bad + Array(" akhir".utf8) + [0x22]
                do {
                    _ = try JSONB.parse(text)
                    Issue.record("\(text) was read as a string")
                } catch {
                    #expect(error.reason.contains("UTF-8"), "\(text): \(error.reason)")
                }
            }
        }
        // Well-formed text of every length reads back as itself, escaped or not.
        for good in ["é", "Ĵ", "😀", "\u{10FFFF}", "\u{2028}", "kata é 😀 akhir"] {
            #expect(try JSONB.parse(Array("\"\(good)\"".utf8)) == .string(good))
            #expect(try JSONB.parse(Array("\"\\n\(good)\"".utf8)) == .string("\n" + good))
        }
    }

    @Test("timestamps: epoch text and timestamptz text equal PostgreSQL's for instants around and before 1970")
    func timestampsMatchPostgres() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let texts = ["2024-01-02T03:04:05.123456Z", "2024-01-02T03:04:05Z", "1969-12-31T23:59:58.5Z", "1969-12-31T23:59:59.999999Z",
                         "0001-01-01T00:00:00Z", "2023-09-14T15:00:00.1+07:00", "2024-02-29T23:59:59.000001-03:30", "1970-01-01T00:00:00Z"]
            for text in texts {
                let stamp = try #require(LogTimestamp(iso8601: text), "\(text)")
                let rows = try await store.client.query("""
                    SELECT extract(epoch FROM \(text)::timestamptz)::text, (\(stamp.postgresText)::timestamptz = \(text)::timestamptz)
                    """, logger: TestCluster.logger)
                for try await (epoch, same) in rows.decode((String, Bool).self) {
                    #expect(stamp.epochText == epoch, "\(text)")
                    #expect(same, "\(text) -> \(stamp.postgresText)")
                }
            }
            for bad in ["2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-02 03:04:05", "2024-01-02T03:04:05.1234567Z", "yesterday", "2024-01-02T03:04:05+7"] {
                #expect(LogTimestamp(iso8601: bad) == nil, "\(bad)")
            }
        }
    }

    @Test("imported streams verify, keep their actors and instants, and are all-or-nothing")
    func importedStreamsVerify() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let payloads = [#"{"body":"Isi\tberita\n\\ \"kutipan\" é 😀","n":1.50}"#, #"{"n":-0}"#, "{}"]
            let commandID = UUID()
            let at = try #require(LogTimestamp(iso8601: "2019-05-06T07:08:09.123456Z"))
            let summary = try await store.importHistory(commandID: commandID) { writer in
                for (n, payload) in payloads.enumerated() {
                    for stream in ["archive-a", "archive-b"] {
                        let version = try await writer.append(ImportedEvent(
                            streamID: StreamID(stream), streamType: "archive", eventID: UUID(), type: "Imported\(n)", schemaVersion: 1,
                            payload: CanonicalJSON(try JSONB.parse(payload)), metadata: CanonicalJSON(.object([.init("commandID", .string(commandID.uuidString))])),
                            commandID: commandID, actor: "wartawan lama", recordedAt: LogTimestamp(microsecondsSince1970: at.microsecondsSince1970 + Int64(n))))
                        #expect(version == n + 1)
                    }
                }
                return "test-digest"
            }
            #expect(summary.streams == 2 && summary.events == 6)
            var problems = 0
            for try await _ in try await store.client.query("SELECT * FROM verify_event_chains(10)", logger: TestCluster.logger) { problems += 1 }
            #expect(problems == 0)
            let rows = try await store.client.query("""
                SELECT s.version, s.last_actor, (s.head_hash = e.hash), e.actor, e.recorded_at = '2019-05-06T07:08:09.123458Z'::timestamptz
                FROM streams s JOIN events e ON e.stream_id = s.stream_id AND e.stream_version = s.version WHERE s.stream_id = 'archive-a'
                """, logger: TestCluster.logger)
            for try await (version, lastActor, headMatches, actor, sameInstant) in rows.decode((Int, String, Bool, String, Bool).self) {
                #expect(version == 3 && lastActor == "wartawan lama" && headMatches && actor == "wartawan lama" && sameInstant)
            }
            #expect(try await store.recordedCommand(commandID)?.digest == "test-digest")

            // A failure half way leaves nothing behind, and an existing stream is refused.
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                _ = try await store.importHistory(commandID: UUID()) { writer in
                    try await writer.append(ImportedEvent(streamID: StreamID("archive-c"), streamType: "archive", eventID: UUID(), type: "T", schemaVersion: 1,
                                                          payload: CanonicalJSON(.object([])), metadata: CanonicalJSON(.object([])), commandID: UUID(), actor: "x", recordedAt: at))
                    throw Stop()
                }
            }
            #expect(try await store.streamVersion(StreamID("archive-c")) == 0)
            do {
                _ = try await store.importHistory(commandID: UUID()) { writer in
                    try await writer.append(ImportedEvent(streamID: StreamID("archive-a"), streamType: "archive", eventID: UUID(), type: "T", schemaVersion: 1,
                                                          payload: CanonicalJSON(.object([])), metadata: CanonicalJSON(.object([])), commandID: UUID(), actor: "x", recordedAt: at))
                    return "again"
                }
                Issue.record("importing into an existing stream was accepted")
            } catch let error as EventStoreError {
                #expect(error.code == .streamExists)
                #expect(error.message.contains("archive-a"))
            }
            #expect(try await store.streamVersion(StreamID("archive-a")) == 3)
        }
    }

    @Test("staff cannot import, and outside an import the actor must still be the session's role")
    func onlyTheOwnerImports() async throws {
        let db = try await TestCluster.freshDatabase()
        let login = try await TestCluster.createLogin("importer", group: "chief")
        try await TestCluster.withStore(db.with(user: login)) { store in
            do {
                _ = try await store.importHistory(commandID: UUID()) { writer in
                    try await writer.append(ImportedEvent(streamID: StreamID("archive-x"), streamType: "archive", eventID: UUID(), type: "T", schemaVersion: 1,
                                                          payload: CanonicalJSON(.object([])), metadata: CanonicalJSON(.object([])), commandID: UUID(), actor: "x",
                                                          recordedAt: LogTimestamp(Date())))
                    return "digest"
                }
                Issue.record("a chief imported without owning the log")
            } catch let error as EventStoreError {
                #expect(error.code == .notPermitted)
                #expect(error.message.contains("owner"))
            }
        }
        try await TestCluster.withStore(db) { store in
            let state = await IntegrityTests.sqlState {
                try await store.client.query("""
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, command_id, actor, recorded_at, hash)
                    VALUES ('forged', 1, gen_random_uuid(), 'T', 1, '{}', '{}', gen_random_uuid(), 'someone else', now(), '\\x00')
                    """, logger: TestCluster.logger)
            }
            #expect(state == "NR004")
        }
    }
}
