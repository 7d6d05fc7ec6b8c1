import ArgumentParser

struct TokenCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Bearer tokens for the read API's audit endpoint (GET /audit), for editors and chiefs.",
        discussion: "The endpoint is off until a token exists. Only a digest of each token is stored; the token is shown once, when it is created.",
        subcommands: [CreateToken.self, ListTokens.self, RevokeToken.self])
}
