import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain

struct ListArticles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The desk queue: articles not yet out, by state and editor.")

    @Option(help: "Only this state: draft, submitted, changes-requested, approved, scheduled.") var state: String?
    @Option(help: "Only articles assigned to this editor.") var editor: String?
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let state, ArticleStatus(rawValue: state) == nil {
            throw ValidationError("--state \(state) is not a state. Use one of: \(ArticleStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let (state, editor) = (self.state, self.editor)
            let (items, roster) = try await withReadModels(connection) { newsroom, models in
                (try await models.deskQueue(status: state, editor: editor), editor == nil ? nil : try await newsroom.roster())
            }
            if connection.json {
                printJSON(items.map { ["article": $0.articleID.uuidString.lowercased(), "slug": $0.slug, "headline": $0.headline, "status": $0.status,
                                       "author": $0.author ?? "", "editor": $0.editor ?? "", "missing": $0.missing, "version": $0.version,
                                       "updatedAt": Instant.format($0.updatedAt)] as [String: Any] })
                return
            }
            if items.isEmpty {
                var filters = state.map { " in \($0)" } ?? ""
                if let editor, let roster {
                    filters += " for \(editor)"
                    // A mistyped login is clear of work too; say so rather than let it read as a quiet desk.
                    if roster.role(of: editor)?.isEditor != true {
                        let editors = roster.members.values.filter { $0.role.isEditor }.map(\.login).sorted()
                        filters += ", who is \(roster.role(of: editor).map { "\($0.withArticle), not an editor" } ?? "not on the staff") (editors: \(editors.joined(separator: ", ")))"
                    }
                }
                printText("the desk is clear: nothing waiting\(filters)")
                return
            }
            printText(table(["STATE", "EDITOR", "SLUG", "HEADLINE"], items.map { [$0.status, $0.editor ?? "—", $0.slug, $0.headline] }))
        }
    }
}
