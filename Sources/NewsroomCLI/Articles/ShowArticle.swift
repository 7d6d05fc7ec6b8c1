import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomProjections

struct ShowArticle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an article as it is now, or as it stood at an earlier instant (from the log).")

    @Argument(help: "The article's id or slug (current or former).") var article: String
    @Option(help: ArgumentHelp("Show it as it stood at this time; a date alone is its start.", valueName: "time")) var asOf: String?
    @Option(help: ArgumentHelp("IANA time zone for --as-of and for display.", valueName: "zone")) var timezone = "Asia/Jakarta"
    @Option(help: "text, json (the article's state) or ninjs (the published document readers get).") var format: ShowFormat = .text
    @OptionGroup var connection: ConnectionOptions

    enum ShowFormat: String, ExpressibleByArgument, CaseIterable { case text, json, ninjs }

    func validate() throws {
        if format == .ninjs && asOf != nil { throw ValidationError("--format ninjs shows what readers get now; use `newsroom replay published --until ...` for the past.") }
        do { _ = try TimeInput.zone(timezone) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        try await guarded(json: connection.json) { try await show() }
    }

    func showNinjs() async throws {
        let reference = article
        let document = try await withReadModels(connection) { newsroom, models in
            let id = try await newsroom.resolve(reference)
            guard let json = try await models.ninjs(articleID: id.uuid) else {
                let (state, _) = try await newsroom.article(id)
                throw RuleViolation(.notFound, "\"\(state.headline)\" is \(state.status.rawValue)\(state.visibleFrom.map { $0 > Date() ? ", visible from \(Instant.format($0))" : "" } ?? ""): readers cannot see it, so it has no published ninjs document.")
            }
            return json
        }
        let object = try JSONSerialization.jsonObject(with: Data(document.utf8))
        printJSON(object)
    }

    func asOfInstant() throws -> Date? {
        do { return try asOf.map { try TimeInput.parse($0, zone: timezone, dateAlone: true).instant } } catch { throw ValidationError("\(error)") }
    }

    func show() async throws {
            if format == .ninjs { return try await showNinjs() }
            let instant = try asOfInstant()
            let reference = article
            let zone = timezone
            let (id, state, version) = try await withNewsroom(connection) { newsroom in
                let id = try await newsroom.resolve(reference)
                do {
                    let (state, version) = try await newsroom.article(id, asOf: instant)
                    return (id, state, version)
                } catch var missing as ArticleNotFound where missing.asOf != nil {
                    // Named as the person named it, at the time on their clock, not as a UTC instant.
                    missing.reference = reference
                    missing.asOfText = instant.map { ZonedInstant(instant: $0, timeZone: zone).shown }
                    throw missing
                }
            }
            if connection.json || format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                let encoded = try encoder.encode(state)
                var object = (try JSONSerialization.jsonObject(with: encoded) as? [String: Any]) ?? [:]
                object["id"] = id.description
                object["version"] = version
                object["effectiveStatus"] = state.effectiveStatus(at: instant ?? Date()).rawValue
                printJSON(object)
            } else {
                printText(ArticleText.render(state, id: id, version: version, zone: timezone, asOf: instant))
            }
    }
}

/// The article as text for a terminal.
enum ArticleText {
    static func render(_ a: Article, id: ArticleID, version: Int, zone: String, asOf: Date?) -> String {
        func time(_ date: Date?) -> String { date.map { ZonedInstant(instant: $0, timeZone: zone).shown } ?? "—" }
        var lines: [String] = []
        if let asOf { lines.append("(as of \(time(asOf)))") }
        lines.append(a.headline)
        lines.append(String(repeating: "=", count: min(max(a.headline.count, 10), 100)))
        lines.append("id         \(id)")
        lines.append("slug       \(a.slug ?? "—")" + (a.previousSlugs.isEmpty ? "" : " (formerly \(a.previousSlugs.joined(separator: ", ")))"))
        lines.append("status     \(a.effectiveStatus(at: asOf ?? Date()).rawValue), version \(version)")
        let reporters = a.reporters.map { "\($0.name) (\($0.role))" }.joined(separator: ", ")
        lines.append("byline     \(reporters.isEmpty ? "no reporter" : reporters)" + (a.wireSource.map { "; source \($0)" } ?? ""))
        lines.append("author     \(a.author ?? "—")    editor \(a.editor ?? "none assigned")")
        lines.append("dateline   \(a.dateline.isEmpty ? "—" : a.dateline)    language \(a.language)    section \(a.section.isEmpty ? "—" : a.section)")
        if !a.tags.isEmpty { lines.append("tags       \(a.tags.joined(separator: ", "))") }
        if let schedule = a.schedule { lines.append("scheduled  \(schedule.shown)") }
        if let embargo = a.embargoUntil { lines.append("embargo    until \(embargo.shown)") }
        if a.firstPublishedAt != nil { lines.append("published  \(time(a.firstPublishedAt)), updated \(time(a.lastUpdatedAt))") }
        if let reason = a.unpublishReason { lines.append("taken down \(reason)") }
        if let note = a.reviewNote, a.status == .changesRequested { lines.append("desk note  \(note)") }
        for image in a.images {
            lines.append("image \(image.mediaID)  \(image.url)")
            lines.append("    alt      \(image.altText)")
            lines.append("    caption  \(image.caption ?? "MISSING")")
            lines.append("    credit   \(image.credit ?? "MISSING")")
        }
        if !a.summary.isEmpty { lines.append("\n\(a.summary)") }
        lines.append("")
        lines.append(a.body.isEmpty ? "(no body yet)" : a.body)
        for correction in a.corrections {
            lines.append("\nCorrection (\(time(correction.at))): \(correction.note)")
        }
        if let pick = a.editorsPick { lines.append("\nEditor's pick: \(pick.title)") }
        if !a.related.isEmpty {
            lines.append("\nRelated:")
            for item in a.related { lines.append("  - \(item.title)") }
        }
        let missing = a.status.isPublic ? [] : ArticleDecider.missingForPublication(a)
        if !missing.isEmpty && a.status != .spiked && a.status != .unpublished {
            lines.append("\nBefore it can be published it needs: \(missing.joined(separator: "; ")).")
        }
        return lines.joined(separator: "\n")
    }
}
