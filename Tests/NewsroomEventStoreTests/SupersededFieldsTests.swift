import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import Testing

/// A body-like field in two event types, at the top of one's payload and nested in the other's.
enum TestBodies: SupersededFields {
    static let name = "TestBodies"
    static let paths: [(eventType: String, path: [String])] = [("Drafted", ["fields", "body"]), ("Edited", ["body"])]
}

/// The same field, read from a column that PostgreSQL fills as each event is written, as the
/// article body's is (Schema/015); or from one that is NULL throughout, as it is for events
/// written before the column was added.
enum TestBodiesByColumn: SupersededFields {
    static let name = "TestBodiesByColumn"
    static let paths = TestBodies.paths
    static let setsColumn: String? = "sets_test_body"

    static func addingSetsColumn(to db: ConnectionSettings, filled: Bool) async throws {
        _ = try await TestCluster.rows(db, filled ? """
            ALTER TABLE events ADD COLUMN sets_test_body boolean GENERATED ALWAYS AS (coalesce(CASE event_type
                WHEN 'Drafted' THEN jsonb_typeof(payload #> '{fields,body}') = 'string' WHEN 'Edited' THEN jsonb_typeof(payload #> '{body}') = 'string' END, false)) STORED
            """ : "ALTER TABLE events ADD COLUMN sets_test_body boolean")
    }
}

@Suite("Reading the log with superseded fields left out")
struct SupersededFieldsTests {
    func payload(_ event: RecordedEvent) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any])
    }

    /// Waits until the read horizon passes all `count` events: another test's open transaction
    /// anywhere in the cluster holds it back for a while.
    func waitUntilReadable(_ count: Int, in store: EventStore) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await store.readAll(after: .start, limit: 1000).count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("a field set again later in the read comes back as \"\"; the last value, other fields, other types, nulls and every other column are untouched",
          arguments: ["looked at", "read from a column", "looked at where the column is NULL"])
    func blanksOnlySupersededValues(setting: String) async throws {
        let db = try await TestCluster.freshDatabase()
        if setting != "looked at" { try await TestBodiesByColumn.addingSetsColumn(to: db, filled: setting == "read from a column") }
        let fields: any SupersededFields.Type = setting == "looked at" ? TestBodies.self : TestBodiesByColumn.self
        try await TestCluster.withStore(db) { store in
            let a = StreamID("article-\(UUID())"), b = StreamID("article-\(UUID())")
            func append(_ stream: StreamID, _ type: String, _ json: String) async throws {
                _ = try await store.append([NewEvent(type: type, payload: json)], to: stream, streamType: "article", expectedVersion: .any,
                                           metadata: EventMetadata(commandID: UUID()), digest: UUID().uuidString)
            }
            let long = String(repeating: "Isi berita yang panjang. ", count: 300)
            try await append(a, "Drafted", #"{"fields": {"body": "\#(long)", "headline": "Judul"}}"#)
            try await append(b, "Edited", #"{"body": "x1"}"#)
            try await append(a, "Edited", #"{"body": "b2", "summary": "Ringkasan"}"#)
            try await append(a, "Edited", #"{"summary": "only"}"#)
            try await append(a, "Edited", #"{"body": null}"#)
            try await append(a, "Other", #"{"body": "not one of the fields"}"#)
            try await append(b, "Edited", #"{"body": "x2"}"#)
            try await append(a, "Edited", #"{"body": "b3 it's '; DROP TABLE events; --"}"#)
            try await append(a, "Other", #"{"body": "still not one"}"#)

            try await waitUntilReadable(9, in: store)
            let plain = try await store.readAll(after: .start, limit: 100)
            let blanked = try await store.readAll(after: .start, limit: 100, blankingSuperseded: fields)
            try #require(blanked.count == 9 && plain.count == 9)
            for (p, q) in zip(plain, blanked) {
                #expect(p.logPosition == q.logPosition && p.streamID == q.streamID && p.streamVersion == q.streamVersion && p.eventID == q.eventID)
                #expect(p.type == q.type && p.schemaVersion == q.schemaVersion && p.metadata == q.metadata && p.actor == q.actor && p.recordedAt == q.recordedAt)
            }
            let fields = try #require(try payload(blanked[0])["fields"] as? [String: Any])
            #expect(fields["body"] as? String == "" && fields["headline"] as? String == "Judul")
            #expect(try payload(blanked[1])["body"] as? String == "")
            #expect(try payload(blanked[2])["body"] as? String == "" && (try payload(blanked[2])["summary"] as? String) == "Ringkasan")
            // Neither the edit without a body nor the null (which sets nothing) supersedes or is blanked.
            let unchanged = [3, 4, 5, 6, 7, 8]
            for index in unchanged { #expect(blanked[index].payload == plain[index].payload, "event \(index)") }
            #expect(blanked[7].payload.contains("DROP TABLE events"))
        }
    }

    @Test("only a later event in the same read supersedes: a read that ends before it keeps the value")
    func onlyWithinTheRead() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let a = StreamID("article-\(UUID())")
            for body in ["first", "second", "third"] {
                _ = try await store.append([NewEvent(type: "Edited", payload: #"{"body": "\#(body)"}"#)], to: a, streamType: "article", expectedVersion: .any,
                                           metadata: EventMetadata(commandID: UUID()), digest: body)
            }
            try await waitUntilReadable(3, in: store)
            let firstTwo = try await store.readAll(after: .start, limit: 2, blankingSuperseded: TestBodies.self)
            try #require(firstTwo.count == 2)
            #expect(try firstTwo.map { try payload($0)["body"] as? String } == ["", "second"])
            let rest = try await store.readAll(after: firstTwo[1].logPosition, limit: 2, blankingSuperseded: TestBodies.self)
            #expect(try rest.map { try payload($0)["body"] as? String } == ["third"])
        }
    }
}
