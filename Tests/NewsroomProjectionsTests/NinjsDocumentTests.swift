import Foundation
import NewsroomDomain
@testable import NewsroomProjections
import Testing

@Suite("ninjs documents")
struct NinjsDocumentTests {
    static let hostile = "Kutipan \"langsung\", garis\\miring, baris\nbaru\r\n, tab\t, kontrol \u{1}\u{1f}, emoji 🇮🇩, é, ' OR 1=1 --, </script>"

    /// Articles as the published model holds them, from every field set to almost none.
    nonisolated(unsafe) static let articles: [String: [String: Any]] = [
        "full": [
            "exists": true, "id": "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9", "status": "corrected", "author": "rina", "slug": "banjir-jakarta",
            "previousSlugs": ["banjir"], "headline": hostile, "body": "Jakarta - Hujan deras.\r\nParagraf kedua é.\n" + hostile,
            "summary": "Ringkasan " + hostile, "dateline": "JAKARTA", "section": "metro", "language": "id", "tags": ["banjir", hostile],
            "reporters": [["name": "Rina", "role": "reporter"], ["name": hostile, "role": "photographer"]], "wireSource": "Antara",
            "images": [["mediaID": "m1", "url": "https://example.com/a.jpg", "altText": hostile, "caption": "Banjir", "credit": "Tempo"],
                       ["mediaID": "m2", "url": "https://example.com/b.jpg", "altText": ""]],
            "editor": "budi", "schedule": ["instant": 1_764_230_400.5, "timeZone": "Asia/Jakarta"],
            "embargoUntil": ["instant": 1_764_230_401, "timeZone": "UTC"], "firstPublishedAt": 1_764_230_402, "lastUpdatedAt": 1_764_300_000.25,
            "corrections": [["note": hostile, "at": 1_764_300_000.25, "fields": ["headline", "body"]], ["note": "Ejaan", "at": 1_764_300_100, "fields": ["summary"]]],
            "related": [["articleID": "1a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9", "title": "Lain"], ["title": hostile, "url": "https://example.com/x"],
                        ["title": "Tanpa tautan, hanya judul"]],
            "editorsPick": ["articleID": "2a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9", "title": "Pilihan"],
        ],
        "plain": [
            "exists": true, "id": "3a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9", "status": "published", "headline": "Judul", "body": "Isi.",
            "summary": "", "dateline": "", "section": "", "language": "id", "tags": [], "reporters": [], "images": [], "previousSlugs": [],
            "corrections": [], "related": [], "firstPublishedAt": 1_764_230_402,
        ],
        "wire-scheduled": [
            "exists": true, "id": "4a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9", "status": "scheduled", "slug": "kabar-kawat", "headline": "Kabar", "body": "",
            "summary": "", "dateline": "SURABAYA", "section": "nasional", "language": "en", "tags": [], "reporters": [], "wireSource": "Reuters",
            "images": [], "previousSlugs": [], "corrections": [], "related": [], "schedule": ["instant": 1_764_230_400, "timeZone": "Asia/Jakarta"],
            "editorsPick": ["title": "Luar", "url": "https://example.com/luar"],
        ],
    ]

    static func article(_ name: String) throws -> Article {
        try JSONDecoder.projection.decode(Article.self, from: JSONSerialization.data(withJSONObject: articles[name]!))
    }

    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/ninjs-documents")

    @Test("each document is the one recorded in Tests/Fixtures/ninjs-documents", arguments: ["full", "plain", "wire-scheduled"])
    func sameAsRecorded(name: String) throws {
        let article = try Self.article(name)
        let text = NinjsDocument.text(article, id: article.id!, version: 7)
        let written = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
        let recorded = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.golden.appendingPathComponent("\(name).json"))) as? NSDictionary
        #expect(written != nil && written == recorded, "\(text)")
    }

    @Test("a body's charCount is its character count, whether the body is ASCII or not")
    func characterCount() throws {
        let bodies = [
            "", "a", "Jakarta - Presiden meresmikan jalan tol.\nParagraf kedua.", "baris\r\nbaru\r\n", "\r\n\r\n", "\r", "\n\r",
            "kopi é", "e\u{301} digabung", "🇮🇩 bendera", "👩‍👩‍👧 keluarga", "tab\tdan\u{1}kontrol", String(repeating: "Berita hari ini. ", count: 400),
            "akhir\r", "\r\nawal", "campur é\r\n",
        ]
        for body in bodies {
            #expect(NinjsDocument.characterCount(body) == body.count, "\(body.debugDescription)")
            var article = Article()
            article.body = body
            let document = try JSONSerialization.jsonObject(with: Data(NinjsDocument.text(article, id: ArticleID(), version: 1).utf8)) as? [String: Any]
            let stored = try #require((document?["bodies"] as? [[String: Any]])?.first)
            #expect(stored["charCount"] as? Int == body.count)
        }
    }
}
