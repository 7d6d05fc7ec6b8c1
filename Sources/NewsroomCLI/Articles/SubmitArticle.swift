import ArgumentParser

struct SubmitArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Send a draft to the desk for review.")

    @Argument(help: "The article's id or slug.") var article: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .submit, connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
