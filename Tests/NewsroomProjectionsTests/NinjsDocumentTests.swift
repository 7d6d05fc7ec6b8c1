import Foundation
import NewsroomDomain
@testable import NewsroomProjections
import Testing

@Suite("ninjs documents")
struct NinjsDocumentTests {
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
            let document = NinjsDocument.make(article, id: ArticleID(), version: 1)
            let stored = try #require((document["bodies"] as? [[String: Any]])?.first)
            #expect(stored["charCount"] as? Int == body.count)
        }
    }
}
