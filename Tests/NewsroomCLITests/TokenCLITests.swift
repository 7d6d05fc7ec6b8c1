import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("newsroom token")
struct TokenCLITests {
    /// What the read API's role sees for a secret, asked the way the API asks.
    static func apiSees(_ secret: String, in desk: Newsdesk) async throws -> Bool {
        try await Database.withClient(desk.cli.database.with(user: "newsroom_api"), logger: TestCluster.logger) { client in
            let rows = try await client.query("SELECT count(*) FROM access.valid_tokens WHERE digest = encode(sha256(convert_to(\(secret), 'UTF8')), 'hex')", logger: TestCluster.logger)
            for try await count in rows.decode(Int.self) { return count == 1 }
            return false
        }
    }

    @Test("create shows the secret once and the API accepts it at once; list never shows it; revoke closes it at once; refusals exit non-zero")
    func lifecycle() async throws {
        let desk = try await Newsdesk.make()
        let cli = desk.cli
        let empty = try await cli.run(["token", "list"], as: desk.editor)
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("endpoint is off"))

        let created = try await cli.run(["token", "create", "--label", "dasbor hukum", "--json"], as: desk.editor)
        #expect(created.status == 0, "\(created.stderr)")
        let secret = try #require(created.object["token"] as? String)
        let tokenID = try #require(created.object["tokenId"] as? String)
        #expect(created.object["holder"] as? String == desk.editor)
        #expect(try await Self.apiSees(secret, in: desk))

        let listed = try await cli.run(["token", "list", "--json"], as: desk.chief)
        #expect((listed.json as? [[String: Any]])?.map { $0["tokenId"] as? String } == [tokenID])
        #expect(!listed.stdout.contains(secret))

        // Only editors and chiefs hold tokens; an editor cannot hand one to someone else.
        let forReporter = try await cli.run(["token", "create", "--for", desk.reporter], as: desk.chief)
        #expect(forReporter.status == 77)
        #expect(forReporter.stderr.contains("only for editors and chiefs"))
        #expect(try await cli.run(["token", "create", "--for", desk.otherEditor], as: desk.editor).status == 77)
        #expect(try await cli.run(["token", "create"], as: desk.reporter).status == 77)
        #expect(try await cli.run(["token", "revoke", "not-a-uuid"], as: desk.editor).status == 64)
        #expect(try await cli.run(["token", "revoke", UUID().uuidString], as: desk.editor).status == 66)
        #expect(try await cli.run(["token", "revoke", tokenID], as: desk.otherEditor).status == 77)

        let revoked = try await cli.run(["token", "revoke", tokenID], as: desk.editor)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try await !Self.apiSees(secret, in: desk))
        let again = try await cli.run(["token", "revoke", tokenID], as: desk.chief)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already revoked"))
        let all = try await cli.run(["token", "list", "--all", "--json"], as: desk.chief)
        #expect((all.json as? [[String: Any]])?.first?["revoked"] as? Bool == true)
        let audit = try await cli.run(["audit", "--actor", desk.editor, "--format", "json"], as: desk.chief)
        #expect((audit.json as? [[String: Any]])?.compactMap { $0["action"] as? String }.filter { $0.hasPrefix("token-") } == ["token-issued", "token-revoked"])
    }
}
