import ArgumentParser

struct UnpublishArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpublish", abstract: "Take a published (or scheduled) article down, with a reason.")

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: "Why it is taken down (kept in the audit trail).") var reason: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .unpublish(reason: try checkedText(reason, flag: "--reason")!), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
