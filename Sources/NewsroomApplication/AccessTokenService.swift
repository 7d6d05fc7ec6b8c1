import Foundation
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections

/// Audit tokens for the read API: issued and revoked through the `AccessTokenDecider`, stored in
/// the log as SHA-256 digests only.
extension Newsroom {
    static let accessTokenStream = StreamID("access-tokens")

    public struct IssuedToken: Sendable {
        public var tokenID: UUID
        public var holder: String
        /// The bearer secret. It is never stored; this is the only time anyone sees it.
        public var secret: String
        public var wasDuplicate: Bool
    }

    public func accessTokens() async throws -> AccessTokens {
        try await handler.load(AccessTokenDecider.self, stream: Self.accessTokenStream).0
    }

    /// Issues a token for `holder` (default: the acting login), usable as soon as this returns.
    /// Resending the same command id
    /// cannot show the secret again: the first answer was the only one.
    public func issueAccessToken(holder: String?, label: String, commandID: UUID) async throws -> IssuedToken {
        let (actor, roster) = try await currentActor()
        let secret = Self.newTokenSecret()
        let digest = try await store.sha256Hex(secret)
        let tokenID = commandID.derived("access-token")
        let command = AccessTokenCommand.issue(tokenID: tokenID, holder: holder ?? actor.login, label: label, digest: digest)
        let handled = try await handler.handle(AccessTokenDecider.self, command: command, stream: Self.accessTokenStream, streamType: "access-tokens",
                                               commandID: commandID, context: AccessTokenContext(actor: actor, roster: roster))
        try await refreshAccessModel()
        return IssuedToken(tokenID: tokenID, holder: holder ?? actor.login, secret: secret, wasDuplicate: handled.wasDuplicate)
    }

    @discardableResult
    public func revokeAccessToken(_ tokenID: UUID, commandID: UUID) async throws -> HandledCommand<AccessTokenEvent> {
        let (actor, roster) = try await currentActor()
        let handled = try await handler.handle(AccessTokenDecider.self, command: .revoke(tokenID: tokenID), stream: Self.accessTokenStream, streamType: "access-tokens",
                                               commandID: commandID, context: AccessTokenContext(actor: actor, roster: roster))
        try await refreshAccessModel()
        return handled
    }

    /// The read API checks tokens in the access read model: bring it up to date before returning,
    /// so a new token works, and a revoked one is refused, from the moment the command returns.
    func refreshAccessModel() async throws {
        try await ProjectionRunner(client: store.client).catchUp(AccessTokensProjection(), until: .now + ProjectionRunner.readYourWritesPatience)
    }

    /// 32 random bytes, URL-safe base64, with a prefix that makes a leaked token easy to recognise
    /// (and to search for in logs and repositories).
    static func newTokenSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "nrt_" + base64
    }
}
