import Foundation
import Logging
import NewsroomEventStore
import NewsroomProjections
import PostgresNIO

/// The PostgreSQL server Scripts/test started (PGHOST/PGPORT/PGUSER), and fresh databases on it.
/// Each test gets its own database, cloned from a template migrated once per test run.
public enum TestCluster {
    public static let logger = Logger.quiet("newsroom.tests")

    public static var admin: ConnectionSettings {
        get throws {
            let env = ProcessInfo.processInfo.environment
            guard env["NEWSROOM_TEST_CLUSTER"] == "1", let settings = try ConnectionSettings.fromEnvironment(env) else {
                throw TestSetupError(message: "These tests need the PostgreSQL server that Scripts/test starts; run Scripts/test.")
            }
            return settings
        }
    }

    public static var schemaDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Schema")
    }

    public static var packageDirectory: URL { schemaDirectory.deletingLastPathComponent() }

    /// A new, migrated database; returns settings that connect to it as the cluster's superuser.
    public static func freshDatabase() async throws -> ConnectionSettings {
        let template = try await Template.shared.name()
        let name = "nrtest_\(UUID().uuidString.prefix(8).lowercased())"
        try await admin(sql: "CREATE DATABASE \(name) TEMPLATE \(template)")
        return try admin.with(database: name)
    }

    /// An empty database without migrations.
    public static func emptyDatabase() async throws -> ConnectionSettings {
        let name = "nrempty_\(UUID().uuidString.prefix(8).lowercased())"
        try await admin(sql: "CREATE DATABASE \(name)")
        return try admin.with(database: name)
    }

    /// Creates a login role in the given newsroom group (reporter, editor, chief), unique per call.
    public static func createLogin(_ prefix: String, group: String) async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(6).lowercased())"
        try await admin(sql: "CREATE ROLE \(name) LOGIN IN ROLE newsroom_\(group)")
        return name
    }

    public static func admin(sql: String) async throws {
        try await Database.withClient(try admin.with(database: "postgres"), logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    public static func withStore<T: Sendable>(_ settings: ConnectionSettings, _ body: @Sendable (EventStore) async throws -> T) async throws -> T {
        try await Database.withClient(settings, logger: logger) { client in
            try await body(EventStore(client: client, logger: logger))
        }
    }

    /// What `sql` answers, one text column, row by row.
    public static func rows(_ settings: ConnectionSettings, _ sql: String) async throws -> [String] {
        try await withStore(settings) { store in
            var rows: [String] = []
            for try await row in try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) { rows.append(row) }
            return rows
        }
    }

    /// One migrated template for the whole run. The tests that start together all ask for it at
    /// once; they share the one creation under way (an actor alone would let each of them, at its
    /// first suspension, start a template of its own: 40 were made and migrated in one run).
    actor Template {
        static let shared = Template()
        var creation: Task<String, any Error>?

        func name() async throws -> String {
            if let creation { return try await creation.value }
            let creation = Task {
                let name = "nrtemplate_\(UUID().uuidString.prefix(8).lowercased())"
                try await TestCluster.admin(sql: "CREATE DATABASE \(name)")
                try await Database.withClient(try TestCluster.admin.with(database: name), logger: TestCluster.logger) { client in
                    try await Migrator(directory: TestCluster.schemaDirectory).migrate(client, logger: TestCluster.logger)
                    try await ProjectionRunner(client: client, logger: TestCluster.logger).installAll()
                }
                return name
            }
            self.creation = creation
            return try await creation.value
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
