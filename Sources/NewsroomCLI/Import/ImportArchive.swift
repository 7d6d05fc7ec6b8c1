import ArgumentParser
import Foundation
import NewsroomApplication

struct ImportArchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Import an archive of article histories (JSON lines, as `newsroom export` writes them) in one transaction.",
        discussion: """
            One event per line: {"stream": "article-<uuid>", "type": "ArticleDrafted", "actor": "rina", \
            "recordedAt": "2023-09-14T08:00:00Z", "payload": {...}} with optional "version", "schemaVersion", \
            "eventId" and "metadata". Each article's events come in order and start with ArticleDrafted; events \
            keep their authors and instants. Every line is checked before anything is kept: the first bad line \
            is reported by number and nothing is imported. Articles must be new to this newsroom, and the slugs \
            they take are reserved as they would be for a draft. Run it as the database's owner (the \
            administrator); the read models catch up before the command returns.
            """)

    @Argument(help: "The archive file (UTF-8 JSON lines); - reads standard input.") var file: String
    @Flag(help: "Return once the events are in the log; leave the read models to `projections run` or the next command.")
    var noCatchUp = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let input = try InputFile.open(file, flag: "FILE")
            defer { if file != "-" { try? input.close() } }
            let commandID = try write.resolvedCommandID()
            let name = file == "-" ? "standard input" : file
            let report = try await withNewsroom(connection, onOneEventLoop: false) { newsroom in
                try await ArchiveImporter(store: newsroom.store).importArchive(from: input, named: name, commandID: commandID, catchingUp: !noCatchUp)
            }
            if connection.json {
                var object: [String: Any] = ["articles": report.articles, "articleEvents": report.articleEvents, "slugsReserved": report.slugsReserved,
                                             "seconds": report.seconds, "commandId": commandID.uuidString.lowercased()]
                if let seconds = report.readModelsSeconds { object["readModelsSeconds"] = seconds }
                printJSON(object)
                return
            }
            printText("imported \(report.articles) articles (\(report.articleEvents) events, \(report.slugsReserved) slugs) from \(file) in \(String(format: "%.2f", report.seconds)) s")
            if let seconds = report.readModelsSeconds { printText("read models caught up in \(String(format: "%.2f", seconds)) s") }
        }
    }
}
