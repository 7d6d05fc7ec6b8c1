import ArgumentParser
import NewsroomApplication
import NewsroomDomain

/// What relate and pick point at: one of our articles, or an outside page given by title and URL.
struct LinkTarget: ParsableArguments {
    @Argument(help: "The other article's id or slug; or, with --title, an outside article's title.") var other: String
    @Option(help: "Link to an outside article with this title instead of one of ours.") var title: String?
    @Option(help: "The outside article's address.") var url: String?

    func reference(in newsroom: Newsroom) async throws -> ArticleReference {
        if let title {
            return ArticleReference(title: try checkedText(title, flag: "--title")!, url: url)
        }
        let id = try await newsroom.resolve(other)
        let (article, _) = try await newsroom.article(id)
        return ArticleReference(articleID: id, title: article.headline)
    }
}

func runLinkCommand(_ reference: String, target: LinkTarget, pick: Bool, connection: ConnectionOptions, commandID: UUID) async throws {
    let (id, result, article) = try await withNewsroom(connection) { newsroom in
        let id = try await newsroom.resolve(reference)
        let link = try await target.reference(in: newsroom)
        let result = try await newsroom.execute(pick ? .pick(link) : .relate(link), on: id, commandID: commandID)
        return (id, result, try await newsroom.article(id).0)
    }
    printOutcome(id: id, article: article, result: result, commandID: commandID, json: connection.json)
}

import Foundation
