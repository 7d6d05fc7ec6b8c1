import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomProjections

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Who did what, when: the editorial audit trail and its reports.",
        subcommands: [AuditQuery.self, AuditReport.self],
        defaultSubcommand: AuditQuery.self)
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("From this time on; a date alone is its start.", valueName: "time")) var since: String?
    @Option(help: ArgumentHelp("Up to this time; a date alone is its start, so --since 2026-11-28 --until 2026-11-29 is that day.", valueName: "time")) var until: String?
    @Option(help: ArgumentHelp("IANA time zone for the times.", valueName: "zone")) var timezone = "Asia/Jakarta"

    func validate() throws {
        do { _ = try TimeInput.zone(timezone) } catch { throw ValidationError("\(error)") }
    }

    /// Instants as the desk's clock showed them, to the second: 2026-11-28 09:00:05.
    func wallClock() -> (Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timezone) ?? .gmt
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return { formatter.string(from: $0) }
    }

    func period() throws -> (Date?, Date?) {
        let bounds: (Date?, Date?)
        do {
            bounds = (try since.map { try TimeInput.parse($0, zone: timezone, dateAlone: true).instant }, try until.map { try TimeInput.parse($0, zone: timezone, dateAlone: true).instant })
        } catch {
            throw ValidationError("\(error)")
        }
        if let from = bounds.0, let to = bounds.1, from > to {
            throw ValidationError("--since \(since ?? "") is after --until \(until ?? ""), so no entry could match. Swap them?")
        }
        return bounds
    }
}

struct AuditQuery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "List audit entries (the default): filter by article, actor, action and period.")

    @Option(help: "An article id or slug.") var article: String?
    @Option(help: "A login.") var actor: String?
    @Option(help: ArgumentHelp("An action: \(EditorialAuditProjection.actions.joined(separator: ", ")).", valueName: "action")) var action: String?
    @OptionGroup var period: PeriodOptions
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @Option(help: "Show the latest this many matching entries (1 or more), oldest first.") var limit = 1000
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        // 0 answered "no audit entries match", as if the trail were empty.
        guard limit >= 1 else { throw ValidationError("--limit must be 1 or more, not \(limit); leave it out for the latest 1000 matching entries.") }
        // A typo ("publish") matched nothing and read as "nobody did that".
        if let action, let known = EditorialAuditProjection.unknownAction(action) {
            throw ValidationError("--action \(action) is not an audit action. \(known)")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json || format == .json) {
            let (since, until) = try period.period()
            let (article, actor, action, limit) = (self.article, self.actor, self.action, self.limit)
            // One entry more than asked for says whether older ones were left out.
            var (entries, roster) = try await withReadModels(connection) { newsroom, models in
                var id: UUID?
                if let article { id = try await newsroom.resolve(article).uuid }
                return (try await models.audit(.init(articleID: id, actor: actor, action: action, since: since, until: until, limit: limit + 1, latest: true)),
                        actor == nil ? nil : try await newsroom.roster())
            }
            if entries.isEmpty, let actor, let roster, roster.role(of: actor) == nil {
                // A mistyped login matches nothing too; say so rather than let it read as "did nothing".
                StandardOutput.error(Data("newsroom: note: \(actor) is not on the staff now (`newsroom staff list` shows who is).\n".utf8))
            }
            if entries.count > limit {
                entries.removeFirst(entries.count - limit)
                StandardOutput.error(Data("newsroom: note: these are the latest \(limit) matching entries; older ones were left out. Narrow with --since/--until, or raise --limit.\n".utf8))
            }
            let header = ["time", "actor", "action", "article", "headline", "what"]
            let rows = entries.map { [Instant.format($0.recordedAt), $0.actor, $0.action, $0.articleID?.uuidString.lowercased() ?? "", $0.headline ?? "", $0.summary] }
            switch connection.json ? .json : format {
            case .json: printJSON(rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
            case .csv: printText(csv(header, rows))
            case .table:
                // A person reads the table in the desk's zone, like `history`; JSON and CSV keep UTC instants.
                let clock = period.wallClock()
                let local = entries.map { clock($0.recordedAt) }
                printText(rows.isEmpty ? "no audit entries match" : table(["time (\(period.timezone))"] + header[1...].filter { $0 != "article" },
                                                                          zip(local, rows).map { [$0, $1[1], $1[2], $1[4], $1[5]] }, maxWidth: 50))
            }
        }
    }
}

struct AuditReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Ready-made reports: time-to-publish, corrections, no-byline.")

    @Argument(help: "time-to-publish | corrections | no-byline") var name: String
    @OptionGroup var period: PeriodOptions
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard ["time-to-publish", "corrections", "no-byline"].contains(name) else {
            throw ValidationError("There is no report \"\(name)\". Reports: time-to-publish, corrections, no-byline.")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json || format == .json) {
            let (since, until) = try period.period()
            let name = self.name
            let (header, values) = try await withReadModels(connection) { _, models in try await models.report(name, since: since, until: until) }
            // As in `audit`: the table in the desk's zone, JSON and CSV in UTC instants.
            let clock = period.wallClock()
            let utc = values.map { $0.map { $0.shown(Instant.format) } }
            switch connection.json ? .json : format {
            case .json: printJSON(utc.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
            case .csv: printText(csv(header, utc))
            case .table:
                let zoned = header.indices.map { values.first?[$0].isInstant == true ? "\(header[$0]) (\(period.timezone))" : header[$0] }
                printText(values.isEmpty ? "nothing to report" : table(zoned, values.map { $0.map { $0.shown(clock) } }))
            }
        }
    }
}

extension ReadModels.ReportValue {
    func shown(_ instant: (Date) -> String) -> String {
        switch self {
        case .text(let text): text
        case .instant(let at): instant(at)
        }
    }

    var isInstant: Bool { if case .instant = self { true } else { false } }
}
