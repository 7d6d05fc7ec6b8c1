import Foundation

/// Bearer tokens for the audit endpoint of the read API. Issuing and revoking them are commands
/// like any other, on the single stream `access-tokens`, so the audit trail says who gave whom
/// access and when. The log keeps only a SHA-256 digest of each token; the token itself is shown
/// once, to the person who issued it.
public enum AccessTokenCommand: Sendable, Equatable, Encodable {
    case issue(tokenID: UUID, holder: String, label: String, digest: String)
    case revoke(tokenID: UUID)
}

public enum AccessTokenEvent: Sendable, Equatable, Codable {
    case issued(tokenID: UUID, holder: String, label: String, digest: String)
    case revoked(tokenID: UUID)
}

public struct AccessToken: Sendable, Equatable {
    public var id: UUID
    public var holder: String
    public var label: String
    public var digest: String
    public var revoked: Bool
}

public struct AccessTokens: Sendable, Equatable {
    public var tokens: [UUID: AccessToken] = [:]
    public init() {}
    public var active: [AccessToken] { tokens.values.filter { !$0.revoked }.sorted { $0.holder < $1.holder } }
}

/// The context a token command needs: who is acting, and the staff roster (a token is only for
/// an editor or a chief, and only they or a chief may hand it out or take it back).
public struct AccessTokenContext: Sendable {
    public var actor: Actor
    public var roster: Roster
    public init(actor: Actor, roster: Roster) {
        self.actor = actor
        self.roster = roster
    }
}

public enum AccessTokenDecider: Decider {
    public typealias Context = AccessTokenContext
    public static let initialState = AccessTokens()
    static let maximumLabelLength = 200

    public static func decide(_ command: AccessTokenCommand, state: AccessTokens, context: AccessTokenContext) throws(RuleViolation) -> [AccessTokenEvent] {
        let actor = context.actor
        let isChief = actor.role == .chief || actor.role == .administrator
        switch command {
        case .issue(let tokenID, let holder, let label, let digest):
            guard let role = context.roster.role(of: holder) else {
                throw RuleViolation(.notFound, "\(holder) is not on the staff, so cannot hold an audit token. Add them first with `newsroom staff add \(holder) --role editor`.")
            }
            guard role.isEditor else {
                throw RuleViolation(.notAllowed, "\(holder) is \(role.withArticle); audit tokens are only for editors and chiefs. Change the role first with `newsroom staff role \(holder) editor`.")
            }
            guard isChief || actor.login == holder else {
                throw RuleViolation(.notAllowed, "Only a chief editor or \(holder) themselves can issue a token for \(holder); \(actor.login) is \(actor.role.map(\.withArticle) ?? "not on the staff").")
            }
            guard label.count <= maximumLabelLength, !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw RuleViolation(.invalidInput, "The token label must be at most \(maximumLabelLength) characters without control characters; it says what the token is for, e.g. \"legal review dashboard\".")
            }
            guard digest.count == 64, digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw RuleViolation(.invalidInput, "A token digest is 64 lowercase hexadecimal digits (SHA-256).")
            }
            if let existing = state.tokens[tokenID] {
                if existing.holder == holder && existing.digest == digest { return [] }
                throw RuleViolation(.alreadyExists, "Token \(tokenID) already exists (held by \(existing.holder)).")
            }
            guard !state.tokens.values.contains(where: { $0.digest == digest }) else {
                throw RuleViolation(.alreadyExists, "A token with this digest already exists; issue a new token instead.")
            }
            return [.issued(tokenID: tokenID, holder: holder, label: label, digest: digest)]
        case .revoke(let tokenID):
            guard let token = state.tokens[tokenID] else {
                throw RuleViolation(.notFound, "No audit token has the id \(tokenID). `newsroom token list` shows the tokens that exist.")
            }
            guard isChief || actor.login == token.holder else {
                throw RuleViolation(.notAllowed, "Only a chief editor or \(token.holder) can revoke \(token.holder)'s token; \(actor.login) is \(actor.role.map(\.withArticle) ?? "not on the staff").")
            }
            return token.revoked ? [] : [.revoked(tokenID: tokenID)]
        }
    }

    public static func evolve(_ state: consuming AccessTokens, _ event: AccessTokenEvent) -> AccessTokens {
        var next = state
        switch event {
        case .issued(let id, let holder, let label, let digest):
            next.tokens[id] = AccessToken(id: id, holder: holder, label: label, digest: digest, revoked: false)
        case .revoked(let id):
            next.tokens[id]?.revoked = true
        }
        return next
    }
}

extension AccessTokenEvent: DomainEvent {
    public var typeName: String {
        switch self {
        case .issued: "AccessTokenIssued"
        case .revoked: "AccessTokenRevoked"
        }
    }

    public static func schemaVersion(of typeName: String) -> Int { 1 }

    public func encodedPayload() throws -> String {
        try PayloadJSON.encode(self)
    }

    public static func decode(typeName: String, schemaVersion: Int, payload: String) throws -> AccessTokenEvent {
        try JSONDecoder.domain.decode(AccessTokenEvent.self, from: Data(payload.utf8))
    }
}
