import ArgumentParser
import NewsroomApplication

@main
struct NewsroomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsroom",
        abstract: "An event-sourced newsroom: every change to an article is a command recorded in PostgreSQL.",
        discussion: """
            DATABASE: DATABASE_URL or PGHOST/PGPORT/PGDATABASE name a server (libpq conventions). With \
            neither, newsroom runs its own local PostgreSQL in a data folder (see `newsroom db`). \
            Who you are is the PostgreSQL role you connect as: --user NAME or PGUSER.

            EXIT CODES:
              0   success
              1   the log failed verification (newsroom verify)
              64  usage error: a flag or argument is wrong
              65  rule violation: the newsroom's rules refuse the command
              66  not found: no such article, image or staff member
              69  unavailable: the database, or the address serve should listen on
              70  internal error
              75  conflict: someone else changed the article first; look and retry
              77  not permitted: you are not staff, or your role may not do this
            """,
        version: VersionText.text,
        subcommands: [
            DraftArticle.self, EditArticle.self, SetByline.self, AttachImage.self, AttachCaption.self,
            AssignEditor.self, SubmitArticle.self, RequestChanges.self, ApproveArticle.self, PublishArticle.self,
            CorrectArticle.self, UnpublishArticle.self, SpikeArticle.self, RelateArticle.self, PickArticle.self,
            ChangeSlug.self, ShowArticle.self, ArticleHistory.self, ListArticles.self, AuditCommand.self, StaffCommandGroup.self, TokenCommandGroup.self, ImportCommand.self, ExportArchive.self,
            ProjectionsCommand.self, ReplayCommand.self, Serve.self,
            DatabaseCommand.self, Verify.self,
        ]
    )

    static func main() async {
        MallocArenas.limit()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let json = UsageFailure.wantsJSON(arguments)
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            UsageFailure.exit(error, command: Self.self, json: json, arguments: arguments)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            UsageFailure.exit(error, command: type(of: command), json: json)
        }
    }
}
