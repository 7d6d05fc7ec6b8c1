import ArgumentParser
import Foundation
import Logging
import NewsroomEventStore
import NewsroomProjections

/// Options every command that talks to the database shares.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Act as this PostgreSQL role (default: PGUSER, else the login name).")
    var user: String?

    @Option(name: .long, help: ArgumentHelp("The local database's data folder, when no server is configured.", valueName: "path"))
    var dataDir: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    /// `announcingCreation`: say on standard error when the local database was created just now
    /// (`db start` says so in its own words).
    func open(announcingCreation: Bool = true) async throws -> Database {
        var logger = Logger(label: "newsroom")
        logger.logLevel = .error
        let env = ProcessInfo.processInfo.environment
        let database = try await Database.open(environment: env, user: user ?? nonEmptyEnv("PGUSER"),
                                               dataDirectory: dataDir, readModelStamp: Self.readModelStamp, logger: logger)
        if announcingCreation, database.createdLocalCluster, let cluster = database.localCluster {
            StandardOutput.error(Data("newsroom: there was no local database in \(cluster.directory.path), so this is a new, empty one. If you meant another, check --data-dir or NEWSROOM_DATA_DIR.\n".utf8))
        }
        if database.preparedNow, let cluster = database.localCluster {
            // A new or newly migrated local database: its owner installs the read models, and
            // rebuilds those an older build made.
            _ = try await Database(settings: cluster.settings(), localCluster: cluster).withClient { client in
                _ = try await ProjectionRunner(client: client).installAndUpgradeAll()
            }
        }
        return database
    }
}

extension ConnectionOptions {
    /// Which read models this build keeps: a local database made by an older build gets the new ones.
    static let readModelStamp = "|" + Projections.all.map { "\($0.name):\($0.version)" }.joined(separator: ",")
}

func nonEmptyEnv(_ key: String) -> String? {
    guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { return nil }
    return value
}

extension AsyncParsableCommand {
    /// Runs the command body and turns any error into a message and a distinct exit code.
    func guarded(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ValidationError {
            throw error
        } catch where StandardOutput.isBrokenPipe(error) {
            // A body that writes through a handle of its own (export) meets a reader that left.
            StandardOutput.failed(error)
        } catch {
            throw report(error, json: json)
        }
    }
}

func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) {
        StandardOutput.write(data + Data("\n".utf8))
    }
}
