import ArgumentParser
import Foundation
import NewsroomApplication

struct ImportTempo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tempo",
        abstract: "Import an article page saved as text from Tempo.co.",
        discussion: """
            Drafts the article as you, sets the byline or wire source, attaches the lead image with its caption \
            and credit, assigns the page's editor (who must be on the staff), links the related articles and the \
            editor's pick, then submits, approves and publishes it. Run it as that editor or a chief editor.
            """)

    @Argument(help: "The page as a UTF-8 text file; - reads standard input.") var file: String
    @Option(help: "The lead image's address (the text has none; a placeholder on tempo.co is used otherwise).") var imageURL: String?
    @Flag(help: "Import as a draft only; do not submit, approve or publish.") var draftOnly = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let text = try readTextFile(file, flag: "FILE")
            let page: TempoPage
            page = try TempoPage(text: text)
            let commandID = try write.resolvedCommandID()
            let report = try await withNewsroom(connection) { newsroom in
                try await TempoImporter(newsroom: newsroom).importPage(page, imageURL: imageURL, publish: !draftOnly, commandID: commandID)
            }
            if connection.json {
                printJSON(["article": report.articleID.description, "slug": report.slug, "published": report.published,
                           "commandId": commandID.uuidString.lowercased(),
                           "steps": report.steps.map { ["command": $0.command, "outcome": $0.outcome] }])
                return
            }
            for step in report.steps { printText("  \(step.command.padding(toLength: 24, withPad: " ", startingAt: 0)) \(step.outcome)") }
            printText("imported \(report.slug) (\(report.articleID)) — \(report.published ? "published" : "not published")")
        }
    }
}
