import Foundation

/// URL slugs: readable ASCII made from a headline ("Putin Siap Penuhi Undangan Kim Jong Un, Kenapa
/// AS Ketar-ketir?" becomes "putin-siap-penuhi-undangan-kim-jong-un-kenapa-as-ketar-ketir").
public enum Slug {
    public static func make(from headline: String, maxLength: Int = 80) -> String {
        // ASCII is already Latin without diacritics; the ICU transforms cost more than the rest.
        let folded = headline.utf8.allSatisfy({ $0 < 0x80 }) ? headline
            : headline.applyingTransform(.toLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false) ?? headline
        var slug = ""
        for scalar in folded.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty && !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.count > maxLength {
            slug = String(slug.prefix(maxLength))
            // Cut at a word boundary when there is one, so slugs do not end mid-word.
            if let cut = slug.lastIndex(of: "-"), slug.distance(from: slug.startIndex, to: cut) > maxLength / 2 {
                slug = String(slug[..<cut])
            }
            while slug.hasSuffix("-") { slug.removeLast() }
        }
        return slug.isEmpty ? "article" : slug
    }

    /// The n-th alternative when a slug is taken: slug, slug-2, slug-3, ...
    public static func candidate(_ base: String, attempt: Int) -> String {
        attempt <= 1 ? base : "\(base)-\(attempt)"
    }
}

/// Each slug is its own stream (`slug-<slug>`), so the log itself guarantees that two articles
/// never share one, and an old slug keeps pointing at its article after a rename.
public enum SlugDecider: Decider {
    public struct Reservation: Sendable, Equatable {
        public var articleID: ArticleID?
    }
    public enum Command: Sendable, Equatable, Encodable { case reserve(for: ArticleID) }
    public enum Event: Sendable, Equatable, Codable, DomainEvent {
        case reserved(articleID: ArticleID)

        public var typeName: String { "SlugReserved" }
        public static func schemaVersion(of typeName: String) -> Int { 1 }
        public func encodedPayload() throws -> String {
            guard case .reserved(let id) = self else { return "{}" }
            return "{\"articleID\":\"\(id)\"}"
        }
        public static func decode(typeName: String, schemaVersion: Int, payload: String) throws -> Event {
            struct Payload: Decodable { var articleID: ArticleID }
            return .reserved(articleID: try JSONDecoder().decode(Payload.self, from: Data(payload.utf8)).articleID)
        }
    }
    public typealias Context = String

    public static let initialState = Reservation(articleID: nil)

    public static func decide(_ command: Command, state: Reservation, context slug: String) throws(RuleViolation) -> [Event] {
        switch command {
        case .reserve(let id):
            try Validate.slug(slug)
            if state.articleID == id { return [] }
            if state.articleID != nil {
                throw RuleViolation(.alreadyExists, "The slug \"\(slug)\" belongs to another article. Choose another with --slug.")
            }
            return [.reserved(articleID: id)]
        }
    }

    public static func evolve(_ state: consuming Reservation, _ event: Event) -> Reservation {
        switch event {
        case .reserved(let id): Reservation(articleID: state.articleID ?? id)
        }
    }
}
