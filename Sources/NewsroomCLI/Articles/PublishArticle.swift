import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain

struct PublishArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish an approved article now, at a set time, or under an embargo.",
        discussion: """
            --at schedules when the article goes out. --embargo-until keeps it off the public site until that \
            instant (partners may hold it earlier). Times are ISO 8601 (2026-11-28T09:00:00+07:00) or wall-clock \
            (2026-11-28 09:00) in --timezone.
            """)

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: ArgumentHelp("Publish at this time instead of now.", valueName: "time")) var at: String?
    @Option(help: ArgumentHelp("Keep it from readers until this time.", valueName: "time")) var embargoUntil: String?
    @Option(help: ArgumentHelp("IANA time zone for the times given.", valueName: "zone")) var timezone = "Asia/Jakarta"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func validate() throws {
        do { _ = try TimeInput.zone(timezone) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let schedule: ZonedInstant?
            let embargo: ZonedInstant?
            do {
                schedule = try at.map { try TimeInput.parse($0, zone: timezone) }
                embargo = try embargoUntil.map { try TimeInput.parse($0, zone: timezone) }
            } catch {
                throw ValidationError("\(error)")
            }
            try await runArticleCommand(article, .publish(schedule: schedule, embargoUntil: embargo), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
