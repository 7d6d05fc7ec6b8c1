import Foundation
import Testing
@testable import NewsroomDomain

@Suite("Drafting and editing")
struct DraftingTests {
    @Test("a draft needs a headline and records its author and slug")
    func draft() {
        let ok = Scenario().when(.draft(id: Scenario.id, slug: "a-b", fields: ArticleFields(headline: "Judul")), by: "rina")
        guard case .drafted(let e)? = ok.events?.first else { Issue.record("no draft event"); return }
        #expect(e.author == "rina")
        #expect(e.slug == "a-b")
        let empty = Scenario().when(.draft(id: Scenario.id, slug: "a-b", fields: ArticleFields(headline: "   ")), by: "rina")
        #expect(empty.violation?.code == .invalidInput)
        #expect(empty.violation?.message.contains("headline") == true)
    }

    @Test("someone not on the staff, or the administrator, cannot draft")
    func outsidersCannotDraft() {
        for login in ["stranger", "admin"] {
            let result = Scenario().when(.draft(id: Scenario.id, slug: "x", fields: ArticleFields(headline: "H")), by: login)
            #expect(result.violation?.code == .notAllowed)
        }
    }

    @Test("drafting the same article twice is refused")
    func draftTwice() {
        let result = Scenario.drafted.when(.draft(id: Scenario.id, slug: "x", fields: ArticleFields(headline: "H")), by: "rina")
        #expect(result.violation?.code == .alreadyExists)
    }

    @Test("a reporter edits their own draft, not someone else's")
    func reporterEditsOwnDraft() {
        #expect(Scenario.drafted.when(.edit(ArticleFields(body: "baru")), by: "rina").events?.count == 1)
        let other = Scenario.drafted.when(.edit(ArticleFields(body: "baru")), by: "budi")
        #expect(other.violation?.code == .notAllowed)
        #expect(other.violation?.message.contains("belongs to rina") == true)
    }

    @Test("once submitted, the reporter can no longer edit; editors can")
    func submittedIsWithTheDesk() throws {
        let submitted = try Scenario.drafted.then(.submit, by: "rina")
        #expect(submitted.when(.edit(ArticleFields(body: "x")), by: "rina").violation?.code == .notAllowed)
        #expect(submitted.when(.edit(ArticleFields(body: "x")), by: "sari").events?.count == 1)
    }

    @Test("an empty edit, an empty headline, NUL characters, huge bodies and bad languages are refused")
    func badInput() {
        let s = Scenario.drafted
        #expect(s.when(.edit(ArticleFields()), by: "rina").violation?.code == .invalidInput)
        #expect(s.when(.edit(ArticleFields(headline: "")), by: "rina").violation?.code == .invalidInput)
        #expect(s.when(.edit(ArticleFields(body: "a\u{0}b")), by: "rina").violation?.message.contains("NUL") == true)
        #expect(s.when(.edit(ArticleFields(body: String(repeating: "x", count: 500_001))), by: "rina").violation?.message.contains("limit is 500000") == true)
        // Limits count characters, not bytes: 300 two-byte characters (and 300 flags of 8 bytes
        // each) are a headline at the limit, 301 are over it.
        #expect(s.when(.edit(ArticleFields(headline: String(repeating: "é", count: 300))), by: "rina").events?.count == 1)
        #expect(s.when(.edit(ArticleFields(headline: String(repeating: "🇮🇩", count: 300))), by: "rina").events?.count == 1)
        #expect(s.when(.edit(ArticleFields(headline: String(repeating: "é", count: 301))), by: "rina").violation?.message.contains("301 characters long; the limit is 300") == true)
        #expect(s.when(.edit(ArticleFields(summary: "ringkasan\u{0}")), by: "rina").violation?.message.contains("NUL") == true)
        #expect(s.when(.edit(ArticleFields(language: "indonesian!")), by: "rina").violation?.code == .invalidInput)
        #expect(s.when(.edit(ArticleFields(language: "en-GB")), by: "rina").events?.count == 1)
    }

    @Test("control characters are refused, saying which and where; line breaks only where text has lines")
    func controlCharacters() throws {
        let s = Scenario.drafted
        func refusal(_ fields: ArticleFields) -> String? { s.when(.edit(fields), by: "rina").violation?.message }
        // A headline, a section, a tag or a dateline is one line.
        #expect(refusal(ArticleFields(headline: "Putin\tdan Kim")) == "The headline contains a tab (at character 6) and must be one line of text. Replace the tab with a space and try again.")
        #expect(refusal(ArticleFields(headline: "Putin\ndan Kim"))?.contains("contains a line break (at character 6) and must be one line") == true)
        #expect(refusal(ArticleFields(headline: "Putin dan Kim\r"))?.contains("a carriage return (at character 14)") == true)
        #expect(refusal(ArticleFields(section: "Dunia\u{2028}Asia"))?.contains("The section contains a line separator (U+2028) (at character 6)") == true)
        #expect(refusal(ArticleFields(dateline: "Jakarta\u{2029}"))?.contains("The dateline contains a paragraph separator (U+2029) (at character 8)") == true)
        #expect(refusal(ArticleFields(tags: ["Rusia", "Korea\nUtara"]))?.contains("The tag contains a line break") == true)
        // An escape sequence would act on the terminal of whoever runs `newsroom show`.
        #expect(refusal(ArticleFields(headline: "é \u{1B}[2J Judul")) == "The headline contains an escape character (U+001B) (at character 3), which newsroom does not store: on a terminal it would be acted on, not shown. Remove it and try again.")
        // Positions count Unicode scalars: é and 😀 are one each.
        #expect(refusal(ArticleFields(body: "é😀\u{7}"))?.contains("the control character U+0007 (at character 3)") == true)
        #expect(refusal(ArticleFields(body: "a\u{7F}"))?.contains("U+007F (at character 2)") == true)
        #expect(refusal(ArticleFields(summary: "C1 \u{85} here"))?.contains("The summary contains the control character U+0085 (at character 4)") == true)
        #expect(refusal(ArticleFields(body: "x\u{9F}"))?.contains("U+009F") == true)
        // A body or a summary keeps its lines, tabs, carriage returns and separators.
        #expect(s.when(.edit(ArticleFields(body: "Paragraf satu.\r\n\r\nParagraf\tdua.\u{2028}", summary: "Baris\nkedua")), by: "rina").events?.count == 1)
        // What borders the refused ranges is text: U+00A0 (0xC2 0xA0), U+00BF, "—", "“", U+2027, U+202A.
        #expect(s.when(.edit(ArticleFields(headline: "Putin\u{A0}dan Kim \u{BF} — “kamerad” \u{2027} \u{202A}x")), by: "rina").events?.count == 1)
        // Notes and reasons may break lines; names and credit lines may not.
        let published = try Scenario.published
        #expect(published.when(.correct(note: "Nama diperbaiki.\nTerima kasih.", changes: ArticleFields(headline: "Baru")), by: "chief").events?.count == 1)
        #expect(published.when(.correct(note: "ok", changes: ArticleFields(headline: "Baru\n")), by: "chief").violation?.code == .invalidInput)
        #expect(Scenario.drafted.when(.setByline(reporters: [BylineEntry(name: "Rina\tS")], wireSource: nil), by: "rina").violation?.message.contains("The reporter name contains a tab") == true)
    }

    @Test("text with quotes, Indonesian and SQL is just text")
    func hostileTextIsText() throws {
        let text = "Saling memanggil “kamerad”; Robert'); DROP TABLE events;-- \"pelmeni\""
        let s = try Scenario.drafted.then(.edit(ArticleFields(headline: text, body: text)), by: "rina")
        #expect(s.state.headline == text)
        #expect(s.state.body == text)
    }
}

@Suite("Publishing rules")
struct PublishingRuleTests {
    @Test("the seed page's empty Reporter field is refused at publication, naming what is missing")
    func noBylineNoSource() throws {
        let s = try Scenario.drafted.then(.assignEditor(login: "yudono"), by: "yudono").then(.submit, by: "rina").then(.approve, by: "yudono")
        let result = s.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono")
        #expect(result.violation?.code == .notReadyToPublish)
        #expect(result.violation?.message.contains("a reporter byline or a wire source") == true)
        #expect(result.violation?.message.contains("Reporter field is empty") == true)
    }

    @Test("a wire source alone is enough for the byline rule")
    func wireSourceSuffices() throws {
        let s = try Scenario.drafted.then(.setByline(reporters: [], wireSource: "REUTERS"), by: "rina")
            .then(.assignEditor(login: "yudono"), by: "yudono").then(.submit, by: "rina").then(.approve, by: "yudono")
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono").events?.count == 1)
    }

    @Test("publishing needs an assigned editor, a headline and a body")
    func needsEditorAndText() throws {
        let noEditor = try Scenario.drafted.then(.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil), by: "rina").then(.submit, by: "rina").then(.approve, by: "chief")
        let result = noEditor.when(.publish(schedule: nil, embargoUntil: nil), by: "chief")
        #expect(result.violation?.message.contains("an assigned editor") == true)

        let noBody = Scenario([.drafted(.init(articleID: Scenario.id, author: "rina", slug: "s", fields: ArticleFields(headline: "H")))])
        let s = try noBody.then(.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil), by: "rina").then(.assignEditor(login: "yudono"), by: "yudono").then(.submit, by: "rina").then(.approve, by: "yudono")
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono").violation?.message.contains("a body") == true)
    }

    @Test("every image needs a caption and a credit line before publication")
    func uncaptionedImage() throws {
        var s = try Scenario.drafted.then(.attachImage(mediaID: "lead", url: "https://example.com/a.jpg", altText: "Putin dan Kim"), by: "rina")
        s = try s.then(.setByline(reporters: [], wireSource: "REUTERS"), by: "rina").then(.assignEditor(login: "yudono"), by: "yudono").then(.submit, by: "rina").then(.approve, by: "yudono")
        let refused = s.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono")
        #expect(refused.violation?.message.contains("caption and credit line for image lead") == true)
        #expect(s.when(.attachCaption(mediaID: "lead", caption: "Putin dan Kim", credit: ""), by: "yudono").violation?.code == .invalidInput)
        let captioned = try s.then(.attachCaption(mediaID: "lead", caption: "Putin dan Kim", credit: "Sputnik/Mikhail Metzel/Kremlin via REUTERS"), by: "yudono")
        #expect(captioned.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono").events?.count == 1)
    }

    @Test("only the assigned editor or a chief editor can publish")
    func whoPublishes() throws {
        let s = try Scenario.approved
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "sari").violation?.code == .notAllowed)
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "rina").violation?.code == .notAllowed)
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono").events?.count == 1)
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "chief").events?.count == 1)
    }

    @Test("only an approved article is published")
    func needsApproval() throws {
        let s = try Scenario.drafted.then(.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil), by: "rina").then(.assignEditor(login: "yudono"), by: "yudono")
        #expect(s.when(.publish(schedule: nil, embargoUntil: nil), by: "yudono").violation?.code == .wrongState)
        #expect(s.when(.approve, by: "yudono").violation?.code == .wrongState)
    }

    @Test("scheduling in the past is refused; in the future it goes out by itself when due")
    func scheduling() throws {
        let s = try Scenario.approved
        let past = ZonedInstant(instant: Scenario.t0.addingTimeInterval(-60), timeZone: "Asia/Jakarta")
        #expect(s.when(.publish(schedule: past, embargoUntil: nil), by: "yudono").violation?.message.contains("in the past") == true)
        let future = ZonedInstant(instant: Scenario.t0.addingTimeInterval(3600), timeZone: "Asia/Jakarta")
        let scheduled = try s.then(.publish(schedule: future, embargoUntil: nil), by: "yudono")
        #expect(scheduled.state.status == .scheduled)
        #expect(scheduled.state.effectiveStatus(at: Scenario.t0) == .scheduled)
        #expect(scheduled.state.effectiveStatus(at: Scenario.t0.addingTimeInterval(3601)) == .published)
        // Not yet out: corrections wait; once due, they are corrections.
        #expect(scheduled.when(.correct(note: "n", changes: ArticleFields(body: "b")), by: "yudono").violation?.code == .wrongState)
        #expect(scheduled.when(.correct(note: "n", changes: ArticleFields(body: "b")), by: "yudono", at: Scenario.t0.addingTimeInterval(7200)).events?.count == 1)
    }

    @Test("a scheduled article cannot gain an uncaptioned image or lose its body (found by the random test)")
    func scheduledStaysPublishable() throws {
        let future = ZonedInstant(instant: Scenario.t0.addingTimeInterval(3600), timeZone: "Asia/Jakarta")
        let s = try Scenario.approved.then(.publish(schedule: future, embargoUntil: nil), by: "yudono")
        let image = s.when(.attachImage(mediaID: "late", url: "https://e.com/l.jpg", altText: "alt"), by: "yudono")
        #expect(image.violation?.code == .notReadyToPublish)
        #expect(image.violation?.message.contains("request-changes") == true)
        #expect(s.when(.edit(ArticleFields(body: "")), by: "yudono").violation?.code == .notReadyToPublish)
        #expect(s.when(.edit(ArticleFields(summary: "Ringkasan")), by: "yudono").events?.count == 1)
    }

    @Test("an embargo is not a schedule: published now, visible when it lifts")
    func embargo() throws {
        let lifts = ZonedInstant(instant: Scenario.t0.addingTimeInterval(1800), timeZone: "Europe/London")
        let s = try Scenario.approved.then(.publish(schedule: nil, embargoUntil: lifts), by: "yudono")
        #expect(s.state.status == .published)
        #expect(s.state.visibleFrom == lifts.instant)
        let gone = ZonedInstant(instant: Scenario.t0.addingTimeInterval(-1), timeZone: "UTC")
        #expect(try Scenario.approved.when(.publish(schedule: nil, embargoUntil: gone), by: "yudono").violation?.code == .invalidInput)
    }
}

@Suite("After publication")
struct AfterPublicationTests {
    @Test("headline and body change only through a correction with a public note")
    func correctionsOnly() throws {
        let s = try Scenario.published
        let edit = s.when(.edit(ArticleFields(headline: "Baru")), by: "yudono")
        #expect(edit.violation?.code == .wrongState)
        #expect(edit.violation?.message.contains("newsroom correct") == true)
        #expect(s.when(.correct(note: " ", changes: ArticleFields(headline: "Baru")), by: "yudono").violation?.code == .invalidInput)
        let corrected = try s.then(.correct(note: "Judul diperbaiki", changes: ArticleFields(headline: "Baru")), by: "yudono")
        #expect(corrected.state.headline == "Baru")
        #expect(corrected.state.status == .corrected)
        #expect(corrected.state.corrections.map(\.note) == ["Judul diperbaiki"])
        #expect(corrected.state.corrections.first?.fields == ["headline"])
    }

    @Test("only the assigned editor or a chief corrects or unpublishes")
    func whoCorrects() throws {
        let s = try Scenario.published
        #expect(s.when(.correct(note: "n", changes: ArticleFields()), by: "sari").violation?.code == .notAllowed)
        #expect(s.when(.correct(note: "n", changes: ArticleFields()), by: "rina").violation?.code == .notAllowed)
        #expect(s.when(.unpublish(reason: "legal"), by: "rina").violation?.code == .notAllowed)
        #expect(s.when(.unpublish(reason: ""), by: "yudono").violation?.code == .invalidInput)
        #expect(s.when(.unpublish(reason: "legal"), by: "chief").events?.count == 1)
    }

    @Test("images cannot be added after publication; corrections are refused before it")
    func stateGuards() throws {
        #expect(try Scenario.published.when(.attachImage(mediaID: "m", url: "https://e.com/x.jpg", altText: "a"), by: "yudono").violation?.code == .wrongState)
        #expect(Scenario.drafted.when(.correct(note: "n", changes: ArticleFields()), by: "yudono").violation?.code == .wrongState)
        #expect(Scenario.drafted.when(.unpublish(reason: "r"), by: "yudono").violation?.code == .wrongState)
    }
}

@Suite("Desk, spike, links and slugs")
struct DeskTests {
    @Test("only editors assign editors, and only editors can be assigned")
    func assignment() {
        #expect(Scenario.drafted.when(.assignEditor(login: "yudono"), by: "rina").violation?.code == .notAllowed)
        #expect(Scenario.drafted.when(.assignEditor(login: "budi"), by: "chief").violation?.code == .invalidInput)
        #expect(Scenario.drafted.when(.assignEditor(login: "nobody"), by: "chief").violation?.message.contains("not on the staff") == true)
    }

    @Test("nothing happens to a spiked article")
    func spiked() throws {
        let s = try Scenario.drafted.then(.spike(reason: "duplikat"), by: "rina")
        let commands: [ArticleCommand] = [.edit(ArticleFields(body: "x")), .submit, .approve, .publish(schedule: nil, embargoUntil: nil),
                                          .spike(reason: nil), .assignEditor(login: "yudono"), .changeSlug("baru")]
        for command in commands {
            #expect(s.when(command, by: "chief").violation?.code == .wrongState)
        }
        #expect(try Scenario.published.when(.spike(reason: nil), by: "chief").violation?.code == .wrongState)
    }

    @Test("request changes sends an article back to its reporter")
    func requestChanges() throws {
        let s = try Scenario.drafted.then(.assignEditor(login: "yudono"), by: "yudono").then(.submit, by: "rina").then(.requestChanges(note: "Tambah sumber"), by: "yudono")
        #expect(s.state.status == .changesRequested)
        #expect(s.state.reviewNote == "Tambah sumber")
        #expect(s.when(.edit(ArticleFields(body: "x")), by: "rina").events?.count == 1)
        #expect(s.when(.submit, by: "rina").events == [.submitted])
    }

    @Test("links: no self-links, and linking twice changes nothing")
    func links() throws {
        let own = ArticleReference(articleID: Scenario.id, title: "self")
        #expect(Scenario.drafted.when(.relate(own), by: "rina").violation?.code == .invalidInput)
        let other = ArticleReference(title: "Xi Jinping dan Putin Makin Mesra")
        let s = try Scenario.drafted.then(.relate(other), by: "rina")
        #expect(s.when(.relate(other), by: "rina").events == [])
        #expect(s.when(.pick(other), by: "rina").events?.count == 1)
    }

    @Test("slugs are validated and the old one is remembered")
    func slugs() throws {
        #expect(Scenario.drafted.when(.changeSlug("Bad Slug"), by: "rina").violation?.code == .invalidInput)
        let s = try Scenario.drafted.then(.changeSlug("putin-kim"), by: "rina")
        #expect(s.state.slug == "putin-kim")
        #expect(s.state.previousSlugs == ["putin-siap"])
        #expect(s.when(.changeSlug("putin-kim"), by: "rina").events == [])
    }

    @Test("Indonesian headlines make readable ASCII slugs")
    func slugFromHeadline() {
        #expect(Slug.make(from: "Putin Siap Penuhi Undangan Kim Jong Un, Kenapa AS Ketar-ketir?") == "putin-siap-penuhi-undangan-kim-jong-un-kenapa-as-ketar-ketir")
        #expect(Slug.make(from: "Café déjà vu — 100%") == "cafe-deja-vu-100")
        #expect(Slug.make(from: "!!!") == "article")
        // Mixed scripts go through transliteration, ASCII around them included.
        #expect(Slug.make(from: "Jakarta — Москва 2023") == "jakarta-moskva-2023")
        #expect(Slug.make(from: String(repeating: "kata ", count: 40)).count <= 80)
    }
}

@Suite("Staff")
struct StaffTests {
    @Test("the only chief editor cannot step down (the administrator can move them); with a second chief they can")
    func lastChief() throws {
        let chief = Actor(login: "chief", role: .chief)
        var roster = Roster(members: ["chief": StaffMember(login: "chief", displayName: "Chief", role: .chief),
                                      "sari": StaffMember(login: "sari", displayName: "Sari", role: .editor)])
        #expect(throws: RuleViolation(.notAllowed, "chief is the only chief editor; with none left, only the administrator could change staff. Make someone else chief first (`newsroom staff role LOGIN chief`).")) {
            try StaffDecider.decide(.changeRole(login: "chief", role: .reporter), state: roster, context: chief)
        }
        #expect(try StaffDecider.decide(.changeRole(login: "chief", role: .editor), state: roster, context: Actor(login: "root", role: .administrator)) == [.roleChanged(login: "chief", role: .editor)])
        #expect(try StaffDecider.decide(.changeRole(login: "sari", role: .reporter), state: roster, context: chief) == [.roleChanged(login: "sari", role: .reporter)])
        roster = StaffDecider.evolve(roster, .roleChanged(login: "sari", role: .chief))
        #expect(try StaffDecider.decide(.changeRole(login: "chief", role: .editor), state: roster, context: chief) == [.roleChanged(login: "chief", role: .editor)])
    }

    @Test("only a chief or the administrator changes staff; logins are safe role names")
    func staffRules() throws {
        let add = StaffCommand.add(login: "yudono", displayName: "Yudono", role: .editor)
        #expect(throws: RuleViolation.self) { try StaffDecider.decide(add, state: Roster(), context: Actor(login: "rina", role: .reporter)) }
        #expect(try StaffDecider.decide(add, state: Roster(), context: Actor(login: "root", role: .administrator)).count == 1)
        #expect(try StaffDecider.decide(add, state: Roster(), context: Actor(login: "chief", role: .chief)).count == 1)
        #expect(throws: RuleViolation(.notAllowed, "Only a chief editor or the administrator can change staff; sari is an editor.")) {
            try StaffDecider.decide(add, state: Roster(), context: Actor(login: "sari", role: .editor))
        }
        for bad in ["Robert'); DROP", "pg_admin", "", "1abc", String(repeating: "a", count: 64)] {
            #expect(throws: RuleViolation.self) { try StaffDecider.decide(.add(login: bad, displayName: "x", role: .reporter), state: Roster(), context: Actor(login: "root", role: .administrator)) }
        }
        // A display name is printed by `staff list` and `audit`: one line, no control characters, bounded.
        let chief = Actor(login: "chief", role: .chief)
        #expect(throws: RuleViolation(.invalidInput, "The display name contains a line break (at character 7) and must be one line of text. Put it on one line and try again.")) {
            try StaffDecider.decide(.add(login: "yudono", displayName: "Yudono\nYanuar", role: .editor), state: Roster(), context: chief)
        }
        #expect(throws: RuleViolation.self) { try StaffDecider.decide(.add(login: "yudono", displayName: "\u{1B}]0;x\u{7}", role: .editor), state: Roster(), context: chief) }
        #expect(throws: RuleViolation.self) { try StaffDecider.decide(.add(login: "yudono", displayName: String(repeating: "y", count: 201), role: .editor), state: Roster(), context: chief) }
        #expect(try StaffDecider.decide(.add(login: "yudono", displayName: "Yudono Yanuar — Redaktur", role: .editor), state: Roster(), context: chief).count == 1)
    }

    @Test("nobody removes themselves: their login would lose the rights to record it; another chief may")
    func noSelfRemoval() throws {
        var roster = Roster()
        for event in [StaffEvent.memberAdded(login: "chief", displayName: "Desk Chief", role: .chief),
                      .memberAdded(login: "sari", displayName: "Sari", role: .chief)] {
            roster = StaffDecider.evolve(roster, event)
        }
        #expect(throws: RuleViolation(.notAllowed, "chief cannot remove themselves from the staff. Ask another chief editor or the administrator.")) {
            try StaffDecider.decide(.remove(login: "chief"), state: roster, context: Actor(login: "chief", role: .chief))
        }
        #expect(try StaffDecider.decide(.remove(login: "chief"), state: roster, context: Actor(login: "sari", role: .chief)) == [.memberRemoved(login: "chief")])
    }
}

@Suite("Event versions")
struct EventVersionTests {
    @Test("ImageAttached v1 (alt) is upcast to v2 (altText)")
    func upcastsImageAttached() throws {
        let v1 = #"{"mediaID":"lead","url":"https://e.com/a.jpg","alt":"Putin dan Kim"}"#
        let event = try ArticleEvent.decode(typeName: "ImageAttached", schemaVersion: 1, payload: v1)
        #expect(event == .imageAttached(.init(mediaID: "lead", url: "https://e.com/a.jpg", altText: "Putin dan Kim")))
        #expect(ArticleEvent.schemaVersion(of: "ImageAttached") == 2)
        #expect(throws: EventDecodingError.self) { try ArticleEvent.decode(typeName: "ImageAttached", schemaVersion: 3, payload: v1) }
    }

    @Test("every event survives a round trip through its JSON payload")
    func roundTrip() throws {
        for event in try Scenario.published.history + [.corrected(.init(note: "n", changes: ArticleFields(body: "b"), at: Scenario.t0)), .slugChanged(.init(from: "a", to: "b"))] {
            let decoded = try ArticleEvent.decode(typeName: event.typeName, schemaVersion: ArticleEvent.schemaVersion(of: event.typeName), payload: event.encodedPayload())
            #expect(decoded == event)
        }
    }
}
