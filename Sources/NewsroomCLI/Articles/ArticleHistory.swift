import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain

struct ArticleHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every change to an article: when, who, and what changed.")

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: ArgumentHelp("IANA time zone for display.", valueName: "zone")) var timezone = "Asia/Jakarta"
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        // An unknown zone printed every time as GMT under the name that was typed.
        do { _ = try TimeInput.zone(timezone) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let entries = try await withNewsroom(connection) { newsroom in
                try await newsroom.history(try await newsroom.resolve(article))
            }
            if connection.json {
                printJSON(entries.map { entry in
                    ["version": entry.version, "recordedAt": Instant.format(entry.recordedAt), "actor": entry.actor,
                     "type": entry.event.typeName, "action": entry.event.action, "summary": entry.event.summary,
                     "commandId": entry.commandID.uuidString.lowercased()] as [String: Any]
                })
                return
            }
            for entry in entries {
                let when = ZonedInstant(instant: entry.recordedAt, timeZone: timezone).shown
                printText(String(format: "%3d  ", entry.version) + "\(when)  \(entry.actor.padding(toLength: 16, withPad: " ", startingAt: 0)) \(entry.event.summary)")
            }
        }
    }
}
