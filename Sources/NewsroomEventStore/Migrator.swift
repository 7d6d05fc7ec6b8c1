import Foundation
import Logging
import PostgresNIO

/// Applies the numbered SQL files of `Schema/` in order and records each with a checksum.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Hashable {
        public var version: Int
        public var name: String
        public var sql: String
        public var checksum: String
    }

    public struct Outcome: Sendable {
        public var applied: [Migration]
        public var alreadyApplied: Int
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]) { self.migrations = migrations.sorted { $0.version < $1.version } }

    /// Reads `NNN_name.sql` files; refuses duplicate numbers and stray files so mistakes show early.
    public init(directory: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        var seen: [Int: String] = [:]
        var list: [Migration] = []
        for file in files {
            guard let number = Self.number(of: file) else {
                throw EventStoreError(.migration, "Schema file \(file) does not start with a number. Name migrations NNN_description.sql.")
            }
            if let other = seen[number] {
                throw EventStoreError(.migration, "Schema files \(other) and \(file) share the number \(number). Renumber one of them.")
            }
            seen[number] = file
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            list.append(Migration(version: number, name: file, sql: sql, checksum: Self.checksum(sql)))
        }
        self.init(migrations: list)
    }

    /// Finds `Schema/`: `NEWSROOM_SCHEMA_DIR`, then beside or above the running executable (a
    /// checkout's `.build/debug/newsroom`, or `/app/bin/newsroom` with `/app/Schema`), then the
    /// current directory.
    public static func locateSchemaDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let explicit = environment["NEWSROOM_SCHEMA_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("Schema"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Schema"))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("001_event_store.sql").path) {
            return candidate
        }
        throw EventStoreError(.migration, "Cannot find the Schema/ folder with the SQL migrations. Run newsroom from its checkout, or set NEWSROOM_SCHEMA_DIR to the folder.")
    }

    /// The NNN of an `NNN_name.sql` file, or nil for a name that does not start with a number.
    static func number(of file: String) -> Int? {
        file.first?.isNumber == true ? Int(file.prefix { $0.isNumber }) : nil
    }

    /// The highest migration number in `directory`, from the file names alone: `newsroom
    /// --version` asks on every start, so no file is read.
    public static func latestVersion(in directory: URL) -> Int? {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".sql") }.compactMap(number(of:)).max()
    }

    /// Identifies this set of files: which migrations, with which content.
    public var stamp: String { migrations.map { "\($0.version):\($0.checksum)" }.joined(separator: ",") }

    /// FNV-1a 64 over the file's bytes: enough to notice an edited file, no crypto dependency.
    static func checksum(_ text: String) -> String {
        String(StableHash.fnv1a64(text), radix: 16)
    }

    /// Applies what is missing, each file in its own transaction, under an advisory lock so two
    /// migrators cannot interleave. Refuses to go on when an applied file has since been edited.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> Outcome {
        do {
            return try await client.withConnection { connection in
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user)
                    """, logger: logger)
                try await connection.query("SELECT pg_advisory_lock(7267001)", logger: logger)
                do {
                    let outcome = try await apply(on: connection, logger: logger)
                    try await connection.query("SELECT pg_advisory_unlock(7267001)", logger: logger)
                    return outcome
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    _ = try? await connection.query("SELECT pg_advisory_unlock(7267001)", logger: logger)
                    throw error
                }
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError.from(error)
        }
    }

    private func apply(on connection: PostgresConnection, logger: Logger) async throws -> Outcome {
        var recorded: [Int: (String, String)] = [:]
        let rows = try await connection.query("SELECT version, name, checksum FROM schema_migrations", logger: logger)
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        for migration in migrations {
            if let (name, checksum) = recorded[migration.version], checksum != migration.checksum {
                throw EventStoreError(.migration, """
                    Schema/\(migration.name) was changed after it was applied (as \(name)); the database \
                    would no longer match the files. Restore the file as applied (git log -- Schema/\(migration.name)) \
                    and put the change in a new, higher-numbered migration.
                    """)
            }
        }
        var applied: [Migration] = []
        for migration in migrations where recorded[migration.version] == nil {
            logger.info("applying migration", metadata: ["file": "\(migration.name)"])
            try await connection.query("BEGIN", logger: logger)
            for statement in SQLScript.statements(in: migration.sql) {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                } catch let error as PSQLError {
                    let message = error.serverInfo?[.message] ?? "\(error.code)"
                    throw EventStoreError(.migration, "Schema/\(migration.name) failed: \(message). Nothing of this file was applied.\nStatement: \(statement.prefix(200))")
                }
            }
            try await connection.query("""
                INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            applied.append(migration)
        }
        return Outcome(applied: applied, alreadyApplied: migrations.count - applied.count)
    }
}
