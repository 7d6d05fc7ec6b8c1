import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import Testing

@Suite("newsroom export and import archive")
struct ArchiveCLITests {
    @Test("export writes every article's history; import brings it into another newsroom, catches the read models up, and refuses bad input with the line and the exit code")
    func exportAndImport() async throws {
        let desk = try await Newsdesk.make()
        let article = try await desk.draft("Gempa di Maroko", body: "Isi berita\tdengan tab dan \"kutipan\".")
        for (arguments, user) in [(["assign-editor", article, desk.editor], desk.editor), (["submit", article], desk.reporter)] {
            #expect(try await desk.cli.run(arguments, as: user).status == 0)
        }
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("cli-archive-\(UUID().uuidString).ndjson").path
        let exported = try await desk.cli.run(["export", "--output", archive])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("exported 3 events"), "\(exported.stderr)")
        let lines = try String(contentsOfFile: archive, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.contains("\"type\": \"ArticleDrafted\"") == true)

        let target = try await Newsdesk.make()
        let imported = try await target.cli.run(["import", "archive", archive, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.object["articles"] as? Int == 1)
        #expect(imported.object["articleEvents"] as? Int == 3)
        #expect(imported.object["readModelsSeconds"] != nil)
        // The read models were caught up: the article is listed at once, with its history's author.
        let listed = try await target.cli.run(["list", "--json"], as: target.chief)
        #expect(listed.stdout.contains("Gempa di Maroko"), "\(listed.stdout)")
        let history = try await target.cli.run(["history", article, "--json"], as: target.chief)
        #expect(history.stdout.contains(desk.reporter), "\(history.stdout)")
        #expect(try await target.cli.run(["verify"]).status == 0)

        // Again: the streams exist, exit 75 and nothing changes.
        let again = try await target.cli.run(["import", "archive", archive])
        #expect(again.status == 75, "\(again.stderr)")
        #expect(again.stderr.contains("Nothing was imported"))
        // A broken line: 65 with its number. A missing file: 64. Staff cannot import: 77.
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("cli-broken-\(UUID().uuidString).ndjson").path
        try Data((lines.map(String.init) + ["{\"stream\": \"article-x\""]).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: broken))
        let bad = try await Newsdesk.make()
        let refused = try await bad.cli.run(["import", "archive", broken])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("line 4:"), "\(refused.stderr)")
        #expect(try await bad.cli.run(["import", "archive", "/nonexistent/archive.ndjson"]).status == 64)
        let staff = try await bad.cli.run(["import", "archive", archive], as: bad.chief)
        #expect(staff.status == 77, "\(staff.stderr)")
        #expect(staff.stderr.contains("permission denied for table events. An import writes the log directly; run it as the database's owner"), "\(staff.stderr)")
        #expect(try await bad.cli.run(["history", article], as: bad.chief).status == 66)
    }

    @Test("export to standard output piped into import archive - moves a newsroom's history in one pass; an empty pipe imports nothing")
    func exportPipedIntoImport() async throws {
        let desk = try await Newsdesk.make()
        let article = try await desk.draft("Banjir di Jakarta", body: "Hujan deras sejak pagi.\n\nWarga mengungsi.")
        #expect(try await desk.cli.run(["assign-editor", article, desk.editor], as: desk.editor).status == 0)
        let exported = try await desk.cli.run(["export"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.split(separator: "\n").count == 2)

        let target = try await Newsdesk.make()
        let imported = try await target.cli.run(["import", "archive", "-", "--json"], input: Data(exported.stdout.utf8))
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.object["articleEvents"] as? Int == 2)
        let history = try await target.cli.run(["history", article, "--json"], as: target.chief)
        #expect((history.json as? [Any])?.count == 2, "\(history.stdout)")
        #expect(try await target.cli.run(["verify"]).status == 0)
        // The same bytes again are the same archive: the log has those articles already.
        let again = try await target.cli.run(["import", "archive", "-"], input: Data(exported.stdout.utf8))
        #expect(again.status == 75, "\(again.stderr)")

        let empty = try await Newsdesk.make()
        let nothing = try await empty.cli.run(["import", "archive", "-"], input: Data())
        #expect(nothing.status == 65, "\(nothing.stderr)")
        #expect(nothing.stderr.contains("standard input holds no events"), "\(nothing.stderr)")
        let folder = try await empty.cli.run(["import", "archive", FileManager.default.temporaryDirectory.path])
        #expect(folder.status == 64)
        #expect(folder.stderr.contains("is a folder"), "\(folder.stderr)")
    }

    @Test("export --output replaces an earlier file only once the whole archive is written: a failed export leaves it as it was, with no partial file beside it")
    func exportReplacesOnlyWhenComplete() async throws {
        let desk = try await Newsdesk.make()
        _ = try await desk.draft("Banjir di Jakarta", body: "Isi berita.")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appendingPathComponent("archive.ndjson").path
        let earlier = "{\"an\": \"earlier archive\"}\n"
        try earlier.write(toFile: archive, atomically: true, encoding: .utf8)

        // The server refuses the login: the export fails before a line is written.
        let refused = try await desk.cli.run(["export", "--output", archive], as: "nobody_\(UInt32.random(in: 0...UInt32.max))")
        #expect(refused.status != 0, "\(refused.stdout)")
        #expect(try String(contentsOfFile: archive, encoding: .utf8) == earlier)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["archive.ndjson"])

        let intoFolder = try await desk.cli.run(["export", "--output", folder.path])
        #expect(intoFolder.status == 64, "\(intoFolder.stderr)")
        #expect(intoFolder.stderr.contains("is a folder"), "\(intoFolder.stderr)")

        // What killed exports leave: the partial file of a process that is gone and was last
        // written two minutes ago goes; a fresh one, and one of a process still running, stay.
        func finishedProcess() throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/true")
            try process.run()
            process.waitUntilExit()
            return process.processIdentifier
        }
        let gone = try finishedProcess()
        let stale = folder.appendingPathComponent(".archive.ndjson.partial-\(gone)").path
        let fresh = folder.appendingPathComponent(".archive.ndjson.partial-\(try finishedProcess())").path
        let running = folder.appendingPathComponent(".archive.ndjson.partial-\(getpid())").path
        for path in [stale, fresh, running] { try "half an archive".write(toFile: path, atomically: false, encoding: .utf8) }
        for path in [stale, running] { try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-120)], ofItemAtPath: path) }

        let exported = try await desk.cli.run(["export", "--output", archive])
        #expect(exported.status == 0, "\(exported.stderr)")
        let written = try String(contentsOfFile: archive, encoding: .utf8)
        #expect(!written.contains("earlier archive"))
        #expect(written.contains("Banjir di Jakarta"))
        #expect(exported.stderr.contains("removed .archive.ndjson.partial-\(gone): an export that was killed"), "\(exported.stderr)")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: folder.path))
                == ["archive.ndjson", URL(fileURLWithPath: fresh).lastPathComponent, URL(fileURLWithPath: running).lastPathComponent])
    }

    @Test("an archive keeps control characters the deciders refuse today; show, history, list and errors print them as visible symbols, --json exactly")
    func controlCharactersFromAnArchive() async throws {
        let desk = try await Newsdesk.make()
        let article = try await desk.draft("Judul ASLI", body: "Isi berita.")
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("cli-escape-\(UUID().uuidString).ndjson").path
        #expect(try await desk.cli.run(["export", "--output", archive]).status == 0)
        // Written by another system: a headline that clears the screen and retitles the window.
        let hostile = "Judul \u{1B}[2J\u{1B}]0;diretas\u{7}palsu\r"
        let original = try String(contentsOfFile: archive, encoding: .utf8)
        #expect(original.contains("Judul ASLI"))
        let escaped = "Judul \\u001b[2J\\u001b]0;diretas\\u0007palsu\\r"
        try original.replacingOccurrences(of: "Judul ASLI", with: escaped).write(toFile: archive, atomically: true, encoding: .utf8)

        let target = try await Newsdesk.make()
        let imported = try await target.cli.run(["import", "archive", archive])
        #expect(imported.status == 0, "\(imported.stderr)")
        let shown = "Judul ␛[2J␛]0;diretas␇palsu␍"
        for arguments in [["show", article], ["history", article], ["list"], ["audit", "--article", article]] {
            let result = try await target.cli.run(arguments, as: target.chief)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D }, "\(arguments) printed a control character")
            if arguments[0] != "history" { #expect(result.stdout.contains(shown) || result.stdout.contains("Judul ␛[2J"), "\(arguments): \(result.stdout)") }
        }
        // A refusal that quotes the headline shows it the same way.
        let refused = try await target.cli.run(["publish", article], as: target.chief)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("\"\(shown)\" is draft"), "\(refused.stderr)")
        // --json is exact: JSON escapes the characters and a program gets them back.
        let json = try await target.cli.run(["show", article, "--json"], as: target.chief)
        #expect(json.object["headline"] as? String == hostile)
    }
}
