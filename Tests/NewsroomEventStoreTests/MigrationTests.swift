import Foundation
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("Schema migrations")
struct MigrationTests {
    func copyOfSchema() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID())")
        try FileManager.default.copyItem(at: TestCluster.schemaDirectory, to: dir)
        return dir
    }

    @Test("applies every file in order, records it, and is a no-op the second time")
    func appliesOnce() async throws {
        let db = try await TestCluster.emptyDatabase()
        let files = try FileManager.default.contentsOfDirectory(atPath: TestCluster.schemaDirectory.path).filter { $0.hasSuffix(".sql") }.sorted()
        try await Database.withClient(db, logger: TestCluster.logger) { client in
            let migrator = try Migrator(directory: TestCluster.schemaDirectory)
            let first = try await migrator.migrate(client, logger: TestCluster.logger)
            #expect(first.applied.map(\.name) == files)
            let second = try await migrator.migrate(client, logger: TestCluster.logger)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == files.count)
            let rows = try await client.query("SELECT name FROM schema_migrations ORDER BY version", logger: TestCluster.logger)
            var names: [String] = []
            for try await name in rows.decode(String.self) { names.append(name) }
            #expect(names == files)
        }
    }

    @Test("refuses, naming the file, when an applied migration was edited afterwards")
    func refusesEditedFile() async throws {
        let db = try await TestCluster.emptyDatabase()
        let dir = try copyOfSchema()
        try await Database.withClient(db, logger: TestCluster.logger) { client in
            try await Migrator(directory: dir).migrate(client, logger: TestCluster.logger)
            let file = dir.appendingPathComponent("001_event_store.sql")
            try (String(contentsOf: file, encoding: .utf8) + "\n-- an afterthought\n").write(to: file, atomically: true, encoding: .utf8)
            let error = await #expect(throws: EventStoreError.self) {
                try await Migrator(directory: dir).migrate(client, logger: TestCluster.logger)
            }
            #expect(error?.code == .migration)
            #expect(error?.message.contains("001_event_store.sql was changed after it was applied") == true)
        }
    }

    @Test("a failing migration leaves nothing of itself behind")
    func failingMigrationRollsBack() async throws {
        let db = try await TestCluster.emptyDatabase()
        let dir = try copyOfSchema()
        try "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n".write(to: dir.appendingPathComponent("999_broken.sql"), atomically: true, encoding: .utf8)
        try await Database.withClient(db, logger: TestCluster.logger) { client in
            let error = await #expect(throws: EventStoreError.self) {
                try await Migrator(directory: dir).migrate(client, logger: TestCluster.logger)
            }
            #expect(error?.message.contains("999_broken.sql failed") == true)
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL, (SELECT count(*) FROM schema_migrations WHERE version = 999)", logger: TestCluster.logger)
            for try await (absent, recorded) in rows.decode((Bool, Int64).self) {
                #expect(absent)
                #expect(recorded == 0)
            }
        }
    }
}
