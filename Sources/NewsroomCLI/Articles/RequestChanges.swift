import ArgumentParser

struct RequestChanges: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request-changes", abstract: "Send an article back to its reporter with a note.")

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: "What needs to change.") var note: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .requestChanges(note: try checkedText(note, flag: "--note")!), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
