import ArgumentParser

struct ApproveArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a submitted article for publication.")

    @Argument(help: "The article's id or slug.") var article: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .approve, connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
