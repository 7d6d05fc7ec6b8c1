import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

/// Scripts/test's server offers TLS with a self-signed certificate for 127.0.0.1, the way most
/// PostgreSQL servers are set up; NEWSROOM_TEST_SERVER_CERT names that certificate.
@Suite("sslmode, with libpq's meanings")
struct TLSTests {
    static func serverCertificate() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["NEWSROOM_TEST_SERVER_CERT"], FileManager.default.fileExists(atPath: path) else {
            throw TestSetupError(message: "NEWSROOM_TEST_SERVER_CERT names no file: run Scripts/test, which starts the server with TLS.")
        }
        return path
    }

    /// Whether the connection the pool hands out is encrypted, as the server sees it.
    static func encrypted(_ settings: ConnectionSettings) async throws -> Bool {
        try await Database.withClient(settings, logger: TestCluster.logger) { client in
            for try await ssl in try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestCluster.logger).decode(Bool.self) {
                return ssl
            }
            return false
        }
    }

    @Test("sslmode names the mode; none means prefer; a misspelt mode is an error, not a quiet disable")
    func parsing() throws {
        let env = ["PGHOST": "127.0.0.1", "PGUSER": "u"]
        #expect(try ConnectionSettings.fromEnvironment(env)?.tls == .prefer)
        #expect(try ConnectionSettings.fromEnvironment(env.merging(["PGSSLMODE": "require"]) { $1 })?.tls == .require)
        #expect(try ConnectionSettings.fromEnvironment(env.merging(["PGSSLMODE": "allow"]) { $1 })?.tls == .prefer)
        #expect(try ConnectionSettings.fromEnvironment(env.merging(["PGSSLMODE": "verify-full", "PGSSLROOTCERT": "/etc/ca.pem"]) { $1 })?.tls == .verifyFull(rootCertificate: "/etc/ca.pem"))
        #expect(try ConnectionSettings.parse(url: "postgres://u@db/newsroom?sslmode=verify-ca&sslrootcert=/ca.pem", defaultUser: "u").tls == .verifyCA(rootCertificate: "/ca.pem"))
        #expect(try ConnectionSettings.parse(url: "postgres://u@db/newsroom?sslmode=disable", defaultUser: "u").tls == .disable)
        let error = try #require(throws: EventStoreError.self) { try ConnectionSettings.fromEnvironment(env.merging(["PGSSLMODE": "requre"]) { $1 }) }
        #expect(error.message.contains("\"requre\"") && error.message.contains("verify-full"))
        #expect(throws: EventStoreError.self) { try ConnectionSettings.parse(url: "postgres://u@db/newsroom?sslmode=on", defaultUser: "u") }
    }

    @Test("the connect timeout is libpq's: PGCONNECT_TIMEOUT or connect_timeout in the URL, 5 s when unset, a non-number an error")
    func connectTimeout() throws {
        let env = ["PGHOST": "127.0.0.1", "PGUSER": "u"]
        #expect(try ConnectionSettings.fromEnvironment(env)?.connectTimeout == .seconds(5))
        let thirty = try #require(try ConnectionSettings.fromEnvironment(env.merging(["PGCONNECT_TIMEOUT": "30"]) { $1 }))
        #expect(thirty.connectTimeout == .seconds(30))
        #expect(thirty.clientConfiguration.options.connectTimeout == .seconds(30))
        #expect(try thirty.connectionConfiguration.options.connectTimeout == .seconds(30))
        #expect(try ConnectionSettings.fromEnvironment(env.merging(["PGCONNECT_TIMEOUT": "1"]) { $1 })?.connectTimeout == .seconds(2))
        #expect(try ConnectionSettings.fromEnvironment(env.merging(["PGCONNECT_TIMEOUT": "0"]) { $1 })?.connectTimeout == .seconds(86_400))
        #expect(try ConnectionSettings.parse(url: "postgres://u@db/newsroom?connect_timeout=12", defaultUser: "u").connectTimeout == .seconds(12))
        let url = ["DATABASE_URL": "postgres://u@db/newsroom", "PGCONNECT_TIMEOUT": "20"]
        #expect(try ConnectionSettings.fromEnvironment(url)?.connectTimeout == .seconds(20))
        #expect(try ConnectionSettings.fromEnvironment(url.merging(["DATABASE_URL": "postgres://u@db/newsroom?connect_timeout=9"]) { $1 })?.connectTimeout == .seconds(9))
        let error = try #require(throws: EventStoreError.self) { try ConnectionSettings.fromEnvironment(env.merging(["PGCONNECT_TIMEOUT": "5s"]) { $1 }) }
        #expect(error.message.contains("PGCONNECT_TIMEOUT is \"5s\""))
    }

    @Test("prefer and require encrypt with a self-signed certificate; disable does not")
    func encryptsWithoutChecking() async throws {
        let settings = try await TestCluster.freshDatabase()
        var mode = settings
        mode.tls = .prefer
        #expect(try await Self.encrypted(mode))
        mode.tls = .require
        #expect(try await Self.encrypted(mode))
        mode.tls = .disable
        #expect(try await Self.encrypted(mode) == false)
    }

    @Test("verify-ca and verify-full accept the server's certificate given as the root, and refuse it against the system's roots")
    func verifies() async throws {
        let settings = try await TestCluster.freshDatabase()
        let certificate = try Self.serverCertificate()
        var mode = settings
        mode.tls = .verifyCA(rootCertificate: certificate)
        #expect(try await Self.encrypted(mode))
        mode.tls = .verifyFull(rootCertificate: certificate)
        #expect(try await Self.encrypted(mode))
        mode.tls = .verifyFull(rootCertificate: nil)
        await #expect(throws: (any Error).self) { try await Self.encrypted(mode) }
        mode.tls = .verifyCA(rootCertificate: nil)
        await #expect(throws: (any Error).self) { try await Self.encrypted(mode) }
    }

    @Test("the CLI refuses a misspelt PGSSLMODE with what to use, and runs with verify-full and PGSSLROOTCERT")
    func cli() async throws {
        let settings = try await TestCluster.freshDatabase()
        let wrong = try await CLIRunner(database: settings, extraEnvironment: ["PGSSLMODE": "requre"]).run(["list", "--json"])
        #expect(wrong.status != 0)
        #expect((wrong.stdout + wrong.stderr).contains("PGSSLMODE is \\\"requre\\\""), "\(wrong.stdout)\(wrong.stderr)")
        let verified = try await CLIRunner(database: settings, extraEnvironment: ["PGSSLMODE": "verify-full", "PGSSLROOTCERT": try Self.serverCertificate()]).run(["list", "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
