import ArgumentParser
import NewsroomDomain

struct SetByline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "byline",
        abstract: "Set who reported the article and/or the wire source it came from.")

    @Argument(help: "The article's id or slug.") var article: String

    @Option(help: ArgumentHelp("A reporter, optionally with a role: \"Name\" or \"Name:photographer\". Repeat for several.", valueName: "name[:role]"))
    var reporter: [String] = []

    @Option(help: "A wire source such as REUTERS or Antara.")
    var source: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let entries = try reporter.map { text -> BylineEntry in
                let checked = try checkedText(text, flag: "--reporter")!
                if let colon = checked.lastIndex(of: ":") {
                    return BylineEntry(name: String(checked[..<colon]), role: String(checked[checked.index(after: colon)...]))
                }
                return BylineEntry(name: checked)
            }
            try await runArticleCommand(article, .setByline(reporters: entries, wireSource: try checkedText(source, flag: "--source")), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
