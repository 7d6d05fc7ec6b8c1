import Foundation
import NewsroomDomain
@testable import NewsroomProjections
import Testing

@Suite("Stored article states")
struct ArticleStateJSONTests {
    static let hostile = "Kutipan \"langsung\", garis\\miring, baris\nbaru\r\n, tab\t, kontrol \u{1}\u{1f}, emoji 🇮🇩, é, ' OR 1=1 --, </script>"

    /// Every field set, optionals included, with text that needs escaping.
    static var full: Article {
        var a = Article()
        a.exists = true
        a.id = ArticleID()
        a.status = .corrected
        a.author = "rina"
        a.slug = "banjir-jakarta"
        a.previousSlugs = ["banjir", hostile]
        a.headline = hostile
        a.body = String(repeating: "Paragraf berita.\n", count: 20) + hostile
        a.summary = "Ringkasan"
        a.dateline = "JAKARTA"
        a.section = "metro"
        a.language = "id"
        a.tags = ["banjir", "jakarta", ""]
        a.reporters = [BylineEntry(name: "Rina", role: "reporter"), BylineEntry(name: hostile, role: "photographer")]
        a.wireSource = "Antara"
        a.images = [value(["mediaID": "m1", "url": "https://example.com/a.jpg", "altText": hostile, "caption": "Banjir", "credit": "Tempo"]),
                    value(["mediaID": "m2", "url": "https://example.com/b.jpg", "altText": ""])]
        a.editor = "budi"
        a.reviewNote = "Cek angka"
        a.schedule = ZonedInstant(instant: Date(timeIntervalSince1970: 1_764_230_400.125), timeZone: "Asia/Jakarta")
        a.embargoUntil = ZonedInstant(instant: Date(timeIntervalSince1970: 1_764_230_401), timeZone: "UTC")
        a.firstPublishedAt = Date(timeIntervalSince1970: 1_764_230_402.987654)
        a.lastUpdatedAt = Date(timeIntervalSince1970: -12.5)
        a.corrections = [value(["note": hostile, "at": 1_764_300_000.000001, "fields": ["headline", "body"]])]
        a.related = [ArticleReference(articleID: ArticleID(), title: "Lain", url: nil), ArticleReference(title: hostile, url: "https://example.com")]
        a.editorsPick = ArticleReference(articleID: ArticleID(), title: "Pilihan", url: "https://example.com/p")
        a.unpublishReason = "Salah"
        return a
    }

    /// Values whose initialisers the domain keeps to itself, read from JSON as the decoder would.
    static func value<T: Decodable>(_ object: [String: Any]) -> T {
        try! JSONDecoder.projection.decode(T.self, from: JSONSerialization.data(withJSONObject: object))
    }

    @Test("the written state is the document JSONEncoder writes, and reads back as the same article", arguments: [
        Article(), full, { var a = full; a.editorsPick = nil; a.schedule = nil; a.embargoUntil = nil; a.id = nil; a.body = ""; return a }(),
        { var a = Article(); a.exists = true; a.status = .draft; a.headline = "Baru"; a.body = "Isi"; return a }(),
    ])
    func sameDocument(article: Article) throws {
        let written = ArticleStateJSON.encode(article)
        let encoded = try JSONEncoder.projection.encode(article)
        let ours = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(ours == theirs, "\(written)\nagainst\n\(String(decoding: encoded, as: UTF8.self))")
        #expect(try JSONDecoder.projection.decode(Article.self, from: Data(written.utf8)) == article)
    }

    @Test("every field of Article is written: a new field must be added to the writer")
    func coversEveryField() throws {
        let fields = Set(Mirror(reflecting: Article()).children.compactMap(\.label))
        let written = try #require(try JSONSerialization.jsonObject(with: Data(ArticleStateJSON.encode(Self.full).utf8)) as? [String: Any])
        #expect(Set(written.keys) == fields)
    }
}
