import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("newsroom staff, run by a chief editor")
struct StaffCLITests {
    /// The newsroom groups `login` belongs to directly, as the server records them.
    static func groups(of login: String, in desk: Newsdesk) async throws -> [String] {
        try await TestCluster.rows(desk.cli.database, """
            SELECT g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
            WHERE r.rolname = '\(login)' AND g.rolname LIKE 'newsroom\\_%' ORDER BY 1
            """)
    }

    @Test("a chief adds, moves and removes staff, and the login can work (or not) at once; an editor cannot")
    func chiefManagesStaff() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let kiki = "kiki_\(UUID().uuidString.prefix(6).lowercased())"

        let added = try await cli.run(["staff", "add", kiki, "--role", "reporter", "--name", "Kiki Amalia"], as: desk.chief)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try await Self.groups(of: kiki, in: desk) == ["newsroom_reporter"])
        let drafted = try await cli.run(["draft", "--headline", "Banjir di Kemang", "--body", "Air setinggi lutut.", "--json"], as: kiki)
        #expect(drafted.status == 0, "\(drafted.stderr)")
        let article = try #require(drafted.object["article"] as? String)

        let moved = try await cli.run(["staff", "role", kiki, "editor"], as: desk.chief)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try await Self.groups(of: kiki, in: desk) == ["newsroom_editor"])
        #expect(try await cli.run(["assign-editor", article, kiki], as: kiki).status == 0)

        let removed = try await cli.run(["staff", "remove", kiki], as: desk.chief)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try await Self.groups(of: kiki, in: desk) == [])
        let afterRemoval = try await cli.run(["draft", "--headline", "Tidak boleh", "--body", "x"], as: kiki)
        #expect(afterRemoval.status == 77, "\(afterRemoval.stdout)")

        let back = try await cli.run(["staff", "add", kiki, "--role", "reporter"], as: desk.chief)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try await cli.run(["draft", "--headline", "Kembali bekerja", "--body", "y"], as: kiki).status == 0)

        // A chief removing themselves would lose the rights to record it: refused, and nothing changes.
        let itself = try await cli.run(["staff", "remove", desk.chief], as: desk.chief)
        #expect(itself.status == 77, "\(itself.stderr)")
        #expect(itself.stderr.contains("cannot remove themselves from the staff"), "\(itself.stderr)")
        #expect(try await Self.groups(of: desk.chief, in: desk) == ["newsroom_chief"])

        let byEditor = try await cli.run(["staff", "add", "nobody_\(kiki)", "--role", "reporter"], as: desk.editor)
        #expect(byEditor.status == 77)
        #expect(byEditor.stderr.contains("\(desk.editor) is an editor"), "\(byEditor.stderr)")
        #expect(try await Self.groups(of: "nobody_\(kiki)", in: desk) == [])
        #expect(try await TestCluster.rows(desk.cli.database, "SELECT rolname::text FROM pg_roles WHERE rolname = 'nobody_\(kiki)'") == [])

        let listed = try await cli.run(["staff", "list", "--json"], as: desk.reporter)
        let members = try #require(listed.json as? [[String: Any]])
        #expect(members.first { $0["login"] as? String == kiki }?["role"] as? String == "reporter")

        // The same person hired four times at once: one login, one member, every call content.
        let lina = "lina_\(kiki)"
        let statuses = try await withThrowingTaskGroup(of: CLIRunner.Output.self) { group in
            for _ in 0..<4 { group.addTask { try await cli.run(["staff", "add", lina, "--role", "reporter"], as: desk.chief) } }
            return try await group.reduce(into: [CLIRunner.Output]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0.status == 0 }, "\(statuses.map(\.stderr))")
        #expect(try await Self.groups(of: lina, in: desk) == ["newsroom_reporter"])
        let history = try await cli.run(["staff", "list", "--json"], as: desk.chief)
        #expect((history.json as? [[String: Any]] ?? []).filter { $0["login"] as? String == lina }.count == 1)
    }

    @Test("a chief cannot take over a role that is not newsroom's, nor set an existing login's password; nothing is changed")
    func chiefLimits() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let dba = "dba_\(suffix)", boss = "boss_\(suffix)"
        try await TestCluster.admin(sql: "CREATE ROLE \(dba) LOGIN IN ROLE pg_read_all_data")
        try await TestCluster.admin(sql: "CREATE ROLE \(boss) LOGIN CREATEROLE")

        let member = try await cli.run(["staff", "add", dba, "--role", "reporter"], as: desk.chief)
        #expect(member.status == 77)
        #expect(member.stderr.contains("belongs to role \"pg_read_all_data\""), "\(member.stderr)")
        #expect(member.stderr.contains("Nothing was changed"))
        #expect(try await Self.groups(of: dba, in: desk) == [])

        let privileged = try await cli.run(["staff", "add", boss, "--role", "chief"], as: desk.chief)
        #expect(privileged.status == 77)
        #expect(privileged.stderr.contains("not a plain login"), "\(privileged.stderr)")
        #expect(try await Self.groups(of: boss, in: desk) == [])

        let password = try await cli.run(["staff", "add", desk.reporter, "--role", "reporter", "--password", "rahasia"], as: desk.chief)
        #expect(password.status == 77)
        #expect(password.stderr.contains("only the administrator can set its password"), "\(password.stderr)")

        let listed = try await cli.run(["staff", "list", "--json"], as: desk.chief)
        let logins = Set((listed.json as? [[String: Any]] ?? []).compactMap { $0["login"] as? String })
        #expect(logins == [desk.chief, desk.editor, desk.otherEditor, desk.reporter, desk.otherReporter])

        // The administrator still can: the functions refuse only what a chief may not do.
        #expect(try await cli.run(["staff", "add", dba, "--role", "reporter"]).status == 0)
        #expect(try await Self.groups(of: dba, in: desk) == ["newsroom_reporter"])
    }

    @Test("the staff functions are not open to everyone: a reporter calling one directly is refused by PostgreSQL")
    func functionsAreClosed() async throws {
        let desk = try await Newsdesk.make()
        let reporter = desk.cli.database.with(user: desk.reporter)
        await #expect(throws: PSQLError.self) {
            try await TestCluster.rows(reporter, "SELECT staff_login_grant('\(desk.reporter)', 'newsroom_chief', NULL)::text")
        }
        #expect(try await Self.groups(of: desk.reporter, in: desk) == ["newsroom_reporter"])

        // A chief calling it directly still gets only what staff management may do.
        let chief = desk.cli.database.with(user: desk.chief)
        await #expect(throws: PSQLError.self) {
            try await TestCluster.rows(chief, "SELECT staff_login_grant('\(desk.otherReporter)', 'pg_write_all_data', NULL)::text")
        }
        #expect(try await Self.groups(of: desk.otherReporter, in: desk) == ["newsroom_reporter"])
    }

    @Test("a staff change whose event cannot be written changes no PostgreSQL role: the login, its groups and the roster stay as they were")
    func roleAndEventTogether() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let newcomer = "nina_\(UUID().uuidString.prefix(6).lowercased())"
        // The staff stream's next event fails after the roles changed, as a database that goes
        // away between the two statements would make it.
        _ = try await TestCluster.rows(cli.database, """
            CREATE FUNCTION refuse_staff_events() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.stream_id = 'staff' THEN RAISE EXCEPTION 'the log is failing'; END IF; RETURN NEW; END $$
            """)
        _ = try await TestCluster.rows(cli.database, "CREATE TRIGGER refuse_staff_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_staff_events()")
        let roster = try await cli.run(["staff", "list", "--json"], as: desk.chief)
        for (arguments, login) in [(["staff", "role", desk.reporter, "chief"], desk.reporter), (["staff", "remove", desk.otherEditor], desk.otherEditor),
                                   (["staff", "add", newcomer, "--role", "editor"], newcomer)] {
            let before = try await Self.groups(of: login, in: desk)
            let out = try await cli.run(arguments, as: desk.chief)
            #expect(out.status != 0, "\(arguments): \(out.stdout)")
            #expect(try await Self.groups(of: login, in: desk) == before, "\(arguments) changed PostgreSQL's roles without its event")
        }
        #expect(try await TestCluster.rows(cli.database, "SELECT rolname::text FROM pg_roles WHERE rolname = '\(newcomer)'").isEmpty, "staff add left a login behind")
        #expect(try await cli.run(["staff", "list", "--json"], as: desk.chief).stdout == roster.stdout)

        _ = try await TestCluster.rows(cli.database, "DROP TRIGGER refuse_staff_events ON events")
        #expect(try await cli.run(["staff", "role", desk.reporter, "editor"], as: desk.chief).status == 0)
        #expect(try await Self.groups(of: desk.reporter, in: desk) == ["newsroom_editor"])
    }
}
