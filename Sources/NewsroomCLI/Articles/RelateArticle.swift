import ArgumentParser

struct RelateArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "relate", abstract: "Link a related article.")

    @Argument(help: "The article's id or slug.") var article: String
    @OptionGroup var target: LinkTarget
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runLinkCommand(article, target: target, pick: false, connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
