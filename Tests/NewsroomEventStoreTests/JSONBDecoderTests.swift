import Foundation
import NewsroomDomain
import NewsroomEventStore
import Testing

@Suite("Payloads through the jsonb parser")
struct JSONBDecoderTests {
    static let hostile = #"Kutipan \"langsung\", garis\\miring, baris\nbaru\r\n, tab\t, kontrol \u0001\u001f, emoji 🇮🇩 \ud83c\uddee\ud83c\udde9, \u00e9, ' OR 1=1 --, </script>"#

    /// Every article event type, optionals present, absent and null, as jsonb prints them and compact.
    static let readable: [(String, Int, String)] = [
        ("ArticleDrafted", 1, #"{"slug": "banjir", "author": "rina", "fields": {"body": "\#(hostile)", "tags": ["a", "\#(hostile)"], "headline": "Judul"}, "articleID": "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9"}"#),
        ("ArticleDrafted", 1, #"{"articleID":"0A1B2C3D-4E5F-4071-8293-A4B5C6D7E8F9","author":"rina","slug":"s","fields":{}}"#),
        ("ArticleEdited", 1, #"{"body": "\#(hostile)", "summary": null, "dateline": "JAKARTA", "section": "metro", "language": "id", "tags": []}"#),
        ("ArticleEdited", 1, #"{}"#),
        ("ArticleEdited", 1, #"{"headline": "Judul", "unknownField": {"nested": [1, 2.5, true, null]}}"#),
        ("BylineSet", 1, #"{"reporters": [{"name": "Rina", "role": "reporter"}, {"name": "\#(hostile)", "role": "photographer"}], "wireSource": "Antara"}"#),
        ("BylineSet", 1, #"{"reporters": [], "wireSource": null}"#),
        ("BylineSet", 1, #"{"reporters": []}"#),
        ("ImageAttached", 2, #"{"url": "https://example.com/a.jpg", "mediaID": "m1", "altText": "\#(hostile)"}"#),
        ("ImageAttached", 1, #"{"url": "https://example.com/a.jpg", "mediaID": "m1", "alt": "lama"}"#),
        ("CaptionAttached", 1, #"{"credit": "Tempo", "caption": "\#(hostile)", "mediaID": "m1"}"#),
        ("EditorAssigned", 1, #"{"editor": "budi"}"#),
        ("SubmittedForReview", 1, #"{}"#),
        ("ChangesRequested", 1, #"{"note": "\#(hostile)"}"#),
        ("ArticleApproved", 1, #"{}"#),
        ("PublicationScheduled", 1, #"{"at": {"instant": "2026-11-27T09:00:00.125Z", "timeZone": "Asia/Jakarta"}, "embargoUntil": {"instant": "2026-11-27T10:00:00Z", "timeZone": "UTC"}}"#),
        ("PublicationScheduled", 1, #"{"at": {"instant": "2026-11-27T09:00:00.000Z", "timeZone": "Asia/Jakarta"}, "embargoUntil": null}"#),
        ("ArticlePublished", 1, #"{"at": "2015-01-01T00:18:08.582Z"}"#),
        ("ArticlePublished", 1, #"{"at": "2015-01-01T00:18:08.582Z", "embargoUntil": {"instant": "2015-01-02T00:00:00.000Z", "timeZone": "UTC"}}"#),
        ("ArticleCorrected", 1, #"{"at": "2015-01-01T00:19:08.959Z", "note": "Nama diperbaiki", "changes": {"headline": "\#(hostile)"}}"#),
        ("ArticleUnpublished", 1, #"{"reason": "\#(hostile)"}"#),
        ("ArticleSpiked", 1, #"{"reason": "duplikat"}"#),
        ("RelatedArticleLinked", 1, #"{"title": "Lain", "articleID": "1a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9"}"#),
        ("RelatedArticleLinked", 1, #"{"url": "https://example.com", "title": "\#(hostile)", "articleID": null}"#),
        ("EditorsPickSet", 1, #"{"title": "Pilihan"}"#),
        ("SlugChanged", 1, #"{"to": "baru", "from": "lama"}"#),
    ]

    /// Payloads neither reader accepts.
    static let unreadable: [(String, Int, String)] = [
        ("ArticleDrafted", 1, #"{"slug": "s", "author": "rina", "fields": {}}"#),
        ("ArticleDrafted", 1, #"{"slug": "s", "author": "rina", "fields": {}, "articleID": "not-a-uuid"}"#),
        ("ArticleDrafted", 1, #"{"slug": null, "author": "rina", "fields": {}, "articleID": "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9"}"#),
        ("ArticleEdited", 1, #"{"headline": 42}"#),
        ("ArticleEdited", 1, #"{"tags": "a"}"#),
        ("ArticleEdited", 1, #"{"tags": ["a", 1]}"#),
        ("ArticleEdited", 1, #"["headline"]"#),
        ("ArticleEdited", 1, #"{"headline": "a"} trailing"#),
        ("ArticleEdited", 1, #"{"headline": "a""#),
        ("ArticleEdited", 1, ""),
        ("BylineSet", 1, #"{"reporters": [{"name": "Rina"}]}"#),
        ("BylineSet", 1, #"{"wireSource": "Antara"}"#),
        ("ArticlePublished", 1, #"{"at": "kemarin"}"#),
        ("ArticlePublished", 1, #"{"at": 1417000000}"#),
        ("PublicationScheduled", 1, #"{"at": {"instant": "2026-11-27T09:00:00Z"}}"#),
        ("ArticleCorrected", 1, #"{"at": "2015-01-01T00:19:08.959Z", "changes": {}}"#),
        ("ImageAttached", 3, #"{"url": "u", "mediaID": "m", "altText": "a"}"#),
        ("ArticleRewritten", 1, #"{}"#),
    ]

    @Test("every article event reads as JSONDecoder reads it")
    func sameEvents() throws {
        for (type, version, payload) in Self.readable {
            let expected = try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: payload)
            let read = try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: payload, using: JSONBDecoder())
            #expect(read == expected, "\(type): \(payload)")
        }
    }

    @Test("what JSONDecoder refuses, it refuses too")
    func sameRefusals() {
        for (type, version, payload) in Self.unreadable {
            #expect(throws: (any Error).self, "JSONDecoder read \(type): \(payload)") {
                try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: payload)
            }
            #expect(throws: (any Error).self, "the jsonb reader read \(type): \(payload)") {
                try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: payload, using: JSONBDecoder())
            }
        }
    }

    @Test("a payload read from the tree its text was printed from reads as JSONDecoder reads the text")
    func parsedPayloads() throws {
        let duplicated = ("ArticleEdited", 1, #"{"headline": "lama", "body": "isi", "headline": "baru"}"#)
        for (type, version, payload) in Self.readable + [duplicated] {
            let tree = try JSONB.parse(payload)
            let text = CanonicalJSON(tree).text
            let expected = try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: text)
            let read = try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: text,
                                               using: ParsedPayloadDecoder(value: tree, text: text))
            #expect(read == expected, "\(type): \(payload)")
        }
        let tree = try JSONB.parse(duplicated.2)
        let text = CanonicalJSON(tree).text
        let edited = try ArticleEvent.decode(typeName: duplicated.0, schemaVersion: 1, payload: text, using: ParsedPayloadDecoder(value: tree, text: text))
        guard case .edited(let fields) = edited else { Issue.record("not an edit: \(edited)"); return }
        #expect(fields.headline == "baru")
    }

    @Test("what JSONDecoder refuses, the parsed tree is refused for too")
    func parsedRefusals() {
        for (type, version, payload) in Self.unreadable {
            guard let tree = try? JSONB.parse(payload) else { continue }
            let text = CanonicalJSON(tree).text
            #expect(throws: (any Error).self, "the tree of \(type): \(payload) was read") {
                try ArticleEvent.decode(typeName: type, schemaVersion: version, payload: text, using: ParsedPayloadDecoder(value: tree, text: text))
            }
        }
    }
}
