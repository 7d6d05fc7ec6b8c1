import Foundation
import Testing
@testable import NewsroomDomain

@Suite("Payload JSON")
struct PayloadJSONTests {
    /// The same JSON value, whatever the order of keys: what jsonb keeps of a payload.
    static func sameJSON(_ left: String, _ right: String) throws -> Bool {
        let a = try JSONSerialization.jsonObject(with: Data(left.utf8), options: [.fragmentsAllowed]) as? NSObject
        let b = try JSONSerialization.jsonObject(with: Data(right.utf8), options: [.fragmentsAllowed]) as? NSObject
        return a != nil && a == b
    }

    static func jsonEncoder<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder.domain.encode(value), as: UTF8.self)
    }

    static let awkward = "Kutipan \"Putin\" \\ garis/miring\n\t\r\u{8}\u{C}\u{0}\u{1F} — ünïcödé 🇮🇩 </script>"

    /// Built once: ids are random, and both encoders must see the same events.
    static let everyArticleEvent: [ArticleEvent] = {
        let fields = ArticleFields(headline: awkward, body: String(repeating: "Paragraf berita. ", count: 300), summary: "", dateline: "JAKARTA",
                                   section: "dunia", language: "id", tags: ["Putin", awkward, ""])
        let zoned = ZonedInstant(instant: Date(timeIntervalSince1970: 1_764_000_000.123), timeZone: "Asia/Jakarta")
        return [
            .drafted(.init(articleID: ArticleID(), author: "rina", slug: "putin-kim", fields: fields)),
            .edited(ArticleFields(summary: "Ringkasan")),
            .edited(ArticleFields()),
            .bylineSet(.init(reporters: [BylineEntry(name: "Rina", role: "reporter"), BylineEntry(name: awkward, role: "")], wireSource: nil)),
            .bylineSet(.init(reporters: [], wireSource: "REUTERS")),
            .imageAttached(.init(mediaID: "lead", url: "https://e.com/a.jpg?x=1&y=\"2\"", altText: awkward)),
            .captionAttached(.init(mediaID: "lead", caption: awkward, credit: "ANTARA/Foto")),
            .editorAssigned(.init(editor: "yudono")),
            .submitted,
            .changesRequested(.init(note: awkward)),
            .approved,
            .publicationScheduled(.init(at: zoned, embargoUntil: nil)),
            .publicationScheduled(.init(at: zoned, embargoUntil: zoned)),
            .published(.init(at: Date(timeIntervalSince1970: 1_764_000_000.5), embargoUntil: zoned)),
            .corrected(.init(note: "Koreksi", changes: fields, at: Date(timeIntervalSince1970: 0))),
            .unpublished(.init(reason: awkward)),
            .spiked(.init(reason: "")),
            .relatedLinked(ArticleReference(articleID: ArticleID(), title: awkward)),
            .editorsPickSet(ArticleReference(title: "Luar", url: "https://example.com/a")),
            .slugChanged(.init(from: "a", to: "b")),
        ]
    }()

    @Test("the list of audit actions names every event's action once")
    func everyAction() {
        #expect(Set(Self.everyArticleEvent.map(\.action)) == Set(ArticleEvent.actions))
        #expect(Set(ArticleEvent.actions).count == ArticleEvent.actions.count)
    }

    /// The value each event's payload is written from; nil for the events without one ("{}").
    static func payload(of event: ArticleEvent) -> (any Encodable)? {
        switch event {
        case .drafted(let p): p
        case .edited(let p): p
        case .bylineSet(let p): p
        case .imageAttached(let p): p
        case .captionAttached(let p): p
        case .editorAssigned(let p): p
        case .submitted, .approved: nil
        case .changesRequested(let p): p
        case .publicationScheduled(let p): p
        case .published(let p): p
        case .corrected(let p): p
        case .unpublished(let p), .spiked(let p): p
        case .relatedLinked(let p), .editorsPickSet(let p): p
        case .slugChanged(let p): p
        }
    }

    /// Whether the event's payload came from the writer itself, not from the JSONEncoder fallback.
    static func writtenDirectly(_ event: ArticleEvent) throws -> Bool {
        let text = try event.encodedPayload()
        guard let value = payload(of: event) else { return text == "{}" }
        return try PayloadJSON.written(value) == text
    }

    @Test("every article, staff and token event: the same JSON as JSONEncoder, and it decodes back")
    func matchesJSONEncoder() throws {
        for event in Self.everyArticleEvent {
            let payload = try event.encodedPayload()
            #expect(try Self.writtenDirectly(event), "\(event.typeName) went to JSONEncoder")
            let decoded = try ArticleEvent.decode(typeName: event.typeName, schemaVersion: ArticleEvent.schemaVersion(of: event.typeName), payload: payload)
            #expect(decoded == event, "\(event.typeName): \(payload)")
        }
        let jsonEncoded: [String] = try Self.everyArticleEvent.map { event in
            try Self.payload(of: event).map { try Self.jsonEncoder($0) } ?? "{}"
        }
        for (event, expected) in zip(Self.everyArticleEvent, jsonEncoded) {
            let payload = try event.encodedPayload()
            #expect(try Self.sameJSON(payload, expected), "\(event.typeName): \(payload) against \(expected)")
        }
        let staff: [StaffEvent] = [.memberAdded(login: "rina", displayName: Self.awkward, role: .reporter), .roleChanged(login: "rina", role: .chief), .memberRemoved(login: "rina")]
        for event in staff {
            let payload = try event.encodedPayload()
            #expect(try PayloadJSON.written(event) == payload, "\(event.typeName) went to JSONEncoder")
            #expect(try Self.sameJSON(payload, Self.jsonEncoder(event)), "\(payload)")
            #expect(try StaffEvent.decode(typeName: event.typeName, schemaVersion: 1, payload: payload) == event)
        }
        let tokens: [AccessTokenEvent] = [.issued(tokenID: UUID(), holder: "rina", label: Self.awkward, digest: "abc"), .revoked(tokenID: UUID())]
        for event in tokens {
            let payload = try event.encodedPayload()
            #expect(try PayloadJSON.written(event) == payload, "\(event.typeName) went to JSONEncoder")
            #expect(try Self.sameJSON(payload, Self.jsonEncoder(event)), "\(payload)")
            #expect(try AccessTokenEvent.decode(typeName: event.typeName, schemaVersion: 1, payload: payload) == event)
        }
    }

    @Test("strings are escaped as JSON needs, byte for byte")
    func escapes() throws {
        #expect(try PayloadJSON.written(ArticleEvent.Note(note: "a\"b\\c/d\n\u{1}é")) == #"{"note":"a\"b\\c/d\n\u0001é"}"#)
        #expect(try PayloadJSON.written(["a", "b"]) == #"["a","b"]"#)
        #expect(try PayloadJSON.written([[1], [], [2, 3]]) == "[[1],[],[2,3]]")
        #expect(try PayloadJSON.written(ArticleFields(summary: "s", tags: ["x", "y"])) == #"{"summary":"s","tags":["x","y"]}"#)
        #expect(try PayloadJSON.written(Date(timeIntervalSince1970: 0)) == #""1970-01-01T00:00:00.000Z""#)
        #expect(try PayloadJSON.written(Optional<String>.none) == "null")
        #expect(try PayloadJSON.written(2.5) == "2.5")
        #expect(try PayloadJSON.written(3.0) == "3")
    }

    /// Writes a nested container's member after a sibling started: a streaming writer cannot.
    struct OutOfOrder: Encodable {
        enum Keys: String, CodingKey { case first, second, value }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var first = container.nestedContainer(keyedBy: Keys.self, forKey: .first)
            var second = container.nestedContainer(keyedBy: Keys.self, forKey: .second)
            try second.encode(2, forKey: .value)
            try first.encode(1, forKey: .value)
        }
    }

    struct Special: Encodable {
        var link = URL(string: "https://tempo.co/a?b=c")!
        var bytes = Data([0, 1, 2, 255])
        var amount = Decimal(string: "12.50")!
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test("what a streaming writer cannot do goes to JSONEncoder, with the same result")
    func fallsBack() throws {
        #expect(try Self.sameJSON(PayloadJSON.encode(OutOfOrder()), Self.jsonEncoder(OutOfOrder())))
        #expect(try PayloadJSON.encode(OutOfOrder()).contains("\"value\":1"))
        #expect(try PayloadJSON.written(OutOfOrder()) == nil)
        #expect(try PayloadJSON.written(Special()) == nil)
        #expect(try PayloadJSON.written(["k": 1]) != nil)
        #expect(try PayloadJSON.encode(Special()) == Self.jsonEncoder(Special()))
        #expect(try PayloadJSON.encode(Empty()) == "{}")
        #expect(throws: (any Error).self) { try PayloadJSON.encode(["x": Double.nan]) }
    }
}
