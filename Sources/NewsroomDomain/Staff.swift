import Foundation

/// What a member of staff may do. `administrator` is the account that installed newsroom.
public enum StaffRole: String, Codable, Sendable, CaseIterable, Comparable {
    case reporter, editor, chief, administrator

    public var isEditor: Bool { self == .editor || self == .chief }

    /// The role as a sentence names it: "a reporter", "an editor".
    public var withArticle: String {
        switch self {
        case .reporter, .chief: "a \(rawValue)"
        case .editor, .administrator: "an \(rawValue)"
        }
    }

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Who is acting: the authenticated database login and the role the roster gives it.
public struct Actor: Sendable, Hashable {
    public var login: String
    public var role: StaffRole?
    public init(login: String, role: StaffRole?) {
        self.login = login
        self.role = role
    }
}

/// Staff changes are events too, on the single stream `staff`.
public enum StaffCommand: Sendable, Equatable, Encodable {
    case add(login: String, displayName: String, role: StaffRole)
    case changeRole(login: String, role: StaffRole)
    case remove(login: String)
}

public enum StaffEvent: Sendable, Equatable, Codable {
    case memberAdded(login: String, displayName: String, role: StaffRole)
    case roleChanged(login: String, role: StaffRole)
    case memberRemoved(login: String)
}

public struct StaffMember: Sendable, Hashable, Codable {
    public var login: String
    public var displayName: String
    public var role: StaffRole
    public init(login: String, displayName: String, role: StaffRole) {
        self.login = login
        self.displayName = displayName
        self.role = role
    }
}

public struct Roster: Sendable, Equatable {
    public var members: [String: StaffMember] = [:]
    public init(members: [String: StaffMember] = [:]) { self.members = members }
    public func role(of login: String) -> StaffRole? { members[login]?.role }
}

public enum StaffDecider: Decider {
    public typealias Context = Actor
    public static let initialState = Roster()

    public static func decide(_ command: StaffCommand, state: Roster, context actor: Actor) throws(RuleViolation) -> [StaffEvent] {
        guard actor.role == .chief || actor.role == .administrator else {
            throw RuleViolation(.notAllowed, "Only a chief editor or the administrator can change staff; \(actor.login) is \(actor.role.map(\.withArticle) ?? "not on the staff").")
        }
        switch command {
        case .add(let login, let displayName, let role):
            try validateLogin(login)
            try Validate.text(displayName, "display name", max: 200, required: false)
            if let existing = state.members[login] {
                if existing.role == role { return [] }
                throw RuleViolation(.alreadyExists, "\(login) is already on the staff as \(existing.role.rawValue). To change the role use `newsroom staff role \(login) \(role.rawValue)`.")
            }
            return [.memberAdded(login: login, displayName: displayName.isEmpty ? login : displayName, role: role)]
        case .changeRole(let login, let role):
            guard let existing = state.members[login] else {
                throw RuleViolation(.notFound, "\(login) is not on the staff. Add them with `newsroom staff add \(login) --role \(role.rawValue)`.")
            }
            if existing.role == .chief, role != .chief, actor.role != .administrator,
               !state.members.values.contains(where: { $0.role == .chief && $0.login != login }) {
                // Without a chief only the administrator could change staff or hand out others' tokens.
                throw RuleViolation(.notAllowed, "\(login) is the only chief editor; with none left, only the administrator could change staff. Make someone else chief first (`newsroom staff role LOGIN chief`).")
            }
            return existing.role == role ? [] : [.roleChanged(login: login, role: role)]
        case .remove(let login):
            guard state.members[login] != nil else {
                throw RuleViolation(.notFound, "\(login) is not on the staff; nothing to remove.")
            }
            // Removal takes the login's staff groups away before its event, in the same
            // transaction: a login removing itself could no longer write that event.
            guard login != actor.login else {
                throw RuleViolation(.notAllowed, "\(login) cannot remove themselves from the staff. Ask another chief editor or the administrator.")
            }
            return [.memberRemoved(login: login)]
        }
    }

    public static func evolve(_ state: consuming Roster, _ event: StaffEvent) -> Roster {
        var roster = state
        switch event {
        case .memberAdded(let login, let displayName, let role):
            roster.members[login] = StaffMember(login: login, displayName: displayName, role: role)
        case .roleChanged(let login, let role):
            roster.members[login]?.role = role
        case .memberRemoved(let login):
            roster.members[login] = nil
        }
        return roster
    }

    /// Logins become PostgreSQL role names, so keep them to a safe, portable alphabet.
    public static func validateLogin(_ login: String) throws(RuleViolation) {
        let allowed = login.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard !login.isEmpty, login.count <= 63, allowed, login.first.map({ !$0.isNumber }) == true,
              !login.hasPrefix("pg_"), !login.hasPrefix("newsroom_") else {
            throw RuleViolation(.invalidInput, "\"\(login)\" is not a valid login: use 1-63 lowercase letters, digits and _, starting with a letter (not pg_ or newsroom_). Example: yudono_yanuar")
        }
    }
}

extension StaffEvent: DomainEvent {
    public var typeName: String {
        switch self {
        case .memberAdded: "StaffMemberAdded"
        case .roleChanged: "StaffRoleChanged"
        case .memberRemoved: "StaffMemberRemoved"
        }
    }

    public static func schemaVersion(of typeName: String) -> Int { 1 }

    public func encodedPayload() throws -> String {
        try PayloadJSON.encode(self)
    }

    public static func decode(typeName: String, schemaVersion: Int, payload: String) throws -> StaffEvent {
        try JSONDecoder.domain.decode(StaffEvent.self, from: Data(payload.utf8))
    }
}

extension JSONEncoder {
    static var domain: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Instant.format(date))
        }
        return encoder
    }
}

extension JSONDecoder {
    static var domain: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Instant.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 instant: \(text)"))
            }
            return date
        }
        return decoder
    }
}
