import ArgumentParser
import NewsroomApplication

struct CreateToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an audit token and print it once.",
        discussion: "A chief may create tokens for any editor or chief; an editor only for themselves. Send it as `Authorization: Bearer TOKEN`.")

    @Option(name: .customLong("for"), help: ArgumentHelp("The editor or chief who will hold the token (default: you).", valueName: "login")) var holder: String?
    @Option(help: "What the token is for, e.g. \"legal review dashboard\".") var label = ""
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            let label = try checkedText(label, flag: "--label") ?? ""
            let issued = try await withNewsroom(connection) { try await $0.issueAccessToken(holder: holder, label: label, commandID: commandID) }
            if connection.json {
                printJSON(["tokenId": issued.tokenID.uuidString.lowercased(), "holder": issued.holder, "token": issued.secret])
            } else {
                printText("created token \(issued.tokenID.uuidString.lowercased()) for \(issued.holder)")
                printText("token: \(issued.secret)")
                printText("It is shown only now; store it safely. Revoke it with `newsroom token revoke \(issued.tokenID.uuidString.lowercased())`.")
            }
        }
    }
}
