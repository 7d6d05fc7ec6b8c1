import Foundation
import Hummingbird
import Logging
import NewsroomDomain
import NewsroomProjections

/// GET /audit: the editorial audit trail for editors and chiefs, behind a bearer token issued with
/// `newsroom token create`. Off (404) while no valid token exists, so a fresh install exposes
/// nothing. The token is checked before any parameter, so strangers learn nothing about them.
extension ReadAPI {
    static let maximumAuditPage = 1000

    func audit(_ request: Request, logger: Logger) async throws -> Response {
        let secret = Self.bearerToken(request.headers[.authorization])
        let holder: String
        switch try await readModels.auditAccess(presenting: secret) {
        case .off:
            throw APIError(.notFound, "The audit endpoint is off: no audit token exists. An editor or chief can create one with `newsroom token create`.")
        case .refused:
            throw APIError(.unauthorized, secret == nil
                ? "The audit trail needs an editor's or chief's token: send `Authorization: Bearer TOKEN` (create one with `newsroom token create`)."
                : "This token is not valid: it was revoked, never issued, or its holder is no longer an editor or chief. Ask a chief for a new one.",
                headers: [.wwwAuthenticate: "Bearer realm=\"newsroom audit\""])
        case .granted(let login, _):
            holder = login
        }

        let query = request.uri.queryParameters
        var filter = ReadModels.AuditFilter(limit: 100)
        if let text = query["article"].map(String.init) {
            filter.articleID = try await auditArticle(text)
        }
        if let actor = query["actor"].map(String.init) {
            guard (try? StaffDecider.validateLogin(actor)) != nil else { throw APIError(.badRequest, "actor must be a staff login such as yudono_yanuar, not \"\(actor.prefix(80))\".") }
            filter.actor = actor
        }
        if let action = query["action"].map(String.init) {
            if let known = EditorialAuditProjection.unknownAction(action) {
                throw APIError(.badRequest, "action \"\(action.prefix(80))\" is not an audit action. \(known)")
            }
            filter.action = action
        }
        filter.since = try query["since"].map { try Self.auditTime(String($0), name: "since") }
        filter.until = try query["until"].map { try Self.auditTime(String($0), name: "until") }
        if let since = filter.since, let until = filter.until, since > until {
            throw APIError(.badRequest, "since (\(Instant.format(since))) is after until (\(Instant.format(until))); swap them.")
        }
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maximumAuditPage).contains(value) else {
                throw APIError(.badRequest, "limit must be a whole number from 1 to \(Self.maximumAuditPage), not \"\(text.prefix(40))\".")
            }
            filter.limit = value
        }
        if let text = query["after"] {
            guard let position = Int64(text), position >= 0 else {
                throw APIError(.badRequest, "after must be the `next` value of a previous page (a log position), not \"\(text.prefix(40))\".")
            }
            filter.after = position
        }

        let entries = try await readModels.audit(filter)
        logger.info("audit read", metadata: ["audit.holder": "\(holder)", "audit.entries": "\(entries.count)"])
        var items: [Any] = []
        for entry in entries {
            items.append([
                "position": entry.position, "recordedAt": Instant.format(entry.recordedAt), "actor": entry.actor,
                "articleId": entry.articleID.map { $0.uuidString.lowercased() as Any } ?? NSNull(), "headline": entry.headline.map { $0 as Any } ?? NSNull(),
                "action": entry.action, "summary": entry.summary,
                "details": (try? JSONSerialization.jsonObject(with: Data(entry.details.utf8))) ?? [:],
            ] as [String: Any])
        }
        var body: [String: Any] = ["items": items]
        if entries.count == filter.limit, let last = entries.last { body["next"] = String(last.position) }
        var response = Self.json(body, status: .ok)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// An article by id, or by any slug it was ever published under.
    func auditArticle(_ text: String) async throws -> UUID {
        if let id = UUID(uuidString: text) { return id }
        guard (try? Validate.slug(text)) != nil else {
            throw APIError(.badRequest, "article must be an article id (UUID) or a slug, not \"\(text.prefix(80))\".")
        }
        guard let id = try await readModels.articleID(slug: text) else {
            throw APIError(.notFound, "No published article has ever had the slug \"\(text)\"; use the article id (`newsroom show` prints it).")
        }
        return id
    }

    static func auditTime(_ text: String, name: String) throws -> Date {
        if let instant = Instant.parse(text) { return instant }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        if text.count == 10, let day = formatter.date(from: text), Instant.isRepresentable(day) { return day }
        throw APIError(.badRequest, "\(name) must be an ISO 8601 instant such as 2026-11-28T09:00:00+07:00, or a UTC date such as 2026-11-28, in the years \(Instant.representableYears), not \"\(text.prefix(60))\".")
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
