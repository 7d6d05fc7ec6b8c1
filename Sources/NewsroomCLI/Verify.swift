import ArgumentParser
import NewsroomEventStore

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the log's hash chains: exits 1 naming the first event that was altered behind the database's back.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let database = try await connection.open()
            let report = try await database.withClient { try await EventStore(client: $0).verify() }
            if let broken = report.firstBreak {
                let message = "the log was altered: event at position \(broken.position) (\(broken.streamID) version \(broken.streamVersion)): \(broken.problem). Restore from a trusted backup and investigate who had superuser access."
                if connection.json {
                    printJSON(["intact": false, "position": broken.position, "stream": broken.streamID.rawValue,
                               "streamVersion": broken.streamVersion, "problem": broken.problem])
                } else {
                    printText("newsroom: \(message)")
                }
                throw ExitCode(Exit.tampered)
            }
            if connection.json {
                printJSON(["intact": true, "events": report.eventsChecked, "streams": report.streamsChecked])
            } else {
                printText("log intact: \(report.eventsChecked) events in \(report.streamsChecked) streams, every hash chain verified")
            }
        }
    }
}
