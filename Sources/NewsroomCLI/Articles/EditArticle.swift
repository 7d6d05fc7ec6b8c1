import ArgumentParser

struct EditArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change an article's text fields before publication (after it, use `correct`).")

    @Argument(help: "The article's id or slug.") var article: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions
    @OptionGroup var write: WriteOptions

    @Option(help: ArgumentHelp("Refuse with a conflict unless the article is still at this version.", valueName: "n"))
    var expectVersion: Int?

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .edit(try fields.fields()), connection: connection, commandID: try write.resolvedCommandID(), expectedVersion: expectVersion)
        }
    }
}
