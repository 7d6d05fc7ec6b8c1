import Foundation
import Logging
import NewsroomDomain
import Synchronization

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
    /// Folded states by stream, shared by copies of this handler. A stream's past never changes,
    /// so a cached state at version v stays true and only events after v need reading: a command
    /// on a 20-event article reads no bodies it has already folded.
    let states: StateCache

    public init(store: EventStore, cachedStreams: Int = 10_000) {
        self.store = store
        self.states = StateCache(limit: cachedStreams)
    }

    /// Runs `command` on `stream`. `loaded` skips the read (the state it came with is checked by
    /// the append's version); `requiring` also has the append check another stream the decision
    /// read; `speculative` says `loaded` came from the cache, so a refusal or a no-op is not an
    /// answer (only an append verifies) and throws `.contextChanged` for the caller to read again.
    ///
    /// Specialized for articles, the commands that matter for speed: called from the application
    /// layer, a generic function of another module runs unspecialized, every use of the state and
    /// events going through witness tables and run-time type metadata.
    @_specialize(exported: false, where D == ArticleDecider)
    public func handle<D: Decider>(
        _ decider: D.Type,
        command: D.Command,
        stream: StreamID,
        streamType: String,
        commandID: UUID,
        expectedVersion: Int? = nil,
        context: D.Context,
        loaded: (D.State, Int)? = nil,
        requiring contextVersion: ContextVersion? = nil,
        speculative: Bool = false
    ) async throws -> HandledCommand<D.Event> {
        let digest = Self.digest(of: command, stream: stream)
        var attempt = 0
        var preloaded = loaded
        while true {
            attempt += 1
            let state: D.State
            let version: Int
            if let preloaded {
                (state, version) = preloaded
            } else {
                (state, version) = try await load(decider, stream: stream)
            }
            preloaded = nil
            if let expectedVersion, expectedVersion != version {
                let last = try await store.readStream(stream).last
                let conflict = StreamConflict(streamID: stream, expectedVersion: expectedVersion, actualVersion: version,
                                              lastActor: last?.actor, lastRecordedAt: last?.recordedAt)
                throw EventStoreError(.conflict, conflict.message(naming: stream.rawValue) + " Look at `newsroom history` and retry with --expect-version \(version).",
                                      conflict: conflict)
            }
            let events: [D.Event]
            do {
                events = try D.decide(command, state: state, context: context)
            } catch where speculative {
                throw Self.unsettled
            } catch {
                // A resent command is refused by the rules it already changed ("already exists");
                // answer with what it did the first time instead.
                if let earlier: HandledCommand<D.Event> = try await earlierResult(commandID, stream: stream, command: command) { return earlier }
                throw error
            }
            guard !events.isEmpty else {
                if speculative { throw Self.unsettled }
                if let earlier: HandledCommand<D.Event> = try await earlierResult(commandID, stream: stream, command: command) { return earlier }
                return HandledCommand(events: [], streamVersion: version, append: nil)
            }
            do {
                let result = try await store.append(try Self.newEvents(events, of: D.self), to: stream, streamType: streamType,
                                                    expectedVersion: version == 0 ? .noStream : .exactly(version),
                                                    metadata: EventMetadata(commandID: commandID), digest: digest, requiring: contextVersion)
                return settle(D.self, events, on: state, at: version, in: stream, appended: result)
            } catch let error as EventStoreError where error.code == .conflict && expectedVersion == nil && attempt < maximumAttempts {
                continue
            } catch let error as EventStoreError where error.code == .commandReused {
                // The log compares digests as text: one recorded by an earlier version of newsroom
                // has an earlier form, and the same command resent must still count as a resend.
                if let earlier: HandledCommand<D.Event> = try await earlierResult(commandID, stream: stream, command: command) { return earlier }
                throw error
            }
        }
    }

    /// Two commands that each start a new stream (an article and the slug it takes), decided on
    /// their initial states and appended in one statement: both are written or neither is, in one
    /// round trip. Speculative as `handle(speculative: true)` is: a refusal, a no-op, a stream that
    /// exists or a command id seen before is not an answer, and throws `.contextChanged` for the
    /// caller to read and decide again on its full path, which the same command ids make safe.
    public func handleNewStreams<A: Decider, B: Decider>(
        _ first: NewStreamCommand<A>, _ second: NewStreamCommand<B>, requiring contextVersion: ContextVersion?
    ) async throws -> (HandledCommand<A.Event>, HandledCommand<B.Event>) {
        let firstEvents: [A.Event], secondEvents: [B.Event]
        do {
            firstEvents = try A.decide(first.command, state: A.initialState, context: first.context)
            secondEvents = try B.decide(second.command, state: B.initialState, context: second.context)
        } catch {
            throw Self.unsettled
        }
        guard !firstEvents.isEmpty, !secondEvents.isEmpty else { throw Self.unsettled }
        let results: (AppendResult, AppendResult)
        do {
            results = try await store.append(try first.append(firstEvents), try second.append(secondEvents), requiring: contextVersion)
        } catch let error as EventStoreError where error.code == .conflict || error.code == .commandReused {
            throw Self.unsettled
        }
        return (settle(A.self, firstEvents, on: A.initialState, at: 0, in: first.stream, appended: results.0),
                settle(B.self, secondEvents, on: B.initialState, at: 0, in: second.stream, appended: results.1))
    }

    /// What appending `events`, decided on `state` at `version`, answers. The state after them
    /// is cached when the append wrote exactly them; a resend wrote nothing new.
    private func settle<D: Decider>(_ decider: D.Type, _ events: [D.Event], on state: D.State, at version: Int, in stream: StreamID,
                                    appended result: AppendResult) -> HandledCommand<D.Event> {
        if !result.wasDuplicate, result.streamVersion == version + events.count {
            states.store(events.reduce(state, D.evolve), version: result.streamVersion, for: stream, as: D.self)
        }
        return HandledCommand(events: result.wasDuplicate ? [] : events, streamVersion: result.streamVersion, append: result)
    }

    /// A decision's events as the log takes them.
    static func newEvents<D: Decider>(_ events: [D.Event], of decider: D.Type) throws -> [NewEvent] {
        try events.map { NewEvent(type: $0.typeName, schemaVersion: D.Event.schemaVersion(of: $0.typeName), payload: try $0.encodedPayload()) }
    }

    /// A speculative decision (on cached state and context) that refused the command or changed
    /// nothing: only an append verifies cached state, so the caller must read and decide again.
    static let unsettled = EventStoreError(.contextChanged, "the cached state did not settle the command; read it again")

    private func earlierResult<Event, Command: Encodable>(_ commandID: UUID, stream: StreamID, command: Command) async throws -> HandledCommand<Event>? {
        guard let earlier = try await store.recordedCommand(commandID) else { return nil }
        guard earlier.stream == stream, Self.recorded(earlier.digest, matches: command, stream: stream) else {
            throw EventStoreError(.commandReused, "command \(commandID) was already used for a different command. Use a new --command-id for a different command, or resend the original command unchanged.")
        }
        return HandledCommand(events: [], streamVersion: earlier.result.streamVersion, append: earlier.result)
    }

    /// The state this handler last saw for `stream`, without asking the database; it may be
    /// behind. A decision on it must let the append check the version (it always does).
    public func cached<D: Decider>(_ decider: D.Type, stream: StreamID) -> (D.State, Int)? {
        states.state(for: stream, as: D.self)
    }

    /// The stream's current state and version, folded from the log (now: from the cached state
    /// plus whatever was appended since).
    @_specialize(exported: false, where D == ArticleDecider)
    public func load<D: Decider>(_ decider: D.Type, stream: StreamID, asOf: Date? = nil) async throws -> (D.State, Int) {
        if asOf != nil {
            let records = try await store.readStream(stream, asOf: asOf)
            let events = try records.map { try D.Event.decode(typeName: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload) }
            return (D.fold(events), records.last?.streamVersion ?? 0)
        }
        let (cached, cachedVersion) = states.state(for: stream, as: D.self) ?? (D.initialState, 0)
        let records = try await store.readStream(stream, afterVersion: cachedVersion)
        var state = cached
        for record in records {
            state = D.evolve(state, try D.Event.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload))
        }
        let version = records.last?.streamVersion ?? cachedVersion
        if !records.isEmpty { states.store(state, version: version, for: stream, as: D.self) }
        return (state, version)
    }

    /// Identifies a command's content, so that a resent command id can be told apart from a reused
    /// one: the stream and the command's content (`DigestEncoder`), hashed. "3:" marks this form.
    static func digest<C: Encodable>(of command: C, stream: StreamID) -> String {
        guard let content = try? DigestEncoder.digest(of: command) else { return firstDigest(of: command, stream: stream) }
        var hasher = FNV(tag: 3)
        hasher.combine(StableHash.fnv1a64(stream.rawValue))
        hasher.combine(content)
        return "3:" + String(hasher.value, radix: 16)
    }

    /// Whether `recorded`, a digest in the log, is `command`'s under any form newsroom has written.
    /// Earlier forms are computed only here, when a command id comes back.
    static func recorded<C: Encodable>(_ recorded: String, matches command: C, stream: StreamID) -> Bool {
        recorded == digest(of: command, stream: stream) || recorded == secondDigest(of: command, stream: stream)
            || recorded == firstDigest(of: command, stream: stream)
    }

    /// The "2:" form, newsroom's until the twenty-fourth session: the command's JSON (keys sorted)
    /// hashed. Still recognised, never written.
    static func secondDigest<C: Encodable>(of command: C, stream: StreamID) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(command) else { return firstDigest(of: command, stream: stream) }
        let hash = StableHash.fnv1a64(bytes: json, seed: StableHash.fnv1a64("\(stream.rawValue)|"))
        return "2:" + String(hash, radix: 16)
    }

    /// The first form (from the command's debug description, which cost a sixth of a command's
    /// client time): still recognised, never written.
    static func firstDigest<C>(of command: C, stream: StreamID) -> String {
        String(StableHash.fnv1a64("\(stream.rawValue)|\(String(reflecting: command))"), radix: 16)
    }
}

/// A command on a stream it creates, for `CommandHandler.handleNewStreams`.
public struct NewStreamCommand<D: Decider>: Sendable {
    public var command: D.Command
    public var stream: StreamID
    public var streamType: String
    public var commandID: UUID
    public var context: D.Context

    public init(_ decider: D.Type, _ command: D.Command, stream: StreamID, streamType: String, commandID: UUID, context: D.Context) {
        self.command = command
        self.stream = stream
        self.streamType = streamType
        self.commandID = commandID
        self.context = context
    }

    /// The append of `events`, this command's decision, with the digest `handle` records for it.
    func append(_ events: [D.Event]) throws -> StreamAppend {
        StreamAppend(try CommandHandler.newEvents(events, of: D.self), to: stream, streamType: streamType, expectedVersion: .noStream, metadata: EventMetadata(commandID: commandID),
                     digest: CommandHandler.digest(of: command, stream: stream))
    }
}

/// States folded so far, by stream and decider. Bounded: past the limit it starts over, which
/// costs a full read per stream, never a wrong answer.
final class StateCache: Sendable {
    struct Key: Hashable { var stream: String; var decider: ObjectIdentifier }
    struct Entry: @unchecked Sendable { var state: Any; var version: Int }  // state is the decider's Sendable State
    private let entries = Mutex<[Key: Entry]>([:])
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func state<D: Decider>(for stream: StreamID, as decider: D.Type) -> (D.State, Int)? {
        entries.withLock { entries in
            guard let entry = entries[Key(stream: stream.rawValue, decider: ObjectIdentifier(decider))], let state = entry.state as? D.State else { return nil }
            return (state, entry.version)
        }
    }

    func store<D: Decider>(_ state: D.State, version: Int, for stream: StreamID, as decider: D.Type) {
        guard limit > 0 else { return }
        entries.withLock { entries in
            let key = Key(stream: stream.rawValue, decider: ObjectIdentifier(decider))
            if let existing = entries[key], existing.version >= version { return }
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(state: state, version: version)
        }
    }
}
