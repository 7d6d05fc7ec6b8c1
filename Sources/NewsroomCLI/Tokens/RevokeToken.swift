import ArgumentParser
import Foundation

struct RevokeToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an audit token; the API refuses it from the moment this returns.")

    @Argument(help: "The token's id, as `newsroom token list` shows it.") var tokenID: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func validate() throws {
        guard UUID(uuidString: tokenID) != nil else {
            throw ValidationError("TOKEN-ID must be a token's id (a UUID, see `newsroom token list`), not \"\(tokenID.prefix(80))\". The secret itself is not an id.")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            let id = UUID(uuidString: tokenID)!
            let result = try await withNewsroom(connection) { try await $0.revokeAccessToken(id, commandID: commandID) }
            if connection.json {
                printJSON(["tokenId": id.uuidString.lowercased(), "revoked": true, "changed": !result.events.isEmpty])
            } else {
                printText(result.events.isEmpty ? "token \(id.uuidString.lowercased()) was already revoked" : "revoked token \(id.uuidString.lowercased())")
            }
        }
    }
}
