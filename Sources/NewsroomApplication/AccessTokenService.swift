import Foundation
import NewsroomDomain
import NewsroomEventStore

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

    /// Issues a token for `holder` (default: the acting login). Resending the same command id
    /// cannot show the secret again: the first answer was the only one.
    public func issueAccessToken(holder: String?, label: String, commandID: UUID) async throws -> IssuedToken {
        let (actor, roster) = try await currentActor()
        let secret = Self.newTokenSecret()
        let digest = try await store.sha256Hex(secret)
        let tokenID = commandID.derived("access-token")
        let command = AccessTokenCommand.issue(tokenID: tokenID, holder: holder ?? actor.login, label: label, digest: digest)
        let handled = try await handler.handle(AccessTokenDecider.self, command: command, stream: Self.accessTokenStream, streamType: "access-tokens",
                                               commandID: commandID, context: AccessTokenContext(actor: actor, roster: roster))
        return IssuedToken(tokenID: tokenID, holder: holder ?? actor.login, secret: secret, wasDuplicate: handled.wasDuplicate)
    }

    @discardableResult
    public func revokeAccessToken(_ tokenID: UUID, commandID: UUID) async throws -> HandledCommand<AccessTokenEvent> {
        let (actor, roster) = try await currentActor()
        return try await handler.handle(AccessTokenDecider.self, command: .revoke(tokenID: tokenID), stream: Self.accessTokenStream, streamType: "access-tokens",
                                        commandID: commandID, context: AccessTokenContext(actor: actor, roster: roster))
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
