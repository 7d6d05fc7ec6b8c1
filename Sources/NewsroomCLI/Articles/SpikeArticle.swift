import ArgumentParser

struct SpikeArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spike", abstract: "Drop an unpublished article for good.")

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: "Why it is dropped.") var reason: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .spike(reason: try checkedText(reason, flag: "--reason")), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
