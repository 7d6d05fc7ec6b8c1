import ArgumentParser
import NewsroomEventStore

struct StartDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Create (on first use) and start the local database.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let database = try await connection.open(announcingCreation: false)
            guard let cluster = database.localCluster else {
                printText("A server is configured (\(database.settings.displayName)); there is no local database to start.")
                return
            }
            printText("\(database.createdLocalCluster ? "created a new local database; " : "")local PostgreSQL running in \(cluster.dataDirectory.path)")
            printText("connect with: psql '\(database.settings.url)'")
        }
    }
}
