import ArgumentParser

struct ChangeSlug: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "slug", abstract: "Change the article's URL slug; the old slugs keep resolving to it.")

    @Argument(help: "The article's id or slug.") var article: String
    @Argument(help: "The new slug: lowercase a-z, digits and hyphens.") var slug: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .changeSlug(slug), connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
