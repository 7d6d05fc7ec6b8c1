import Foundation
import NewsroomTestSupport
import Testing

@Suite("The embedded local database")
struct LocalDatabaseTests {
    @Test("with no database configured, db start creates and starts a cluster; status, migrate, verify and stop work")
    func embeddedCluster() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("newsroom-local-\(UUID().uuidString.prefix(8))")
        let path = try await CLIRunner.executableEnvironment(dataDirectory: dir.path)
        func run(_ args: [String]) async throws -> CLIRunner.Output {
            try await CLIRunner.spawn(CLIRunner.executable.path, args, environment: path)
        }
        let start = try await run(["db", "start"])
        #expect(start.status == 0, "\(start.stderr)")
        defer { Task { _ = try? await run(["db", "stop"]); try? FileManager.default.removeItem(at: dir) } }
        let status = try await run(["db", "status", "--json"])
        #expect(status.status == 0)
        #expect(status.object["running"] as? Bool == true)
        #expect(status.object["mode"] as? String == "local")
        let migrate = try await run(["db", "migrate"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("up to date"))
        let verify = try await run(["verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let url = try await run(["db", "url"])
        #expect(url.stdout.contains("host=\(dir.path)/run"))
        let stop = try await run(["db", "stop"])
        #expect(stop.status == 0)
        let after = try await run(["db", "status"])
        #expect(after.status == 69)
        #expect(after.stdout.contains("stopped"))
    }
}

extension CLIRunner {
    /// An environment with no PG* variables: the embedded default, in its own data folder.
    static func executableEnvironment(dataDirectory: String) async throws -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        env["NEWSROOM_DATA_DIR"] = dataDirectory
        env["NEWSROOM_SCHEMA_DIR"] = TestCluster.schemaDirectory.path
        return env
    }
}
