import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("The newsroom CLI, end to end against PostgreSQL")
struct LifecycleCLITests {
    @Test("the Tempo page comes in through the editor's commands and is published with its wire source, caption and credit")
    func importTempo() async throws {
        let desk = try await Newsdesk.make()
        let file = CLIRunner.fixturesDirectory.appendingPathComponent("tempo-putin-kim-2023-09-14.txt").path
        let out = try await desk.cli.run(["import", "tempo", file, "--json"], as: desk.editor)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.object["published"] as? Bool == true)
        let slug = try #require(out.object["slug"] as? String)
        #expect(slug == "putin-siap-penuhi-undangan-kim-jong-un-kenapa-as-ketar-ketir")

        let article = try await desk.show(slug)
        #expect(article["status"] as? String == "published")
        #expect(article["headline"] as? String == "Putin Siap Penuhi Undangan Kim Jong Un, Kenapa AS Ketar-ketir?")
        #expect(article["wireSource"] as? String == "REUTERS")
        #expect((article["reporters"] as? [Any])?.isEmpty == true)
        #expect(article["editor"] as? String == desk.editor)
        #expect(article["dateline"] as? String == "TEMPO.CO, Jakarta")
        #expect(article["language"] as? String == "id")
        let image = try #require((article["images"] as? [[String: Any]])?.first)
        #expect(image["credit"] as? String == "Sputnik/Mikhail Metzel/Kremlin via REUTERS")
        #expect((image["caption"] as? String)?.hasSuffix("13 September 2023.") == true)
        #expect((article["body"] as? String)?.contains("Saling memanggil “kamerad”") == true)
        #expect((article["related"] as? [Any])?.count == 10)
        #expect((article["editorsPick"] as? [String: Any])?["title"] as? String == "Menanti Bantuan Datang, Korban Gempa Maroko yang Terisolasi Merasa Dilupakan")

        let history = try await desk.cli.run(["history", slug, "--json"], as: desk.reporter)
        let entries = try #require(history.json as? [[String: Any]])
        #expect(entries.first?["type"] as? String == "ArticleDrafted")
        #expect(entries.last?["type"] as? String == "ArticlePublished")
        #expect(entries.allSatisfy { $0["actor"] as? String == desk.editor })

        // The same import again (same command id) changes nothing; a reporter cannot import-and-publish.
        let commandID = UUID().uuidString
        let first = try await desk.cli.run(["import", "tempo", file, "--command-id", commandID, "--json"], as: desk.editor)
        let again = try await desk.cli.run(["import", "tempo", file, "--command-id", commandID, "--json"], as: desk.editor)
        #expect(first.object["article"] as? String == again.object["article"] as? String)
        #expect(again.object["slug"] as? String == "\(slug)-2")
        let refused = try await desk.cli.run(["import", "tempo", file], as: desk.reporter)
        #expect(refused.status == 77)
        // An editor who is not the page's may not approve it: refused before anything is written,
        // where it used to leave a submitted copy behind on each try.
        let drafts = { try await desk.cli.run(["list", "--json"], as: desk.chief).stdout.components(separatedBy: "Putin Siap Penuhi").count }
        let before = try await drafts()
        let other = try await desk.cli.run(["import", "tempo", file], as: desk.otherEditor)
        #expect(other.status == 77, "\(other.stderr)")
        #expect(other.stderr.contains("Importing this page would stop at `approve`: Only its assigned editor \(desk.editor) or a chief editor can approve"), "\(other.stderr)")
        #expect(other.stderr.contains("Nothing was imported. Run it as the page's editor or a chief editor, or add --draft-only"), "\(other.stderr)")
        #expect(refused.stderr.contains("Nothing was imported."), "\(refused.stderr)")
        #expect(try await drafts() == before)
        let draftOnly = try await desk.cli.run(["import", "tempo", file, "--draft-only", "--json"], as: desk.otherEditor)
        #expect(draftOnly.status == 0 && draftOnly.object["published"] as? Bool == false, "\(draftOnly.stderr)")
        #expect(try await drafts() == before + 1)
    }

    @Test("the desk flow by hand, with every refusal a newsroom expects")
    func refusals() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let id = try await desk.draft()

        // Wrong role: a reporter cannot assign editors; another reporter cannot edit this draft.
        #expect(try await cli.run(["assign-editor", id, desk.editor], as: desk.reporter).status == 77)
        let foreign = try await cli.run(["edit", id, "--body", "x"], as: desk.otherReporter)
        #expect(foreign.status == 77)
        #expect(foreign.stderr.contains("belongs to \(desk.reporter)"))

        #expect(try await cli.run(["assign-editor", id, desk.editor], as: desk.editor).status == 0)
        #expect(try await cli.run(["submit", id], as: desk.reporter).status == 0)
        #expect(try await cli.run(["approve", id], as: desk.editor).status == 0)

        // The seed page's empty Reporter field: refused, naming what is missing.
        let noByline = try await cli.run(["publish", id], as: desk.editor)
        #expect(noByline.status == 65)
        #expect(noByline.stderr.contains("reporter byline or a wire source"))

        // An uncaptioned image blocks publication too.
        #expect(try await cli.run(["request-changes", id, "--note", "Tambah foto"], as: desk.editor).status == 0)
        let attach = try await cli.run(["attach-image", id, "--url", "https://example.com/putin.jpg", "--alt", "Putin dan Kim", "--json"], as: desk.reporter)
        #expect(attach.status == 0)
        let show = try await desk.show(id)
        let media = try #require((show["images"] as? [[String: Any]])?.first?["mediaID"] as? String)
        #expect(try await cli.run(["byline", id, "--reporter", "Rina Widiastuti"], as: desk.reporter).status == 0)
        #expect(try await cli.run(["submit", id], as: desk.reporter).status == 0)
        #expect(try await cli.run(["approve", id], as: desk.editor).status == 0)
        let uncaptioned = try await cli.run(["publish", id], as: desk.editor)
        #expect(uncaptioned.status == 65)
        #expect(uncaptioned.stderr.contains("caption and credit line for image \(media)"))
        #expect(try await cli.run(["attach-caption", id, media, "--caption", "Putin dan Kim", "--credit", "REUTERS"], as: desk.editor).status == 0)

        // Only the assigned editor or a chief publishes.
        #expect(try await cli.run(["publish", id], as: desk.otherEditor).status == 77)
        #expect(try await cli.run(["publish", id], as: desk.reporter).status == 77)
        let published = try await cli.run(["publish", id, "--json"], as: desk.editor)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.object["status"] as? String == "published")

        // After publication: edits to the body are refused; a correction with a note is the way.
        #expect(try await cli.run(["edit", id, "--body", "baru"], as: desk.editor).status == 65)
        let version = try #require(try await desk.show(id)["version"] as? Int)
        let corrected = try await cli.run(["correct", id, "--note", "Nama diperbaiki", "--body", "TEMPO.CO, Jakarta - Presiden Rusia (diperbaiki)", "--expect-version", String(version)], as: desk.editor)
        #expect(corrected.status == 0, "\(corrected.stderr)")

        // A stale version is a conflict that says who changed it.
        let stale = try await cli.run(["correct", id, "--note", "lagi", "--expect-version", String(version)], as: desk.editor)
        #expect(stale.status == 75)
        #expect(stale.stderr.contains("you expected version \(version), it is \(version + 1)"))
        #expect(stale.stderr.contains("by \(desk.editor)"))
        // ...named as people know the article (headline and slug), not by the log's stream id.
        let slug = try #require(try await desk.show(id)["slug"] as? String)
        #expect(stale.stderr.contains("\"Putin Siap Penuhi Undangan Kim Jong Un\" (\(slug)) was changed"), "\(stale.stderr)")
        #expect(stale.stderr.contains("`newsroom history \(slug)`"))
        #expect(!stale.stderr.contains("article-"))
        // A version the article has not reached is a wrong number, not somebody else's change.
        let ahead = try await cli.run(["correct", id, "--note", "lagi", "--expect-version", String(version + 5)], as: desk.editor)
        #expect(ahead.status == 75)
        #expect(ahead.stderr.contains("(\(slug)) is only at version \(version + 1) (last changed by \(desk.editor) at "), "\(ahead.stderr)")
        #expect(ahead.stderr.contains("you expected version \(version + 5), which it has not reached."))
        #expect(ahead.stderr.contains("retry with --expect-version \(version + 1)"))

        // Unknown articles, bad ids, bad flags.
        #expect(try await cli.run(["show", "no-such-article"]).status == 66)
        #expect(try await cli.run(["show", UUID().uuidString]).status == 66)
        #expect(try await cli.run(["edit", id, "--body", "x", "--command-id", "not-a-uuid"], as: desk.reporter).status == 64)
        #expect(try await cli.run(["publish", id, "--timezone", "Mars/Olympus"], as: desk.editor).status == 64)

        // Not on the staff at all.
        let stranger = try await cli.run(["draft", "--headline", "x"], as: "no_such_login_\(UUID().uuidString.prefix(4).lowercased())")
        #expect(stranger.status == 77)
        #expect(stranger.stderr.contains("staff add"))

        // Take it down, with a reason; then nothing more happens to it.
        #expect(try await cli.run(["unpublish", id, "--reason", "Permintaan hukum"], as: desk.chief).status == 0)
        #expect(try await cli.run(["correct", id, "--note", "x"], as: desk.chief).status == 65)
    }

    @Test("Indonesian text, quotes and SQL injection strings in every text field come back exactly")
    func hostileText() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let nasty = "Saling memanggil “kamerad” — Robert'); DROP TABLE events; -- \"pelmeni\" $$ \\x00 🇮🇩"
        let draft = try await cli.run(["draft", "--headline", nasty, "--body", nasty, "--summary", nasty, "--dateline", nasty,
                                       "--section", nasty, "--tag", nasty, "--tag", "Rusia", "--json"], as: desk.reporter)
        #expect(draft.status == 0, "\(draft.stderr)")
        let id = try #require(draft.object["article"] as? String)
        #expect(try await cli.run(["byline", id, "--reporter", nasty, "--source", "Antara"], as: desk.reporter).status == 0)
        #expect(try await cli.run(["attach-image", id, "--url", "https://example.com/a.jpg?x='1'", "--alt", nasty], as: desk.reporter).status == 0)
        let media = try #require(((try await desk.show(id))["images"] as? [[String: Any]])?.first?["mediaID"] as? String)
        #expect(try await cli.run(["attach-caption", id, media, "--caption", nasty, "--credit", nasty], as: desk.reporter).status == 0)
        #expect(try await cli.run(["relate", id, "x", "--title", nasty], as: desk.reporter).status == 0)

        let article = try await desk.show(id)
        for key in ["headline", "body", "summary", "dateline", "section"] {
            #expect(article[key] as? String == nasty, "\(key) came back changed")
        }
        #expect(article["tags"] as? [String] == [nasty, "Rusia"])
        let image = try #require((article["images"] as? [[String: Any]])?.first)
        #expect(image["caption"] as? String == nasty)
        #expect(image["credit"] as? String == nasty)
        #expect(image["altText"] as? String == nasty)
        #expect((article["reporters"] as? [[String: Any]])?.first?["name"] as? String == nasty)
        #expect(try await cli.run(["verify"]).status == 0)

        // Empty, huge and invalid UTF-8 input.
        #expect(try await cli.run(["draft", "--headline", ""], as: desk.reporter).status == 65)
        let huge = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID()).txt")
        try String(repeating: "kata ", count: 120_000).write(to: huge, atomically: true, encoding: .utf8)
        let tooBig = try await cli.run(["edit", id, "--body-file", huge.path], as: desk.reporter)
        #expect(tooBig.status == 65)
        #expect(tooBig.stderr.contains("limit is 500000"))
        let latin1 = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID()).txt")
        try Data([0x43, 0x61, 0x66, 0xE9, 0x20, 0xFF]).write(to: latin1)
        let invalid = try await cli.run(["edit", id, "--body-file", latin1.path], as: desk.reporter)
        #expect(invalid.status == 64)
        #expect(invalid.stderr.contains("not valid UTF-8"))
        // A terminal escape in a headline would act on every editor's screen that shows it; a tab
        // or a line break would split a one-line field.
        let escape = try await cli.run(["edit", id, "--headline", "Judul \u{1B}]0;diretas\u{7}"], as: desk.reporter)
        #expect(escape.status == 65)
        #expect(escape.stderr.contains("The headline contains an escape character (U+001B) (at character 7)"), "\(escape.stderr)")
        let tab = try await cli.run(["edit", id, "--headline", "Judul\tbaru", "--summary", "Baris satu\nbaris dua"], as: desk.reporter)
        #expect(tab.status == 65)
        #expect(tab.stderr.contains("Replace the tab with a space"), "\(tab.stderr)")
        let lines = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID()).txt")
        try "Paragraf satu.\r\n\r\n\tParagraf dua.\n".write(to: lines, atomically: true, encoding: .utf8)
        let bodyLines = try await cli.run(["edit", id, "--body-file", lines.path], as: desk.reporter)
        #expect(bodyLines.status == 0, "\(bodyLines.stderr)")
        #expect(try await desk.show(id)["body"] as? String == "Paragraf satu.\r\n\r\n\tParagraf dua.\n")
        let bell = FileManager.default.temporaryDirectory.appendingPathComponent("bell-\(UUID()).txt")
        try "Paragraf satu.\u{7}".write(to: bell, atomically: true, encoding: .utf8)
        let bellBody = try await cli.run(["edit", id, "--body-file", bell.path], as: desk.reporter)
        #expect(bellBody.status == 65)
        #expect(bellBody.stderr.contains("The body contains the control character U+0007 (at character 15)"), "\(bellBody.stderr)")
        #expect(try await cli.run(["edit", id, "--body", nasty], as: desk.reporter).status == 0)
        let unchanged = try await desk.show(id)
        #expect(unchanged["body"] as? String == nasty)
        #expect(unchanged["headline"] as? String == nasty)
    }

    @Test("a resent command id changes nothing; reusing it for another command is refused")
    func commandIDs() async throws {
        let desk = try await Newsdesk.make()
        let commandID = UUID().uuidString
        let first = try await desk.cli.run(["draft", "--headline", "Gempa Maroko", "--command-id", commandID, "--json"], as: desk.reporter)
        let second = try await desk.cli.run(["draft", "--headline", "Gempa Maroko", "--command-id", commandID, "--json"], as: desk.reporter)
        #expect(first.status == 0 && second.status == 0)
        #expect(first.object["article"] as? String == second.object["article"] as? String)
        let id = try #require(first.object["article"] as? String)
        let history = try await desk.cli.run(["history", id, "--json"])
        #expect((history.json as? [Any])?.count == 1)

        let edit = UUID().uuidString
        #expect(try await desk.cli.run(["edit", id, "--body", "satu", "--command-id", edit], as: desk.reporter).status == 0)
        let resent = try await desk.cli.run(["edit", id, "--body", "satu", "--command-id", edit, "--json"], as: desk.reporter)
        #expect(resent.object["duplicate"] as? Bool == true)
        let reused = try await desk.cli.run(["edit", id, "--body", "dua", "--command-id", edit], as: desk.reporter)
        #expect(reused.status == 75)
        #expect(reused.stderr.contains("already used for a different command"))

        // Without --command-id the CLI makes one, time-ordered (version 7) like the article's id,
        // so that the log's unique indexes grow at their right edge.
        let unnamed = try await desk.cli.run(["draft", "--headline", "Gempa Maroko", "--json"], as: desk.reporter)
        let madeCommandID = try #require(unnamed.object["commandId"] as? String)
        #expect(Array(madeCommandID)[14] == "7", "\(madeCommandID) is not version 7")
        let madeArticleID = try #require(unnamed.object["article"] as? String)
        #expect(Array(madeArticleID.suffix(36))[14] == "7", "\(madeArticleID) is not version 7")
    }

    @Test("concurrent editors pinned to the same version: one wins, the other gets a conflict")
    func concurrentEditors() async throws {
        let desk = try await Newsdesk.make()
        let id = try await desk.draft()
        let version = try #require(try await desk.show(id)["version"] as? Int)
        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for n in 0..<6 {
                group.addTask {
                    try await desk.cli.run(["edit", id, "--summary", "versi \(n)", "--expect-version", String(version)], as: n % 2 == 0 ? desk.editor : desk.otherEditor).status
                }
            }
            return try await group.reduce(into: [Int32]()) { $0.append($1) }
        }
        #expect(results.filter { $0 == 0 }.count == 1)
        #expect(results.filter { $0 == 75 }.count == 5)
        #expect(try await desk.show(id)["version"] as? Int == version + 1)
    }

    @Test("verify exits 1 and names the event a superuser altered behind the database's back")
    func verifyTampering() async throws {
        let desk = try await Newsdesk.make()
        let id = try await desk.draft()
        #expect(try await desk.cli.run(["verify"]).status == 0)
        let history = try await desk.cli.run(["history", id, "--json"])
        #expect(history.status == 0)
        try await TestCluster.withStore(desk.cli.database) { store in
            // The newest event, committed whatever the read horizon says (another test's open
            // transaction may hold readers back for a while).
            var position: Int64 = 0
            for try await newest in try await store.client.query("SELECT max(position) FROM events", logger: TestCluster.logger).decode(Int64.self) { position = newest }
            try #require(position > 0)
            try await store.client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica", logger: TestCluster.logger)
                try await connection.query("UPDATE events SET actor = 'someone_else' WHERE position = \(position)", logger: TestCluster.logger)
            }
            let out = try await desk.cli.run(["verify", "--json"])
            #expect(out.status == 1)
            #expect(out.object["position"] as? Int == Int(position))
            #expect(out.object["intact"] as? Bool == false)
        }
    }

    @Test("read your writes: list, audit and show --format ninjs reflect a command as soon as it returns, without a follower; audit CSV keeps a formula inert")
    func readYourWrites() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let id = try await desk.draft("Gempa Maroko", body: "Isi")
        let queue = try await cli.run(["list", "--json"], as: desk.editor)
        #expect((queue.json as? [[String: Any]])?.contains { $0["article"] as? String == id && $0["status"] as? String == "draft" } == true)
        #expect(try await cli.run(["show", id, "--format", "ninjs"]).status == 66)
        for (args, user) in [(["byline", id, "--source", "Antara"], desk.reporter), (["assign-editor", id, desk.editor], desk.editor),
                             (["submit", id], desk.reporter), (["approve", id], desk.editor), (["publish", id], desk.editor)] {
            let out = try await cli.run(args, as: user)
            #expect(out.status == 0, "\(args): \(out.stderr)")
        }
        let after = try await cli.run(["list", "--json"], as: desk.editor)
        #expect((after.json as? [[String: Any]])?.contains { $0["article"] as? String == id } == false)
        let ninjs = try await cli.run(["show", id, "--format", "ninjs"])
        #expect(ninjs.status == 0)
        #expect(ninjs.object["by"] as? String == "Antara")
        let audit = try await cli.run(["audit", "--article", id, "--format", "json"])
        #expect((audit.json as? [[String: Any]])?.map { $0["action"] as? String ?? "" } == ["drafted", "byline", "assign-editor", "submitted", "approved", "published"])
        // A note with a Windows line end stays inside its quoted CSV field.
        #expect(try await cli.run(["correct", id, "--note", "Nama diperbaiki\r\nTerima kasih pembaca", "--summary", "Ringkasan baru"], as: desk.editor).status == 0)
        let csv = try await cli.run(["audit", "--article", id, "--action", "corrected", "--format", "csv"])
        #expect(csv.stdout.contains("\"corrected summary: Nama diperbaiki\nTerima kasih pembaca\""), "\(csv.stdout)")
        let report = try await cli.run(["audit", "report", "no-byline", "--format", "csv"])
        #expect(report.stdout.contains(id))
        #expect(report.stdout.contains("Antara"))
        // Reports show their times as `audit` does: the table in --timezone, JSON in UTC instants.
        let published = try #require((audit.json as? [[String: Any]])?.last?["time"] as? String)
        let instant = try #require(Instant.parse(published))
        let inJakarta = try await cli.run(["audit", "report", "time-to-publish", "--timezone", "Asia/Jakarta"])
        #expect(inJakarta.stdout.contains("published_at (Asia/Jakarta)"), "\(inJakarta.stdout)")
        #expect(inJakarta.stdout.contains(Self.wallClock(instant, "Asia/Jakarta")), "\(inJakarta.stdout)")
        let inUTC = try await cli.run(["audit", "report", "time-to-publish", "--timezone", "UTC"])
        #expect(inUTC.stdout.contains(Self.wallClock(instant, "UTC")), "\(inUTC.stdout)")
        let reportJSON = try await cli.run(["audit", "report", "time-to-publish", "--json"])
        #expect((reportJSON.json as? [[String: Any]])?.first { $0["article"] as? String == id }?["published_at"] as? String == published, "\(reportJSON.stdout)")
        // A headline a spreadsheet would run as a formula reaches CSV as text; JSON keeps it exactly.
        let formula = "=HYPERLINK(\"https://example.com/x\",\"Klik\")"
        let trap = try await desk.draft(formula, body: "Isi")
        let trapCSV = try await cli.run(["audit", "--article", trap, "--format", "csv"])
        #expect(trapCSV.stdout.contains(",\"'=HYPERLINK(\"\"https://example.com/x\"\",\"\"Klik\"\")\","), "\(trapCSV.stdout)")
        #expect(!trapCSV.stdout.contains(",\"=HYPERLINK"), "\(trapCSV.stdout)")
        let trapJSON = try await cli.run(["audit", "--article", trap, "--format", "json"])
        #expect((trapJSON.json as? [[String: Any]])?.first?["headline"] as? String == formula)
        let status = try await cli.run(["projections", "status", "--json"])
        #expect((status.json as? [[String: Any]])?.allSatisfy { $0["lagEvents"] as? Int == 0 } == true)
    }

    static func wallClock(_ instant: Date, _ zone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: instant)
    }

    @Test("audit shows the latest matching entries, oldest first, and says when older ones were left out")
    func auditShowsTheLatest() async throws {
        let desk = try await Newsdesk.make()
        for headline in ["Satu", "Dua", "Tiga"] { _ = try await desk.draft(headline) }
        let latest = try await desk.cli.run(["audit", "--action", "drafted", "--limit", "2", "--json"], as: desk.chief)
        #expect(latest.status == 0, "\(latest.stderr)")
        #expect((latest.json as? [[String: Any]])?.map { $0["headline"] as? String ?? "" } == ["Dua", "Tiga"], "\(latest.stdout)")
        #expect(latest.stderr.contains("newsroom: note: these are the latest 2 matching entries; older ones were left out."), "\(latest.stderr)")
        let table = try await desk.cli.run(["audit", "--action", "drafted", "--limit", "2"], as: desk.chief)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[1].contains("Dua") && lines[2].contains("Tiga"), "\(table.stdout)")
        let all = try await desk.cli.run(["audit", "--action", "drafted", "--limit", "3", "--json"], as: desk.chief)
        #expect((all.json as? [[String: Any]])?.map { $0["headline"] as? String ?? "" } == ["Satu", "Dua", "Tiga"], "\(all.stdout)")
        #expect(all.stderr.isEmpty, "\(all.stderr)")
        // A typo of an action answered "no audit entries match", which reads as "nobody did that".
        let typo = try await desk.cli.run(["audit", "--action", "draft"], as: desk.chief)
        #expect(typo.status == 64, "\(typo.stderr)")
        #expect(typo.stderr.contains("--action draft is not an audit action. Did you mean drafted? Actions: drafted, edited, "), "\(typo.stderr)")
        // A mistyped login: no entries, and a word that it is not on the staff; the desk queue says the same.
        let nobody = try await desk.cli.run(["audit", "--actor", "yudono"], as: desk.chief)
        #expect(nobody.status == 0 && nobody.stdout.contains("no audit entries match"), "\(nobody.stdout)")
        #expect(nobody.stderr.contains("newsroom: note: yudono is not on the staff now"), "\(nobody.stderr)")
        let queue = try await desk.cli.run(["list", "--editor", "yudono"], as: desk.chief)
        #expect(queue.stdout.contains("the desk is clear: nothing waiting for yudono, who is not on the staff (editors: "), "\(queue.stdout)")
        let reporter = try await desk.cli.run(["list", "--editor", desk.reporter], as: desk.chief)
        #expect(reporter.stdout.contains("\(desk.reporter), who is a reporter, not an editor"), "\(reporter.stdout)")
        let staff = try await desk.cli.run(["audit", "--action", "staff-added", "--json"], as: desk.chief)
        #expect(staff.status == 0 && (staff.json as? [[String: Any]])?.isEmpty == false, "\(staff.stdout)\(staff.stderr)")
    }

    @Test("no database reachable: exit 69 with what to do")
    func databaseDown() async throws {
        let cli = CLIRunner(database: try TestCluster.admin)
        let out = try await cli.run(["show", "anything"], environment: ["PGHOST": "127.0.0.1", "PGPORT": "1"])
        #expect(out.status == 69)
        #expect(out.stderr.contains("Is it running?"))
        // The system's reason, not NIO's error structure.
        #expect(out.stderr.contains(": Connection refused. Is it running?"), "\(out.stderr)")
        #expect(!out.stderr.contains("SingleConnectionFailure"), "\(out.stderr)")
        let socket = try await cli.run(["show", "anything"], environment: ["PGHOST": "/nonexistent-socket-folder", "PGPORT": "5432"])
        #expect(socket.status == 69 && socket.stderr.contains(": No such file or directory. Is it running?"), "\(socket.stderr)")
        let host = try await cli.run(["show", "anything"], environment: ["PGHOST": "no-such-host.invalid", "PGPORT": "5432"])
        #expect(host.status == 69 && host.stderr.contains(": its host name does not resolve. Is it running?"), "\(host.stderr)")
    }

    @Test("a reporter running administration is told who may (exit 77), not 'unexpected error: PSQLError' (exit 70)")
    func administrationByStaff() async throws {
        let desk = try await Newsdesk.make()
        for arguments in [["projections", "rebuild", "published"], ["db", "migrate"], ["replay", "published", "--until", "2026-12-01", "--into", "site_by_reporter"]] {
            let out = try await desk.cli.run(arguments, as: desk.reporter)
            #expect(out.status == 77, "\(arguments): \(out.stderr)")
            #expect(out.stderr.contains("Administration (db migrate, projections rebuild, import archive) needs the database's owner."), "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("unexpected error"), "\(arguments): \(out.stderr)")
        }
    }

    @Test("operator flags out of range are refused with what is allowed, before anything runs")
    func operatorFlags() async throws {
        let desk = try await Newsdesk.make()
        for (arguments, expected) in [
            (["projections", "rebuild", "nosuch"], "There is no projection \"nosuch\""),
            (["projections", "rebuild", "audit", "--batch-size", "0"], "--batch-size must be between 1 and 100000, not 0"),
            (["serve", "--article-cache-ms", "70000"], "--article-cache-ms must be from 0 (no cache) to 60000, not 70000"),
            (["serve", "--article-cache-ms", "soon"], "article-cache-ms"),
            (["serve", "--idle-timeout", "0"], "--idle-timeout must be from 1 to 3600 seconds, not 0."),
            (["history", "anything", "--timezone", "Mars/Olympus"], "\"Mars/Olympus\" is not an IANA time zone."),
            (["replay", "published", "--until", "2026-12-01", "--into", "then", "--wait", "7200"], "--wait must be from 0 to 3600 seconds, not 7200."),
            // A name of lowercase letters that PostgreSQL keeps for itself is told apart from a malformed one.
            (["replay", "published", "--until", "2026-12-01", "--into", "public"], "--into public: use 1 to 50 lowercase letters, digits and _, starting with a letter, and not public"),
            (["replay", "published", "--until", "2026-12-01", "--into", "Then!"], "--into Then!: use 1 to 50 lowercase letters"),
            (["replay", "nosuch", "--until", "2026-12-01", "--into", "then"], "Projections: published, audit, desk, stats, access."),
        ] {
            let result = try await desk.cli.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
    }

    @Test("replay while an older transaction keeps the log's newest events unreadable: it waits for it, or gives up after --wait with exit 75 and keeps nothing; audit answers with a note that it is behind")
    func replayBehindAnOpenTransaction() async throws {
        let desk = try await Newsdesk.make()
        let db = desk.cli.database
        // The desk's own staff events readable first: another test's transaction may still hold
        // them back, and the holder below would then keep them unreadable with the draft's two.
        let ready = try await desk.cli.run(["audit", "--json"], as: desk.chief)
        #expect(ready.status == 0 && ready.stderr.isEmpty, "\(ready.stderr)")
        let (release, held) = AsyncStream<Void>.makeStream()
        let (opened, opening) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await TestCluster.withStore(db) { store in
                try await store.client.withConnection { connection in
                    try await connection.query("BEGIN", logger: TestCluster.logger)
                    try await connection.query("SELECT pg_current_xact_id()", logger: TestCluster.logger)
                    opening.finish()
                    for await _ in release {}
                    try await connection.query("COMMIT", logger: TestCluster.logger)
                }
            }
        }
        for await _ in opened {}
        // Drafted through the library: the CLI's own read-your-writes would wait for the holder.
        _ = try await TestCluster.withStore(db.with(user: desk.reporter)) {
            try await Newsroom(store: $0).draft(ArticleFields(headline: "Tertahan", body: "Isi"), slug: nil, commandID: UUID())
        }
        // Tomorrow by UTC, read in UTC: a UTC date read in the default zone (Asia/Jakarta, UTC+7)
        // starts at 17:00 UTC the day before, which is already past each evening.
        let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400)).prefix(10)
        // The two processes run side by side: while the holder is open every other test's reads
        // wait too, and one after the other they held it 7 s under the whole suite's load.
        async let refusedRun = desk.cli.run(["replay", "audit", "--until", String(tomorrow), "--timezone", "UTC", "--into", "then_short", "--wait", "0.5"])
        // The read-your-writes of audit and list waits as long, then answers with a note that it is behind.
        let impatient = CLIRunner(database: db, extraEnvironment: ["NEWSROOM_READ_WAIT": "0.5"])
        async let behindRun = impatient.run(["audit", "--json"], as: desk.chief)
        let (refused, behind) = try await (refusedRun, behindRun)
        held.finish()
        try await holder.value
        #expect(behind.status == 0, "\(behind.stderr)")
        #expect(!behind.stdout.contains("Tertahan"), "\(behind.stdout)")
        #expect(behind.stderr.contains("newsroom: note: this answer leaves out 2 newer events. A transaction elsewhere in the PostgreSQL cluster has been open for over 0.5 s"), "\(behind.stderr)")
        // With the default wait: another test's CREATE DATABASE may hold the horizon for seconds.
        let caughtUp = try await desk.cli.run(["audit", "--json"], as: desk.chief)
        #expect(caughtUp.stdout.contains("Tertahan") && caughtUp.stderr.isEmpty, "\(caughtUp.stdout) \(caughtUp.stderr)")
        let badWait = try await CLIRunner(database: db, extraEnvironment: ["NEWSROOM_READ_WAIT": "soon"]).run(["list"], as: desk.chief)
        #expect(badWait.status == 64 && badWait.stderr.contains("NEWSROOM_READ_WAIT=soon: give seconds from 0 to 3600 (default 20)."), "\(badWait.stderr)")
        #expect(refused.status == 75, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.contains("open for over 0.5 s and holds the read horizon back. Nothing was kept in then_short."), "\(refused.stderr)")
        #expect(try await TestCluster.rows(db, "SELECT nspname::text FROM pg_namespace WHERE nspname = 'then_short'").isEmpty)
        let replayed = try await desk.cli.run(["replay", "audit", "--until", String(tomorrow), "--timezone", "UTC", "--into", "then_full"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(try await TestCluster.rows(db, "SELECT DISTINCT headline FROM then_full.entries WHERE headline IS NOT NULL") == ["Tertahan"])
    }
}
