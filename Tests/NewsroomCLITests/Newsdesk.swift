import Foundation
import NewsroomEventStore
import NewsroomTestSupport

/// A fresh database with a small staff: one chief, two editors, two reporters (unique logins,
/// since PostgreSQL roles are shared by every database in the cluster).
struct Newsdesk {
    let cli: CLIRunner
    let chief: String
    let editor: String
    let otherEditor: String
    let reporter: String
    let otherReporter: String

    static func make() async throws -> Newsdesk {
        let db = try await TestCluster.freshDatabase()
        let cli = CLIRunner(database: db)
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let desk = Newsdesk(cli: cli, chief: "chief_\(suffix)", editor: "yudono_\(suffix)", otherEditor: "sari_\(suffix)",
                            reporter: "rina_\(suffix)", otherReporter: "budi_\(suffix)")
        for (login, role, name) in [(desk.chief, "chief", "Desk Chief"), (desk.editor, "editor", "Yudono Yanuar"),
                                    (desk.otherEditor, "editor", "Sari"), (desk.reporter, "reporter", "Rina Widiastuti"),
                                    (desk.otherReporter, "reporter", "Budi")] {
            let out = try await cli.run(["staff", "add", login, "--role", role, "--name", name])
            guard out.status == 0 else { throw TestSetupError(message: "staff add \(login) failed: \(out.stderr)") }
        }
        return desk
    }

    /// Drafts an article as the reporter and returns its id.
    func draft(_ headline: String = "Putin Siap Penuhi Undangan Kim Jong Un", body: String = "TEMPO.CO, Jakarta - Presiden Rusia ...") async throws -> String {
        let out = try await cli.run(["draft", "--headline", headline, "--body", body, "--json"], as: reporter)
        guard out.status == 0, let id = out.object["article"] as? String else { throw TestSetupError(message: "draft failed: \(out.stderr)\(out.stdout)") }
        return id
    }

    /// Takes a draft through the desk to publication: wire source, editor, submit, approve, publish.
    func publish(_ id: String) async throws {
        for (arguments, user) in [(["byline", id, "--source", "Antara"], reporter), (["assign-editor", id, editor], editor),
                                  (["submit", id], reporter), (["approve", id], editor), (["publish", id], editor)] {
            let out = try await cli.run(arguments, as: user)
            guard out.status == 0 else { throw TestSetupError(message: "\(arguments) failed: \(out.stderr)") }
        }
    }

    func show(_ article: String, as user: String? = nil) async throws -> [String: Any] {
        let out = try await cli.run(["show", article, "--json"], as: user ?? reporter)
        guard out.status == 0 else { throw TestSetupError(message: "show failed: \(out.stderr)") }
        return out.object
    }
}
