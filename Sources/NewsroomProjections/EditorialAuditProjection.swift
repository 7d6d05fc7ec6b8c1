import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// One row per event in human terms: when, who, which article, what action, what changed. Indexed
/// for questions by article, actor, action and period. Rows of publication record whether the
/// article had a reporter byline, for the "published without a reporter" report.
public struct EditorialAuditProjection: Projection {
    public let name = "audit"
    /// 2: a scheduled publication's or an embargo's time reads as the desk's clock in its zone
    /// ("2027-01-01 09:00 GMT+7 (Asia/Jakarta)"), not a UTC instant beside the zone's name.
    public let version = 2
    /// Shows no body (its states drop it).
    public let foldsOnlyLatestBodies = true
    public let publicTables = ["entries"]
    public init() {}

    /// Every action an entry can have: the articles' and those of the staff and token streams.
    public static let actions = ArticleEvent.actions + [staffAdded, staffRole, staffRemoved, tokenIssued, tokenRevoked]
    static let (staffAdded, staffRole, staffRemoved) = ("staff-added", "staff-role", "staff-removed")
    static let (tokenIssued, tokenRevoked) = ("token-issued", "token-revoked")

    /// nil for a known action; otherwise what to tell whoever asked for it (after "… is not an
    /// audit action."): the actions there are, and the one that starts with what was typed.
    public static func unknownAction(_ action: String) -> String? {
        guard !actions.contains(action) else { return nil }
        let meant = action.count >= 3 ? actions.first { $0.hasPrefix(action.lowercased()) } : nil
        return (meant.map { "Did you mean \($0)? " } ?? "") + "Actions: \(actions.joined(separator: ", "))."
    }

    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await ArticleStates(schema: schema).createTable(on: connection, logger: logger)
        for sql in [
            """
            CREATE TABLE \(schema).entries (
                position bigint PRIMARY KEY, recorded_at timestamptz NOT NULL, actor text NOT NULL, article_id uuid,
                headline text, stream_id text NOT NULL, stream_version integer NOT NULL, event_type text NOT NULL,
                action text NOT NULL, summary text NOT NULL, details jsonb NOT NULL, command_id uuid NOT NULL)
            """,
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    public func indexes(in schema: String) -> [String] {
        [
            "CREATE INDEX IF NOT EXISTS entries_article_id_recorded_at_idx ON \(schema).entries (article_id, recorded_at)",
            "CREATE INDEX IF NOT EXISTS entries_actor_recorded_at_idx ON \(schema).entries (actor, recorded_at)",
            "CREATE INDEX IF NOT EXISTS entries_action_recorded_at_idx ON \(schema).entries (action, recorded_at)",
            "CREATE INDEX IF NOT EXISTS entries_recorded_at_idx ON \(schema).entries (recorded_at)",
        ]
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        // Article rows need the article as it stood right after each event: fold the batch once.
        let (_, steps, states) = try await ArticleStates(schema: schema, bodies: .dropped).stepsLeavingWrite(events, keepingSteps: true, on: connection, logger: logger)
        // The steps follow the events' order: one cursor walks both.
        var nextStep = steps.startIndex
        var rows = Rows(copying: events.count >= Self.copyingFrom)
        // Each record's fields are read where they lie, by index: a copy of the record retained
        // and released all its strings, a cost per event of its own.
        func appendRow(_ index: Int) throws {
            var articleID: UUID?
            var headline: String?
            let action: String
            let summary: String
            var details = JSONWriter(capacity: 64)
            details.open("{")
            if nextStep < steps.endIndex, steps[nextStep].position == events[index].position {
                let step = steps[nextStep]
                nextStep += 1
                let event = step.event
                articleID = step.id.uuid
                headline = step.headline
                action = event.action
                summary = event.summary
                if case .edited(let fields) = event { details.field("fields", fields.changedFieldNames) }
                if case .corrected(let e) = event { details.field("fields", e.changes.changedFieldNames); details.field("note", e.note) }
                if case .published = event {
                    details.field("reporterByline", step.hasReporterByline)
                    details.key("wireSource")
                    if let source = step.wireSource { details.string(source) } else { details.literal("null") }
                }
                if case .publicationScheduled = event { details.field("reporterByline", step.hasReporterByline) }
            } else if events[index].streamID.rawValue == "staff" {
                let event = try StaffEvent.decode(typeName: events[index].type, schemaVersion: events[index].schemaVersion, payload: events[index].payload)
                switch event {
                case .memberAdded(let login, let name, let role): action = Self.staffAdded; summary = "added \(name) (\(login)) as \(role.rawValue)"
                case .roleChanged(let login, let role): action = Self.staffRole; summary = "made \(login) \(role.rawValue)"
                case .memberRemoved(let login): action = Self.staffRemoved; summary = "removed \(login) from the staff"
                }
            } else if events[index].streamID.rawValue == "access-tokens" {
                switch try AccessTokenEvent.decode(typeName: events[index].type, schemaVersion: events[index].schemaVersion, payload: events[index].payload) {
                case .issued(let id, let holder, let label, _):
                    action = Self.tokenIssued; summary = "issued audit token \(id.lowercasedText) to \(holder)"; details.field("label", label)
                case .revoked(let id):
                    action = Self.tokenRevoked; summary = "revoked audit token \(id.lowercasedText)"
                }
            } else {
                return
            }
            details.close("}")
            rows.append(events, at: index, articleID: articleID, headline: headline, action: action, summary: summary, details: details.text)
        }
        for index in events.indices { try appendRow(index) }
        // With no rows, or rows sent by COPY, the states go in a statement of their own.
        if rows.count == 0 || rows.copying {
            if !states.ids.isEmpty { try await connection.query("\(upserting: states)", logger: logger) }
            guard rows.count > 0 else { return }
            try await connection.copyBinary(rows.copy, into: schema, table: "entries", columns: Rows.columns, logger: logger)
            return
        }
        // One statement per batch, the folded states included. Arrays cannot hold NULL through the
        // driver, so nullable columns travel as text with a flag.
        try await connection.query("""
            WITH states AS (\(upserting: states))
            INSERT INTO \(unescaped: schema).entries (position, recorded_at, actor, article_id, headline, stream_id, stream_version, event_type, action, summary, details, command_id)
            SELECT position, recorded_at, actor, NULLIF(article_id, '')::uuid, CASE WHEN has_headline THEN headline END, stream_id, stream_version, event_type, action, summary, details::jsonb, command_id
            FROM unnest(\(rows.positions)::bigint[], \(rows.recordedAt)::timestamptz[], \(rows.actors)::text[], \(rows.articleIDs)::text[], \(rows.headlines)::text[],
                        \(rows.hasHeadline)::bool[], \(rows.streamIDs)::text[], \(rows.streamVersions)::int[], \(rows.eventTypes)::text[], \(rows.actions)::text[],
                        \(rows.summaries)::text[], \(rows.details)::text[], \(UUIDArray(rows.commandIDs))::uuid[])
                 AS r(position, recorded_at, actor, article_id, headline, has_headline, stream_id, stream_version, event_type, action, summary, details, command_id)
            """, logger: logger)
    }

    /// From how many events a batch's rows go in by binary `COPY` (a rebuild's batches, a
    /// catch-up after an import): a third statement and two round trips, repaid many times over
    /// by COPY's batched inserts, against PostgreSQL unpacking thirteen arrays and running one
    /// INSERT per row. A live batch of a few events keeps its single statement.
    static let copyingFrom = 256

    /// The batch's rows, column by column, or as binary COPY rows when `copying`.
    struct Rows {
        static let columns = ["position", "recorded_at", "actor", "article_id", "headline", "stream_id", "stream_version", "event_type", "action", "summary", "details", "command_id"]
        let copying: Bool
        private(set) var count = 0
        var copy = CopyBinaryRows(fieldsPerRow: 0, capacity: 0)
        var positions: [Int64] = [], recordedAt: [Date] = [], actors: [String] = [], articleIDs: [String] = [], headlines: [String] = []
        var hasHeadline: [Bool] = [], streamIDs: [String] = [], streamVersions: [Int] = [], eventTypes: [String] = [], actions: [String] = []
        var summaries: [String] = [], details: [String] = [], commandIDs: [UUID] = []

        init(copying: Bool) {
            self.copying = copying
            if copying { copy = CopyBinaryRows(fieldsPerRow: Self.columns.count) }
        }

        /// The row of `events[index]`, whose fields are read in place (see `apply`).
        mutating func append(_ events: [RecordedEvent], at index: Int, articleID: UUID?, headline: String?, action: String, summary: String, details json: String) {
            count += 1
            if copying {
                copy.startRow()
                copy.bigint(events[index].position)
                copy.timestamp(LogTimestamp(events[index].recordedAt))
                copy.text(events[index].actor)
                copy.uuid(articleID)
                copy.text(headline)
                copy.text(events[index].streamID.rawValue)
                copy.integer(Int32(clamping: events[index].streamVersion))
                copy.text(events[index].type)
                copy.text(action)
                copy.text(summary)
                copy.jsonb(json)
                copy.uuid(events[index].metadata.commandID)
                return
            }
            positions.append(events[index].position); recordedAt.append(events[index].recordedAt); actors.append(events[index].actor)
            articleIDs.append(articleID?.lowercasedText ?? ""); headlines.append(headline ?? ""); hasHeadline.append(headline != nil)
            streamIDs.append(events[index].streamID.rawValue); streamVersions.append(events[index].streamVersion); eventTypes.append(events[index].type)
            actions.append(action); summaries.append(summary); details.append(json); commandIDs.append(events[index].metadata.commandID)
        }
    }
}
