import ArgumentParser
import Logging
import NewsroomEventStore
import NewsroomProjections

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the SQL migrations in Schema/ that the database does not have yet, and bring the read models to this version.",
        discussion: "Safe to run twice. Refuses when an applied file was edited afterwards: put changes in a new file. Installs the read models the database lacks, and rebuilds from the log those an older version of newsroom built (readers see the old copy until the new one swaps in).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Folder of numbered .sql files (default: NEWSROOM_SCHEMA_DIR, or Schema/ of the checkout).", valueName: "path"))
    var schemaDir: String?

    func run() async throws {
        try await guarded(json: connection.json) {
            let database = try await connection.open()
            let directory = try schemaDir.map { .init(fileURLWithPath: $0) } ?? Migrator.locateSchemaDirectory()
            let migrator = try Migrator(directory: directory)
            let (outcome, installed, rebuilt) = try await database.withClient { client in
                let outcome = try await migrator.migrate(client, logger: .quiet("newsroom.migrate"))
                let (installed, rebuilt) = try await ProjectionRunner(client: client).installAndUpgradeAll()
                return (outcome, installed, rebuilt)
            }
            if connection.json {
                printJSON(["applied": outcome.applied.map(\.name), "alreadyApplied": outcome.alreadyApplied, "installedReadModels": installed, "rebuiltReadModels": rebuilt])
            } else if outcome.applied.isEmpty {
                printText("schema is up to date (\(outcome.alreadyApplied) migrations applied before)")
            } else {
                for migration in outcome.applied { printText("applied \(migration.name)") }
            }
            if !connection.json {
                for name in installed { printText("installed read model \(name)") }
                for name in rebuilt { printText("rebuilt read model \(name) from the log: an older version of newsroom built it") }
            }
        }
    }
}
