import Foundation
import NewsroomTestSupport
import Testing

@Suite("The CLI's text input, usage errors and version")
struct InputAndUsageCLITests {
    @Test("a body comes from standard input with --body-file - (or /dev/stdin), exactly, and a page with import tempo -")
    func standardInput() async throws {
        let desk = try await Newsdesk.make()
        let body = "TEMPO.CO, Jakarta - Paragraf dari pipa.\n\n\tParagraf kedua — “kutipan” 🇮🇩\r\n"
        let piped = try await desk.cli.run(["draft", "--headline", "Dari pipa", "--body-file", "-", "--json"], as: desk.reporter, input: Data(body.utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        let id = try #require(piped.object["article"] as? String)
        #expect(try await desk.show(id)["body"] as? String == body)

        let edited = try await desk.cli.run(["edit", id, "--body-file", "/dev/stdin"], as: desk.reporter, input: Data("Isi baru.".utf8))
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(try await desk.show(id)["body"] as? String == "Isi baru.")

        let page = try Data(contentsOf: CLIRunner.fixturesDirectory.appendingPathComponent("tempo-putin-kim-2023-09-14.txt"))
        let imported = try await desk.cli.run(["import", "tempo", "-", "--draft-only", "--json"], as: desk.editor, input: page)
        #expect(imported.status == 0, "\(imported.stderr)")
        let slug = try #require(imported.object["slug"] as? String)
        #expect((try await desk.show(slug, as: desk.editor)["headline"] as? String)?.contains("Putin") == true)
    }

    @Test("an unreadable --body-file says why (no such file, a folder, not UTF-8, far too large) with exit 64, and nothing is drafted")
    func unreadableFiles() async throws {
        let desk = try await Newsdesk.make()
        let folder = FileManager.default.temporaryDirectory.path
        let cases: [(arguments: [String], input: Data?, expected: String)] = [
            (["--body-file", "/nonexistent/story.txt"], nil, "--body-file /nonexistent/story.txt: there is no such file. Check the name, or give - to read standard input."),
            (["--body-file", "story-\(UUID()).txt"], nil, "there is no such file in "),
            (["--body-file", folder], nil, "--body-file \(folder) is a folder. Name a file in it."),
            (["--body-file", "-"], Data([0x43, 0x61, 0x66, 0xE9]), "standard input is not valid UTF-8"),
            (["--body-file", "-"], Data(repeating: 0x61, count: (64 << 20) + 1), "is over 64 MB"),
        ]
        for (arguments, input, expected) in cases {
            let out = try await desk.cli.run(["draft", "--headline", "Tidak terbaca"] + arguments, as: desk.reporter, input: input)
            #expect(out.status == 64, "\(arguments)")
            #expect(out.stderr.contains(expected), "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("NSCocoaErrorDomain"), "\(out.stderr)")
        }
        let list = try await desk.cli.run(["list", "--json"], as: desk.chief)
        #expect(list.status == 0)
        #expect((list.json as? [Any])?.isEmpty == true, "\(list.stdout)")
    }

    @Test("a usage error found while a command runs shows that command's usage, not newsroom's")
    func usageOfTheCommand() async throws {
        let desk = try await Newsdesk.make()
        let id = try await desk.draft()
        for (arguments, command) in [
            (["show", id, "--as-of", "yesterday"], "newsroom show"),
            (["token", "revoke", "not-a-token-id"], "newsroom token revoke"),
            (["edit", id, "--command-id", "not-a-uuid", "--summary", "x"], "newsroom edit"),
        ] {
            let out = try await desk.cli.run(arguments, as: desk.editor)
            #expect(out.status == 64, "\(arguments)")
            #expect(out.stderr.contains("Usage: \(command) "), "\(arguments): \(out.stderr)")
            #expect(out.stderr.contains("See '\(command) --help'"), "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("<subcommand>"), "\(arguments): \(out.stderr)")
        }
    }

    @Test("with --json, a usage error is the JSON error object on standard output, whichever stage finds it")
    func usageErrorsAsJSON() async throws {
        let desk = try await Newsdesk.make()
        let id = try await desk.draft()
        for (arguments, message) in [
            (["show", id, "--bogus", "--json"], "Unknown option '--bogus'"),
            (["list", "--state", "bogus", "--json"], "--state bogus is not a state"),
            (["show", id, "--as-of", "yesterday", "--json"], "\"yesterday\" is not a time"),
            // Foundation reads these years; one in an event stopped every read model (SQLSTATE 22008).
            (["publish", id, "--at", "300000-01-01T09:00:00Z", "--json"], "\"300000-01-01T09:00:00Z\" is outside the years newsroom keeps, 0001 to 9999"),
            (["publish", id, "--embargo-until", "10000-01-01 09:00", "--json"], "\"10000-01-01 09:00\" is outside the years newsroom keeps"),
            (["audit", "--since", "99999-01-01", "--json"], "\"99999-01-01\" is outside the years newsroom keeps"),
            (["audit", "--limit", "0", "--json"], "--limit must be 1 or more, not 0"),
            (["staff", "add", "someone", "--role", "intern", "--json"], "'intern' is invalid for '--role <role>'"),
        ] {
            let out = try await desk.cli.run(arguments, as: desk.editor)
            #expect(out.status == 64, "\(arguments)")
            let error = try #require(out.object["error"] as? [String: Any], "\(arguments): \(out.stdout) \(out.stderr)")
            #expect(error["kind"] as? String == "usage")
            #expect(error["exitCode"] as? Int == 64)
            #expect((error["message"] as? String)?.contains(message) == true, "\(arguments): \(error)")
        }
        // An argument after -- is an argument, not the flag.
        let literal = try await desk.cli.run(["show", "--", "--json"], as: desk.editor)
        #expect(literal.status == 66, "\(literal.stdout) \(literal.stderr)")
        #expect(literal.stdout.isEmpty)
    }

    @Test("a date alone bounds audit, show --as-of and replay from the day's start; publish asks for the hour; --since after --until is refused; the audit table reads the desk's clock")
    func datesAlone() async throws {
        let desk = try await Newsdesk.make()
        let id = try await desk.draft()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Jakarta"))
        func day(_ offset: Int) -> String {
            let date = calendar.date(byAdding: .day, value: offset, to: Date())!
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }
        let (yesterday, tomorrow) = (day(-1), day(1))
        let since = try await desk.cli.run(["audit", "--since", yesterday, "--article", id, "--format", "json"], as: desk.chief)
        #expect(since.status == 0, "\(since.stderr)")
        #expect((since.json as? [Any])?.count == 1, "\(since.stdout)")
        // The table shows the desk's clock, as history does; JSON keeps the UTC instant.
        let instantText = try #require((since.json as? [[String: Any]])?.first?["time"] as? String)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let instant = try #require(parser.date(from: instantText), "\(instantText)")
        for zone in ["Asia/Jakarta", "UTC"] {
            let clock = DateFormatter()
            clock.locale = Locale(identifier: "en_US_POSIX")
            clock.timeZone = TimeZone(identifier: zone)
            clock.dateFormat = "yyyy-MM-dd HH:mm:ss"
            let table = try await desk.cli.run(["audit", "--article", id, "--timezone", zone], as: desk.chief)
            #expect(table.stdout.hasPrefix("time (\(zone))"), "\(table.stdout)")
            #expect(table.stdout.contains(clock.string(from: instant)), "\(zone): \(table.stdout)")
        }
        for arguments in [["--since", tomorrow], ["--until", yesterday]] {
            let none = try await desk.cli.run(["audit", "--article", id, "--format", "json"] + arguments, as: desk.chief)
            #expect(none.status == 0, "\(arguments): \(none.stderr)")
            #expect((none.json as? [Any])?.isEmpty == true, "\(arguments): \(none.stdout)")
        }
        let swapped = try await desk.cli.run(["audit", "--since", tomorrow, "--until", yesterday], as: desk.chief)
        #expect(swapped.status == 64)
        #expect(swapped.stderr.contains("--since \(tomorrow) is after --until \(yesterday)"), "\(swapped.stderr)")

        #expect(try await desk.cli.run(["show", id, "--as-of", tomorrow], as: desk.reporter).status == 0)
        let before = try await desk.cli.run(["show", id, "--as-of", yesterday], as: desk.reporter)
        #expect(before.status == 66, "\(before.stderr)")
        #expect(before.stderr.contains("Article \"\(id)\" did not exist yet at \(yesterday) 00:00 GMT+7 (Asia/Jakarta)."), "\(before.stderr)")
        let replayed = try await desk.cli.run(["replay", "published", "--until", tomorrow, "--into", "site_\(UUID().uuidString.prefix(8).lowercased())"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let logged = try await TestCluster.rows(desk.cli.database, "SELECT count(*)::text FROM events")
        #expect(replayed.stdout.contains("(\(logged.first ?? "?") events recorded by then)"), "\(replayed.stdout)")
        // It reports the events up to its instant, not the events it read past it.
        let empty = try await desk.cli.run(["replay", "published", "--until", yesterday, "--into", "site_\(UUID().uuidString.prefix(8).lowercased())"])
        #expect(empty.stdout.contains("(0 events recorded by then)"), "\(empty.stdout) \(empty.stderr)")

        let publish = try await desk.cli.run(["publish", id, "--at", tomorrow], as: desk.editor)
        #expect(publish.status == 64)
        #expect(publish.stderr.contains("\"\(tomorrow)\" is a date without a time of day. Add one, e.g. \(tomorrow) 09:00"), "\(publish.stderr)")
    }

    @Test("a mistyped command is named as such, with the nearest command, at any depth (it read as 'unexpected arguments')")
    func mistypedCommands() async throws {
        let cli = CLIRunner(database: try TestCluster.admin)
        for (arguments, expected) in [
            (["publsh", "gempa"], "newsroom has no command \"publsh\". Did you mean `newsroom publish`?"),
            (["change-slug", "gempa", "gempa-baru"], "newsroom has no command \"change-slug\". Did you mean `newsroom slug`?"),
            (["staff", "ad", "kiki"], "newsroom staff has no command \"ad\". Did you mean `newsroom staff add`? Commands: add, list, role, remove."),
            (["db", "strat"], "Did you mean `newsroom db start`?"),
            (["wibble"], "newsroom has no command \"wibble\". Commands: draft, edit,"),
        ] {
            let out = try await cli.run(arguments)
            #expect(out.status == 64, "\(arguments)")
            #expect(out.stderr.contains(expected), "\(arguments): \(out.stderr)")
        }
        let json = try await cli.run(["publsh", "--json"])
        #expect(json.status == 64)
        #expect(((json.object["error"] as? [String: Any])?["message"] as? String)?.contains("Did you mean `newsroom publish`?") == true, "\(json.stdout)")
        // A real command with a wrong argument is not taken for a mistyped one.
        let known = try await cli.run(["show", "a", "b"])
        #expect(known.status == 64)
        #expect(!known.stderr.contains("has no command"), "\(known.stderr)")
    }

    @Test("--version names the release and the log schema this build migrates to, with exit 0")
    func version() async throws {
        let cli = CLIRunner(database: try TestCluster.admin)
        let latest = try #require(try FileManager.default.contentsOfDirectory(atPath: TestCluster.schemaDirectory.path)
            .compactMap { $0.hasSuffix(".sql") ? Int($0.prefix { $0.isNumber }) : nil }.max())
        for arguments in [["--version"], ["show", "--version"]] {
            let out = try await cli.run(arguments)
            #expect(out.status == 0, "\(arguments): \(out.stderr)")
            #expect(out.stdout.hasPrefix("newsroom 0.1.0 (log schema \(String(format: "%03d", latest)), from "), "\(out.stdout)")
        }
    }
}
