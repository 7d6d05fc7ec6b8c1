import Foundation

public struct ArticleID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID
    public init(_ uuid: UUID = UUID.timeOrdered()) { self.uuid = uuid }
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }
    public var description: String { uuid.lowercasedText }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let uuid = UUID(hexText: Substring(try container.decode(String.self))) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "an article id must be a UUID")
        }
        self.uuid = uuid
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A reporter on the byline, with what they did ("reporter", "photographer", "contributor").
public struct BylineEntry: Hashable, Sendable, Codable {
    public var name: String
    public var role: String
    public init(name: String, role: String = "reporter") {
        self.name = name
        self.role = role
    }
}

public struct Image: Hashable, Sendable, Codable {
    public var mediaID: String
    public var url: String
    public var altText: String
    public var caption: String?
    public var credit: String?

    public var isCaptioned: Bool {
        !(caption ?? "").trimmed.isEmpty && !(credit ?? "").trimmed.isEmpty
    }
}

/// Another article this one points at: one of ours (with its id) or an outside page.
public struct ArticleReference: Hashable, Sendable, Codable {
    public var articleID: ArticleID?
    public var title: String
    public var url: String?
    public init(articleID: ArticleID? = nil, title: String, url: String? = nil) {
        self.articleID = articleID
        self.title = title
        self.url = url
    }
}

/// An instant with the IANA time zone it was given in, so "09:00 Asia/Jakarta" stays readable.
public struct ZonedInstant: Hashable, Sendable, Codable {
    public var instant: Date
    public var timeZone: String
    public init(instant: Date, timeZone: String) {
        self.instant = instant
        self.timeZone = timeZone
    }

    /// As a clock in its zone showed it: "2027-01-01 09:00 GMT+7 (Asia/Jakarta)". Arithmetic, not
    /// a DateFormatter: a rebuild's audit summaries call it once per scheduled publication.
    public var shown: String {
        let offset = TimeZone(identifier: timeZone)?.secondsFromGMT(for: instant) ?? 0
        let local = Instant.format(instant.addingTimeInterval(TimeInterval(offset)))
        let (hours, minutes) = (abs(offset) / 3600, abs(offset) / 60 % 60)
        let gmt = offset == 0 ? "GMT" : "GMT\(offset < 0 ? "-" : "+")\(hours)" + (minutes == 0 ? "" : ":" + Instant.pad(minutes, 2))
        return "\(local.prefix(10)) \(local.dropFirst(11).prefix(5)) \(gmt) (\(timeZone))"
    }
}

/// The editable text fields. nil means "leave as it is".
public struct ArticleFields: Hashable, Sendable, Codable {
    public var headline: String?
    public var body: String?
    public var summary: String?
    public var dateline: String?
    public var section: String?
    public var language: String?
    public var tags: [String]?

    public init(headline: String? = nil, body: String? = nil, summary: String? = nil, dateline: String? = nil,
                section: String? = nil, language: String? = nil, tags: [String]? = nil) {
        self.headline = headline
        self.body = body
        self.summary = summary
        self.dateline = dateline
        self.section = section
        self.language = language
        self.tags = tags
    }

    public var isEmpty: Bool { self == ArticleFields() }
    public var touchesHeadlineOrBody: Bool { headline != nil || body != nil }

    /// Names of the fields this change sets, for messages and the audit trail.
    public var changedFieldNames: [String] {
        var names: [String] = []
        if headline != nil { names.append("headline") }
        if body != nil { names.append("body") }
        if summary != nil { names.append("summary") }
        if dateline != nil { names.append("dateline") }
        if section != nil { names.append("section") }
        if language != nil { names.append("language") }
        if tags != nil { names.append("tags") }
        return names
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
