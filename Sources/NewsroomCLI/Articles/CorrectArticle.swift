import ArgumentParser

struct CorrectArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Change a published article, with a public correction note.")

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: "The correction note readers will see.") var note: String
    @OptionGroup var fields: FieldOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Option(help: ArgumentHelp("Refuse with a conflict unless the article is still at this version.", valueName: "n"))
    var expectVersion: Int?

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .correct(note: try checkedText(note, flag: "--note")!, changes: try fields.fields()),
                                        connection: connection, commandID: try write.resolvedCommandID(), expectedVersion: expectVersion)
        }
    }
}
