import ArgumentParser
import Foundation
import NewsroomEventStore

struct DatabaseURL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "url", abstract: "Print a libpq URL for the database, for psql and other tools.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let env = ProcessInfo.processInfo.environment
            let settings = try ConnectionSettings.fromEnvironment(env, user: connection.user)
                ?? LocalCluster(directory: connection.dataDir.map { URL(fileURLWithPath: $0) }).settings(user: connection.user)
            printText(settings.url)
        }
    }
}
