import Foundation
import Logging
import NewsroomDomain

/// The outcome of one command: the events it produced (none when it changed nothing) and where
/// the stream stands now.
public struct HandledCommand<Event: DomainEvent>: Sendable {
    public var events: [Event]
    public var streamVersion: Int
    public var append: AppendResult?
    public var wasDuplicate: Bool { append?.wasDuplicate ?? false }
}

/// Load, fold, decide, append. When another writer got in first and the caller did not pin a
/// version, the command is decided again on the fresh state; a pinned version is reported as a
/// conflict instead, because the caller said what they based their change on.
public struct CommandHandler: Sendable {
    public let store: EventStore
    public var maximumAttempts = 5

    public init(store: EventStore) { self.store = store }

    public func handle<D: Decider>(
        _ decider: D.Type,
        command: D.Command,
        stream: StreamID,
        streamType: String,
        commandID: UUID,
        expectedVersion: Int? = nil,
        context: D.Context
    ) async throws -> HandledCommand<D.Event> {
        let digest = Self.digest(of: command, stream: stream)
        var attempt = 0
        while true {
            attempt += 1
            let (state, version) = try await load(decider, stream: stream)
            if let expectedVersion, expectedVersion != version {
                let conflict = try await store.readStream(stream).last
                throw EventStoreError(.conflict, "\(stream) was changed\(conflict.map { " by \($0.actor) at \(Instant.format($0.recordedAt))" } ?? ""); you expected version \(expectedVersion), it is \(version). Look at `newsroom history` and retry with --expect-version \(version).",
                                      conflict: StreamConflict(streamID: stream, expectedVersion: expectedVersion, actualVersion: version,
                                                               lastActor: conflict?.actor, lastRecordedAt: conflict?.recordedAt))
            }
            let events: [D.Event]
            do {
                events = try D.decide(command, state: state, context: context)
            } catch {
                // A resent command is refused by the rules it already changed ("already exists");
                // answer with what it did the first time instead.
                if let earlier: HandledCommand<D.Event> = try await earlierResult(commandID, stream: stream, digest: digest) { return earlier }
                throw error
            }
            guard !events.isEmpty else {
                if let earlier: HandledCommand<D.Event> = try await earlierResult(commandID, stream: stream, digest: digest) { return earlier }
                return HandledCommand(events: [], streamVersion: version, append: nil)
            }
            let newEvents = try events.map { event in
                NewEvent(type: event.typeName, schemaVersion: D.Event.schemaVersion(of: event.typeName), payload: try event.encodedPayload())
            }
            do {
                let result = try await store.append(newEvents, to: stream, streamType: streamType,
                                                    expectedVersion: version == 0 ? .noStream : .exactly(version),
                                                    metadata: EventMetadata(commandID: commandID), digest: digest)
                return HandledCommand(events: result.wasDuplicate ? [] : events, streamVersion: result.streamVersion, append: result)
            } catch let error as EventStoreError where error.code == .conflict && expectedVersion == nil && attempt < maximumAttempts {
                continue
            }
        }
    }

    private func earlierResult<Event>(_ commandID: UUID, stream: StreamID, digest: String) async throws -> HandledCommand<Event>? {
        guard let earlier = try await store.recordedCommand(commandID) else { return nil }
        guard earlier.stream == stream, earlier.digest == digest else {
            throw EventStoreError(.commandReused, "command \(commandID) was already used for a different command. Use a new --command-id for a different command, or resend the original command unchanged.")
        }
        return HandledCommand(events: [], streamVersion: earlier.result.streamVersion, append: earlier.result)
    }

    /// The stream's current state and version, folded from the log.
    public func load<D: Decider>(_ decider: D.Type, stream: StreamID, asOf: Date? = nil) async throws -> (D.State, Int) {
        let records = try await store.readStream(stream, asOf: asOf)
        let events = try records.map { try D.Event.decode(typeName: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload) }
        return (D.fold(events), records.last?.streamVersion ?? 0)
    }

    /// Identifies a command's content, so that a resent command id can be told apart from a reused one.
    static func digest<C>(of command: C, stream: StreamID) -> String {
        String(StableHash.fnv1a64("\(stream.rawValue)|\(String(reflecting: command))"), radix: 16)
    }
}
