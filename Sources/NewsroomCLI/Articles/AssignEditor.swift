import ArgumentParser

struct AssignEditor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign-editor",
        abstract: "Make an editor responsible for publishing the article.")

    @Argument(help: "The article's id or slug.") var article: String
    @Argument(help: "The editor's login (see `newsroom staff list`).") var editor: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .assignEditor(login: editor), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
