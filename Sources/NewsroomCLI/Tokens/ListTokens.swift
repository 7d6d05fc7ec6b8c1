import ArgumentParser

struct ListTokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit tokens (ids, holders, labels; never the secrets).")

    @Flag(help: "Include revoked tokens.") var all = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let tokens = try await withNewsroom(connection) { try await $0.accessTokens() }
            let shown = tokens.tokens.values.filter { all || !$0.revoked }.sorted { ($0.holder, $0.id.uuidString) < ($1.holder, $1.id.uuidString) }
            if connection.json {
                printJSON(shown.map { ["tokenId": $0.id.uuidString.lowercased(), "holder": $0.holder, "label": $0.label, "revoked": $0.revoked] })
                return
            }
            if shown.isEmpty { printText("no audit tokens: the API's /audit endpoint is off. Create one with `newsroom token create`."); return }
            printText(table(["TOKEN-ID", "HOLDER", "STATE", "LABEL"], shown.map { [$0.id.uuidString.lowercased(), $0.holder, $0.revoked ? "revoked" : "active", $0.label] }))
        }
    }
}
