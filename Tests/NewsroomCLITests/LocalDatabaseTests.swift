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
        #expect(start.stdout.hasPrefix("created a new local database; local PostgreSQL running in \(dir.path)/pgdata"), "\(start.stdout)")
        let again = try await run(["db", "start"])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("local PostgreSQL running in"), "\(again.stdout)")
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

    @Test("a command on an empty data folder makes a new database and says so, once; a data folder that cannot be made is named with why, exit 69")
    func newAndUnusableFolders() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("newsroom-typo-\(UUID().uuidString.prefix(8))")
        let env = try await CLIRunner.executableEnvironment(dataDirectory: dir.path)
        let first = try await CLIRunner.spawn(CLIRunner.executable.path, ["show", "gempa-maroko"], environment: env)
        defer { Task { _ = try? await CLIRunner.spawn(CLIRunner.executable.path, ["db", "stop"], environment: env); try? FileManager.default.removeItem(at: dir) } }
        #expect(first.status == 66, "\(first.stderr)")
        #expect(first.stderr.contains("there was no local database in \(dir.path), so this is a new, empty one"), "\(first.stderr)")
        let second = try await CLIRunner.spawn(CLIRunner.executable.path, ["show", "gempa-maroko"], environment: env)
        #expect(second.status == 66)
        #expect(!second.stderr.contains("new, empty one"), "\(second.stderr)")
        #expect(try await CLIRunner.spawn(CLIRunner.executable.path, ["db", "stop"], environment: env).status == 0)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("newsroom-file-\(UUID().uuidString.prefix(8))")
        try Data("not a folder".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for folder in [file.path, file.path + "/below"] {
            let refused = try await CLIRunner.spawn(CLIRunner.executable.path, ["db", "start"], environment: try await CLIRunner.executableEnvironment(dataDirectory: folder))
            #expect(refused.status == 69, "\(refused.stderr)")
            #expect(refused.stderr.contains("\(file.path) is a file, not a folder. Pick another folder with --data-dir"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("NSCocoaErrorDomain"))
        }
        // A folder in /proc: root may write there by its mode, yet nothing can be made in it.
        let proc = "/proc/newsroom-\(UUID().uuidString.prefix(8))"
        let refused = try await CLIRunner.spawn(CLIRunner.executable.path, ["db", "start"], environment: try await CLIRunner.executableEnvironment(dataDirectory: proc))
        #expect(refused.status == 69, "\(refused.stderr)")
        #expect(refused.stderr.contains(getuid() == 0 ? "\(proc) cannot be made: No such file or directory. Pick another folder" : "cannot be made in /proc: you"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("NSCocoaErrorDomain") && !refused.stderr.contains("UserInfo"), "\(refused.stderr)")
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
