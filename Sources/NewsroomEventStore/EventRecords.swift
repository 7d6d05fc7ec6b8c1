import Foundation
import NewsroomDomain

/// A stream is one aggregate's history, e.g. `article-<uuid>` or `staff-<login>`.
public struct StreamID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// Who asked for a change and why it happened; copied onto every event a command produces.
public struct EventMetadata: Codable, Hashable, Sendable {
    public var commandID: UUID
    public var correlationID: UUID
    public var causationID: UUID?

    public init(commandID: UUID, correlationID: UUID? = nil, causationID: UUID? = nil) {
        self.commandID = commandID
        self.correlationID = correlationID ?? commandID
        self.causationID = causationID
    }

    enum CodingKeys: String, CodingKey { case commandID, correlationID, causationID }

    /// Reads the metadata text of a stored event. Every event read carries it, so this takes
    /// the hand-written jsonb parser rather than JSONDecoder (7% of a rebuild's client time).
    public init?(storedText text: String) {
        var text = text
        if let stored = text.withUTF8(Self.printedByJSONB) {
            self = stored
            return
        }
        guard let object = try? text.withUTF8({ bytes throws(JSONBParseError) in try JSONB.parse(bytes) }), case .object = object else { return nil }
        struct Unreadable: Error {}
        /// An absent or null id is nil; anything but a UUID's text is unreadable.
        func id(_ key: String) throws(Unreadable) -> UUID? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let text)?:
                guard let id = UUID(hexText: Substring(text)) else { throw Unreadable() }
                return id
            default: throw Unreadable()
            }
        }
        do {
            guard let command = try id("commandID") else { return nil }
            self.init(commandID: command, correlationID: try id("correlationID"), causationID: try id("causationID"))
        } catch {
            return nil
        }
    }

    /// The metadata newsroom writes, as jsonb prints it (keys shortest first, `": "` and `", "`
    /// between them), read straight off the bytes: parsing it was 4% of a rebuild's client time.
    /// Anything else (other keys, nulls, spacing) is nil here and goes to the parser.
    static func printedByJSONB(_ bytes: UnsafeBufferPointer<UInt8>) -> EventMetadata? {
        var at = bytes.startIndex
        func take(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.endIndex - at >= count, let base = bytes.baseAddress, memcmp(base + at, literal.utf8Start, count) == 0 else { return false }
            at += count
            return true
        }
        func id() -> UUID? {
            guard bytes.endIndex - at >= 37, bytes[at + 36] == UInt8(ascii: "\""), let id = UUID(hexBytes: UnsafeBufferPointer(rebasing: bytes[at..<at + 36])) else { return nil }
            at += 37
            return id
        }
        guard take(#"{"commandID": ""#), let command = id() else { return nil }
        var causation: UUID?, correlation: UUID?
        if take(#", "causationID": ""#) {
            guard let id = id() else { return nil }
            causation = id
        }
        if take(#", "correlationID": ""#) {
            guard let id = id() else { return nil }
            correlation = id
        }
        guard take("}"), at == bytes.endIndex else { return nil }
        return EventMetadata(commandID: command, correlationID: correlation, causationID: causation)
    }

    // Foundation's UUID decoding runs sscanf for each id.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func id(_ key: CodingKeys) throws -> UUID? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let id = UUID(hexText: Substring(text)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a UUID: \(text)")
            }
            return id
        }
        guard let command = try id(.commandID) else {
            throw DecodingError.keyNotFound(CodingKeys.commandID, .init(codingPath: decoder.codingPath, debugDescription: "metadata needs a commandID"))
        }
        commandID = command
        correlationID = try id(.correlationID) ?? command
        causationID = try id(.causationID)
    }
}

/// An event on its way into the log. The payload is JSON text; its meaning is the domain's business.
public struct NewEvent: Sendable, Hashable {
    public var eventID: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: String

    public init(eventID: UUID = UUID.timeOrdered(), type: String, schemaVersion: Int = 1, payload: String) {
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
    }
}

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Hashable {
    public var logPosition: LogPosition
    public var streamID: StreamID
    public var streamVersion: Int
    public var eventID: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: String
    public var metadata: EventMetadata
    public var actor: String
    public var recordedAt: Date

    public var position: Int64 { logPosition.position }
}

/// Where a reader of the whole log stands. Readers order by transaction id first, then by position
/// (see `EventStore.readAll`), so a checkpoint needs both.
public struct LogPosition: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var transactionID: Int64
    public var position: Int64

    public init(transactionID: Int64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    public static let start = LogPosition(transactionID: 0, position: 0)

    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool {
        (lhs.transactionID, lhs.position) < (rhs.transactionID, rhs.position)
    }

    public var description: String { "\(transactionID)/\(position)" }
}

/// What an append expects of the stream it writes to.
public enum ExpectedVersion: Sendable, Hashable {
    /// No check: append after whatever is there.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version.
    case exactly(Int)

    var sqlValue: Int? {
        switch self {
        case .any: nil
        case .noStream: 0
        case .exactly(let version): version
        }
    }
}

/// Another stream a decision read, and the version it read: the append goes through only if that
/// stream is still there (`EventStoreError.Code.contextChanged` otherwise).
public struct ContextVersion: Sendable, Hashable {
    public var stream: StreamID
    public var version: Int
    public init(stream: StreamID, version: Int) {
        self.stream = stream
        self.version = version
    }
}

/// One command's append, for `EventStore.append(_:_:requiring:)`, which writes two at once.
public struct StreamAppend: Sendable {
    public var events: [NewEvent]
    public var stream: StreamID
    public var streamType: String
    public var expectedVersion: ExpectedVersion
    public var metadata: EventMetadata
    public var digest: String

    public init(_ events: [NewEvent], to stream: StreamID, streamType: String, expectedVersion: ExpectedVersion, metadata: EventMetadata, digest: String) {
        self.events = events
        self.stream = stream
        self.streamType = streamType
        self.expectedVersion = expectedVersion
        self.metadata = metadata
        self.digest = digest
    }
}

public struct AppendResult: Sendable, Hashable {
    public var firstPosition: Int64
    public var lastPosition: Int64
    public var streamVersion: Int
    /// True when the command id had been appended before and nothing new was written.
    public var wasDuplicate: Bool

    public init(firstPosition: Int64, lastPosition: Int64, streamVersion: Int, wasDuplicate: Bool) {
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.streamVersion = streamVersion
        self.wasDuplicate = wasDuplicate
    }
}
