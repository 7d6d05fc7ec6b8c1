import ArgumentParser
import NewsroomEventStore

struct StopDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the local database (the data stays).")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let cluster = try LocalCluster(directory: connection.dataDir.map { .init(fileURLWithPath: $0) })
            printText(try cluster.stop() ? "stopped the local database in \(cluster.dataDirectory.path)" : "the local database was not running")
        }
    }
}
