/// The functional decider: everything a command may do to one stream, as pure functions.
///
/// `decide` answers "given what happened, what happens now?" and throws a `RuleViolation` when the
/// command breaks an editorial rule; `evolve` folds an event into the state. Neither touches a
/// database or a clock: time and identity arrive in `Context`.
public protocol Decider {
    /// Encodable so that a command's content can be told apart from another's (its digest).
    associatedtype Command: Sendable & Encodable
    associatedtype Event: DomainEvent
    associatedtype State: Sendable
    associatedtype Context: Sendable

    static var initialState: State { get }
    static func decide(_ command: Command, state: State, context: Context) throws(RuleViolation) -> [Event]
    /// Consumes the state it folds: a caller that hands over its only copy lets the fold change
    /// it in place, instead of retaining every field and copying each array it appends to.
    static func evolve(_ state: consuming State, _ event: Event) -> State
}

extension Decider {
    public static func fold<S: Sequence>(_ events: S) -> State where S.Element == Event {
        events.reduce(initialState, evolve)
    }
}

/// An event the log can carry: a stable type name, a schema version, and a JSON payload.
/// Decoding accepts every schema version ever written (upcasting older payloads).
public protocol DomainEvent: Sendable, Equatable {
    var typeName: String { get }
    static func schemaVersion(of typeName: String) -> Int
    func encodedPayload() throws -> String
    static func decode(typeName: String, schemaVersion: Int, payload: String) throws -> Self
}

/// A refused command: which rule, and a message that says what is wrong, what the state is, and
/// what to do next.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidInput = Code(rawValue: "invalid-input")
        public static let notAllowed = Code(rawValue: "not-allowed")
        public static let wrongState = Code(rawValue: "wrong-state")
        public static let notReadyToPublish = Code(rawValue: "not-ready-to-publish")
        public static let notFound = Code(rawValue: "not-found")
        public static let alreadyExists = Code(rawValue: "already-exists")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

public struct EventDecodingError: Error, Sendable, CustomStringConvertible {
    public var typeName: String
    public var schemaVersion: Int
    public var reason: String
    public init(typeName: String, schemaVersion: Int, reason: String) {
        self.typeName = typeName
        self.schemaVersion = schemaVersion
        self.reason = reason
    }
    public var description: String { "cannot read event \(typeName) v\(schemaVersion): \(reason)" }
}
