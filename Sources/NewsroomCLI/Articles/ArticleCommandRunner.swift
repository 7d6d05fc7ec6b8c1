import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore

/// Options of every command that changes an article.
struct WriteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Id of this command, for safe retries: resending the same id changes nothing (default: a new UUID).", valueName: "uuid"))
    var commandID: String?

    func resolvedCommandID() throws -> UUID {
        guard let commandID else { return UUID.timeOrdered() }
        guard let uuid = UUID(uuidString: commandID) else {
            throw ValidationError("--command-id must be a UUID such as 3f2b6c1e-8d4a-4f9e-9c1b-2a7d5e6f8a90, not \"\(commandID)\".")
        }
        return uuid
    }
}

/// Opens the newsroom as the connecting user, for the length of one command, on one event loop
/// unless the command moves an archive (see `Database.withClient(onOneEventLoop:)`). A command's
/// statements run on one connection, leased once (`EventStore.on`); an archive's work runs side
/// by side on the pool.
func withNewsroom<T: Sendable>(_ connection: ConnectionOptions, onOneEventLoop: Bool = true, _ body: @Sendable (Newsroom) async throws -> T) async throws -> T {
    let database = try await connection.open()
    return try await database.withClient(onOneEventLoop: onOneEventLoop) { client in
        let store = EventStore(client: client, logger: .quiet("newsroom"))
        guard onOneEventLoop else { return try await body(Newsroom(store: store)) }
        return try await client.withConnection { try await body(Newsroom(store: store.on($0))) }
    }
}

/// Resolves ARTICLE, runs the command, and prints what happened.
func runArticleCommand(
    _ reference: String,
    _ command: ArticleCommand,
    connection: ConnectionOptions,
    commandID: UUID,
    expectedVersion: Int? = nil
) async throws {
    let (id, result, article) = try await withNewsroom(connection) { newsroom in
        let id = try await newsroom.resolve(reference)
        let result = try await newsroom.execute(command, on: id, commandID: commandID, expectedVersion: expectedVersion)
        let (article, _) = try await newsroom.article(id)
        return (id, result, article)
    }
    printOutcome(id: id, article: article, result: result, commandID: commandID, json: connection.json)
}

func printOutcome(id: ArticleID, article: Article, result: HandledCommand<ArticleEvent>, commandID: UUID, json: Bool, extra: [String: Any] = [:]) {
    if json {
        var object: [String: Any] = [
            "article": id.description, "slug": article.slug ?? "", "status": article.status.rawValue,
            "version": result.streamVersion, "commandId": commandID.uuidString.lowercased(),
            "events": result.events.map(\.typeName), "duplicate": result.wasDuplicate,
        ]
        object.merge(extra) { $1 }
        printJSON(object)
        return
    }
    if result.wasDuplicate {
        printText("already done: command \(commandID.uuidString.lowercased()) was applied before; nothing changed (version \(result.streamVersion))")
    } else if result.events.isEmpty {
        printText("no change: \"\(article.headline)\" already was like that (version \(result.streamVersion))")
    } else {
        for event in result.events { printText("\(event.summary)") }
        printText("\"\(article.headline)\" is \(article.status.rawValue), version \(result.streamVersion) — \(article.slug ?? id.description)")
    }
}
