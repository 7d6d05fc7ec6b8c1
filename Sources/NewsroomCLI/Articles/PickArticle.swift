import ArgumentParser

struct PickArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pick", abstract: "Set the editor's pick shown with the article.")

    @Argument(help: "The article's id or slug.") var article: String
    @OptionGroup var target: LinkTarget
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runLinkCommand(article, target: target, pick: true, connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
