import ArgumentParser
import NewsroomApplication
import NewsroomDomain

struct DraftArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Start a new article; prints its id and slug.",
        discussion: "The slug is made from the headline (ASCII, lowercase) and made unique with -2, -3 unless --slug is given.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions
    @OptionGroup var write: WriteOptions

    @Option(help: "The URL slug, instead of one made from the headline.")
    var slug: String?

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            let articleFields = try fields.fields()
            let drafted = try await withNewsroom(connection) { newsroom in
                let drafted = try await newsroom.draft(articleFields, slug: slug, commandID: commandID)
                return (drafted, try await newsroom.article(drafted.articleID).0)
            }
            if connection.json {
                printOutcome(id: drafted.0.articleID, article: drafted.1, result: drafted.0.result, commandID: commandID, json: true)
            } else {
                printText("drafted \(drafted.0.articleID)")
                printText("slug \(drafted.0.slug)")
            }
        }
    }
}
