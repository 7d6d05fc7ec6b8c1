import Foundation
@testable import NewsroomApplication
import NewsroomTestSupport
import Testing

@Suite("Tempo page text")
struct TempoPageTests {
    static func fixture() throws -> String {
        try String(contentsOf: CLIRunner.fixturesDirectory.appendingPathComponent("tempo-putin-kim-2023-09-14.txt"), encoding: .utf8)
    }

    @Test("a copy of the page with Windows line ends, tabs, Unicode line separators and stray control characters reads as the clean page")
    func messyCopyReadsClean() throws {
        let text = try Self.fixture()
        let clean = try TempoPage(text: text)
        #expect(clean.headline.contains(" "))
        // Tabs inside a line become spaces; a bell and a C1 control disappear; U+2028 ends a line.
        let messyHeadline = clean.headline.replacingOccurrences(of: " ", with: "\t") + "\u{7}\u{85}"
        var messy = text.replacingOccurrences(of: clean.headline, with: messyHeadline)
        messy = messy.replacingOccurrences(of: "\n", with: "\r\n")
        messy = messy.replacingOccurrences(of: "\r\nReporter\r\n", with: "\u{2028}Reporter\u{2029}")
        #expect(messy != text)
        let page = try TempoPage(text: messy)
        #expect(page == clean)
        // What the page gives the draft is what the decider stores: one-line fields, no controls.
        for field in [page.headline, page.dateline ?? "", page.imageCaption ?? "", page.imageCredit ?? ""] + page.reporters + page.paragraphs {
            #expect(!field.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" }, "\(field)")
        }
    }

    @Test("plain lines: CRLF and CR and the separators end lines, tabs and no-break spaces are spaces")
    func plainLines() {
        #expect(TempoPage.plainLines("a\r\nb\rc\u{2028}d\u{2029}e\nf") == "a\nb\nc\nd\ne\nf")
        #expect(TempoPage.plainLines("a\tb\u{A0}c\u{1B}[0m\u{0}\u{7F}\u{9F}d") == "a b c[0md")
        #expect(TempoPage.plainLines("\r\n\r\n") == "\n\n")
        #expect(TempoPage.plainLines("é — “kamerad” 🇮🇩") == "é — “kamerad” 🇮🇩")
    }
}
