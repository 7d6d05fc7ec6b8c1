import Foundation
import NewsroomDomain
import NewsroomEventStore

/// The newsroom's use cases, on top of the event store: who is acting, which article a name
/// means, and running commands through the deciders. The CLI and the HTTP API only call this.
public struct Newsroom: Sendable {
    public let store: EventStore
    public let handler: CommandHandler
    public var clock: @Sendable () -> Date

    /// Who the connection logs in as never changes for a pool; asked once.
    let identity = Remembered<SessionIdentity>()

    public init(store: EventStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.handler = CommandHandler(store: store)
        self.clock = clock
    }

    static let staffStream = StreamID("staff")
    static func articleStream(_ id: ArticleID) -> StreamID { StreamID("article-\(id)") }
    static func slugStream(_ slug: String) -> StreamID { StreamID("slug-\(slug)") }

    // MARK: Identity

    public func roster() async throws -> Roster {
        try await handler.load(StaffDecider.self, stream: Self.staffStream).0
    }

    /// The acting login and the role the roster gives it (administrator for the installing account).
    public func currentActor() async throws -> (Actor, Roster) {
        let who = try await sessionIdentity(asking: store)
        let roster = try await self.roster()
        return (Self.actor(who, in: roster), roster)
    }

    /// Who is connected, asked of PostgreSQL through `store` (a transaction's own, inside one) the
    /// first time, then remembered.
    private func sessionIdentity(asking store: EventStore) async throws -> SessionIdentity {
        if let known = identity.value { return known }
        let who = try await store.sessionIdentity()
        identity.value = who
        return who
    }

    static func actor(_ who: SessionIdentity, in roster: Roster) -> Actor {
        Actor(login: who.login, role: roster.role(of: who.login) ?? (who.isAdministrator ? .administrator : nil))
    }

    // MARK: Staff

    /// Adds a member of staff: their PostgreSQL login and the event on the staff stream, in one
    /// transaction (so the event never names someone who cannot log in, and a refused or failed
    /// event leaves no login behind).
    @discardableResult
    public func addStaff(login: String, displayName: String, role: StaffRole, password: String? = nil, commandID: UUID) async throws -> HandledCommand<StaffEvent> {
        try await changeStaff(.add(login: login, displayName: displayName, role: role), commandID: commandID) {
            try await $0.ensureLogin(login, group: "newsroom_\(role == .administrator ? "chief" : role.rawValue)", password: password)
        }
    }

    @discardableResult
    public func changeStaffRole(login: String, role: StaffRole, commandID: UUID) async throws -> HandledCommand<StaffEvent> {
        try await changeStaff(.changeRole(login: login, role: role), commandID: commandID) {
            try await $0.ensureLogin(login, group: "newsroom_\(role.rawValue)", password: nil)
        }
    }

    @discardableResult
    public func removeStaff(login: String, commandID: UUID) async throws -> HandledCommand<StaffEvent> {
        try await changeStaff(.remove(login: login), commandID: commandID) { try await $0.revokeLogin(login) }
    }

    /// A staff command and its change to PostgreSQL's roles, in one transaction: both happen or
    /// neither. It is decided on the roster read in that transaction, before the roles change; when
    /// another change to the staff came first, the transaction rolls back and it is decided again.
    private func changeStaff(_ command: StaffCommand, commandID: UUID, roles: @Sendable (EventStore) async throws -> Void) async throws -> HandledCommand<StaffEvent> {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await store.inTransaction { store in
                    let newsroom = Newsroom(store: store, clock: clock)
                    let who = try await sessionIdentity(asking: store)
                    let (staff, version) = try await newsroom.handler.load(StaffDecider.self, stream: Self.staffStream)
                    let actor = Self.actor(who, in: staff)
                    // Decided before the roles change, so that a refused command changes none.
                    _ = try StaffDecider.decide(command, state: staff, context: actor)
                    try await roles(store)
                    return try await newsroom.handler.handle(StaffDecider.self, command: command, stream: Self.staffStream, streamType: "staff",
                                                             commandID: commandID, expectedVersion: version, context: actor, loaded: (staff, version))
                }
            } catch let error as EventStoreError where error.code == .conflict && attempt < 5 {
                continue
            }
        }
    }

    // MARK: Articles

    /// An article id, or a slug it has now or had before.
    public func resolve(_ reference: String) async throws -> ArticleID {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        if let id = ArticleID(trimmed) {
            guard try await store.streamVersion(Self.articleStream(id)) > 0 else {
                throw ArticleNotFound(reference: reference)
            }
            return id
        }
        let slug = trimmed.lowercased()
        guard slug.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }), !slug.isEmpty, slug.count <= 120 else {
            throw ArticleNotFound(reference: reference)
        }
        let (reservation, _) = try await handler.load(SlugDecider.self, stream: Self.slugStream(slug))
        guard let id = reservation.articleID else { throw ArticleNotFound(reference: reference) }
        return id
    }

    public struct Drafted: Sendable {
        public var articleID: ArticleID
        public var slug: String
        public var result: HandledCommand<ArticleEvent>
    }

    /// Drafts an article. Its id comes from the command id, so resending the same command finds
    /// the same article instead of making a second one. The slug is reserved in the log first;
    /// when taken, `-2`, `-3`, ... are tried (unless the slug was asked for explicitly).
    public func draft(_ fields: ArticleFields, slug requested: String?, commandID: UUID) async throws -> Drafted {
        let id = ArticleID(commandID)
        if let drafted = try await draftOnCachedRoster(fields, slug: requested, id: id, commandID: commandID) { return drafted }
        let (actor, roster) = try await currentActor()
        let context = ArticleContext(actor: actor, now: clock(), roster: roster)
        // Refuse a bad draft before reserving anything.
        let base = requested ?? Slug.make(from: fields.headline ?? "")
        _ = try ArticleDecider.decide(.draft(id: id, slug: base, fields: fields), state: ArticleDecider.initialState, context: context)
        var attempt = 1
        var slug = base
        while true {
            slug = Slug.candidate(base, attempt: attempt)
            do {
                try await reserve(slug, for: id, commandID: commandID)
                break
            } catch let violation as RuleViolation where violation.code == .alreadyExists && requested == nil && attempt < 50 {
                attempt += 1
            }
        }
        let result = try await handler.handle(ArticleDecider.self, command: .draft(id: id, slug: slug, fields: fields),
                                              stream: Self.articleStream(id), streamType: "article", commandID: commandID, context: context)
        return Drafted(articleID: id, slug: slug, result: result)
    }

    /// One round trip instead of five when this process has seen the roster before: a new
    /// article and a new slug have no history to read, so both are decided on their initial
    /// state and appended in one statement, which checks that both streams are still new and the
    /// roster unchanged, and writes both or neither. Nil when that does not settle it (the slug is
    /// taken, the roster moved, the command was sent before): then `draft` reads everything and
    /// decides again; the command ids are the same, so anything already appended is recognised,
    /// not repeated.
    private func draftOnCachedRoster(_ fields: ArticleFields, slug requested: String?, id: ArticleID, commandID: UUID) async throws -> Drafted? {
        guard let (context, rosterVersion) = cachedContext() else { return nil }
        let slug = requested ?? Slug.make(from: fields.headline ?? "")
        let command = ArticleCommand.draft(id: id, slug: slug, fields: fields)
        // A refused draft reserves nothing; refusing on cached state is only a hint, so the full
        // path decides again on fresh state and gives the answer.
        guard (try? ArticleDecider.decide(command, state: ArticleDecider.initialState, context: context)) != nil else { return nil }
        do {
            let (_, result) = try await handler.handleNewStreams(
                NewStreamCommand(SlugDecider.self, .reserve(for: id), stream: Self.slugStream(slug), streamType: "slug",
                                 commandID: Self.slugCommandID(commandID, slug), context: slug),
                NewStreamCommand(ArticleDecider.self, command, stream: Self.articleStream(id), streamType: "article",
                                 commandID: commandID, context: context),
                requiring: rosterVersion)
            return Drafted(articleID: id, slug: slug, result: result)
        } catch let error as EventStoreError where error.code == .contextChanged {
            return nil
        }
    }

    /// Takes `slug` for article `id` in its own stream, so that no two articles hold it.
    private func reserve(_ slug: String, for id: ArticleID, commandID: UUID) async throws {
        _ = try await handler.handle(SlugDecider.self, command: .reserve(for: id), stream: Self.slugStream(slug), streamType: "slug",
                                     commandID: Self.slugCommandID(commandID, slug), context: slug)
    }

    /// The id of the slug reservation a command makes: derived from the command's, so that a
    /// resent command finds its reservation instead of taking the slug again.
    static func slugCommandID(_ commandID: UUID, _ slug: String) -> UUID { commandID.derived("slug:\(slug)") }

    /// The acting login's context from what this process has already read (identity and roster),
    /// with the roster's version for the append to check; nil before the first read.
    private func cachedContext() -> (ArticleContext, ContextVersion)? {
        guard let who = identity.value, let (roster, rosterVersion) = handler.cached(StaffDecider.self, stream: Self.staffStream) else { return nil }
        return (ArticleContext(actor: Self.actor(who, in: roster), now: clock(), roster: roster), ContextVersion(stream: Self.staffStream, version: rosterVersion))
    }

    /// Runs any other article command as the current actor.
    public func execute(_ command: ArticleCommand, on id: ArticleID, commandID: UUID, expectedVersion: Int? = nil) async throws -> HandledCommand<ArticleEvent> {
        let handler = self.handler
        // One round trip when this process has seen the article and the roster before: decide on
        // what it saw, and let the append check both are still current (the article's version,
        // and the roster's through append_events_if). Only an append verifies them, so a refusal
        // or a no-op is decided again on fresh state. Otherwise read them, as below.
        if expectedVersion == nil, !command.takesSlug, let article = handler.cached(ArticleDecider.self, stream: Self.articleStream(id)),
           let (context, rosterVersion) = cachedContext() {
            do {
                return try await handler.handle(ArticleDecider.self, command: command, stream: Self.articleStream(id), streamType: "article",
                                                commandID: commandID, context: context, loaded: article,
                                                requiring: rosterVersion, speculative: true)
            } catch let error as EventStoreError where error.code == .contextChanged {
                // The roster changed since, or the cached state refused the command or found
                // nothing to do (which only fresh state may decide): read both and decide again.
            }
        }
        // The roster and the article are read side by side: one round trip before the append.
        async let current = handler.load(ArticleDecider.self, stream: Self.articleStream(id))
        let (actor, roster) = try await currentActor()
        let loaded = try await current
        let context = ArticleContext(actor: actor, now: clock(), roster: roster)
        if case .changeSlug(let slug) = command {
            let article = loaded.0
            if article.slug != slug {
                // Check the rules before taking the slug, then take it, then record the change.
                _ = try ArticleDecider.decide(command, state: article, context: context)
                try await reserve(slug, for: id, commandID: commandID)
            }
        }
        // Taking a slug writes the slug's stream, not the article's: what was loaded still holds.
        do {
            return try await handler.handle(ArticleDecider.self, command: command, stream: Self.articleStream(id), streamType: "article",
                                            commandID: commandID, expectedVersion: expectedVersion, context: context, loaded: loaded)
        } catch let error as EventStoreError where error.code == .conflict && error.conflict?.streamID == Self.articleStream(id) {
            throw Self.articleConflict(error, article: loaded.0, id: id)
        }
    }

    /// A conflict on an article, told by the names a person knows it by (its headline and slug)
    /// rather than the log's stream id.
    static func articleConflict(_ error: EventStoreError, article: Article, id: ArticleID) -> EventStoreError {
        guard let conflict = error.conflict else { return error }
        let name = article.slug.map { "\"\(article.headline)\" (\($0))" } ?? "\"\(article.headline)\""
        return EventStoreError(.conflict, conflict.message(naming: name)
                               + " Look at `newsroom history \(article.slug ?? id.description)` and retry with --expect-version \(conflict.actualVersion).",
                               conflict: conflict)
    }

    /// The article as it stood at `asOf` (now when nil), folded from its events.
    public func article(_ id: ArticleID, asOf: Date? = nil) async throws -> (Article, version: Int) {
        let (article, version) = try await handler.load(ArticleDecider.self, stream: Self.articleStream(id), asOf: asOf)
        guard article.exists else { throw ArticleNotFound(reference: id.description, asOf: asOf) }
        return (article, version)
    }

    public struct HistoryEntry: Sendable {
        public var version: Int
        public var recordedAt: Date
        public var actor: String
        public var event: ArticleEvent
        public var commandID: UUID
    }

    public func history(_ id: ArticleID) async throws -> [HistoryEntry] {
        try await store.readStream(Self.articleStream(id)).map { record in
            HistoryEntry(version: record.streamVersion, recordedAt: record.recordedAt, actor: record.actor,
                         event: try ArticleEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload),
                         commandID: record.metadata.commandID)
        }
    }
}

public struct ArticleNotFound: Error, Sendable, CustomStringConvertible {
    public var reference: String
    public var asOf: Date?
    /// How to show `asOf`, when the caller knows the zone it was asked in.
    public var asOfText: String?
    public var description: String {
        if let asOf { return "Article \"\(reference)\" did not exist yet at \(asOfText ?? Instant.format(asOf)). Try a later --as-of, or `newsroom history \(reference)` to see when it was drafted." }
        return "No article is called \"\(reference)\" (by id, slug or former slug). List articles with `newsroom list`."
    }
}

extension UUID {
    /// A stable id derived from this one, for the sub-commands of one command (the slug
    /// reservation of a draft, the steps of an import), so resending the whole is idempotent.
    ///
    /// From a time-ordered (version 7) id it keeps that id's time, so that the sub-command's
    /// record lands beside its command's at the right edge of the commands index instead of on a
    /// random page of it; it is marked version 8 (RFC 9562's own layout), never taken for an id
    /// that was made. From any other id it is name-based as it always was, so a command recorded
    /// before time-ordered ids still finds its sub-commands when it is resent.
    public func derived(_ label: String) -> UUID {
        let name = "\(uuidString)|\(label)"
        let a = StableHash.fnv1a64(name), b = StableHash.fnv1a64(name, seed: 0x84222325cbf29ce4)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i))); bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i))) }
        if uuid.6 >> 4 == 7 {
            (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]) = (uuid.0, uuid.1, uuid.2, uuid.3, uuid.4, uuid.5)
            bytes[6] = (uuid.6 & 0x0f) | 0x80  // version 8: the source's time and sub-millisecond, then the name's hash
            bytes[7] = uuid.7
        } else {
            bytes[6] = (bytes[6] & 0x0f) | 0x50  // version 5 layout (name-based)
        }
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

private extension ArticleCommand {
    /// Taking a slug writes the slug's own stream first, which the one-round-trip path does not do.
    var takesSlug: Bool {
        if case .changeSlug = self { return true }
        return false
    }
}
