import Foundation

/// Facts about one article. Type names are part of the log's contract: never rename a case's
/// `typeName`; add a schema version and an upcaster instead.
public enum ArticleEvent: Sendable, Equatable {
    case drafted(Drafted)
    case edited(ArticleFields)
    case bylineSet(Byline)
    case imageAttached(ImageAttached)
    case captionAttached(CaptionAttached)
    case editorAssigned(EditorAssigned)
    case submitted
    case changesRequested(Note)
    case approved
    case publicationScheduled(Scheduled)
    case published(Published)
    case corrected(Corrected)
    case unpublished(Reason)
    case spiked(Reason)
    case relatedLinked(ArticleReference)
    case editorsPickSet(ArticleReference)
    case slugChanged(SlugChange)

    public struct Drafted: Codable, Sendable, Equatable {
        public var articleID: ArticleID
        public var author: String
        public var slug: String
        public var fields: ArticleFields
    }
    public struct Byline: Codable, Sendable, Equatable {
        public var reporters: [BylineEntry]
        public var wireSource: String?
    }
    public struct ImageAttached: Codable, Sendable, Equatable {
        public var mediaID: String
        public var url: String
        public var altText: String
    }
    public struct CaptionAttached: Codable, Sendable, Equatable {
        public var mediaID: String
        public var caption: String
        public var credit: String
    }
    public struct EditorAssigned: Codable, Sendable, Equatable { public var editor: String }
    public struct Note: Codable, Sendable, Equatable { public var note: String }
    public struct Reason: Codable, Sendable, Equatable { public var reason: String }
    public struct Scheduled: Codable, Sendable, Equatable {
        public var at: ZonedInstant
        public var embargoUntil: ZonedInstant?
    }
    public struct Published: Codable, Sendable, Equatable {
        public var at: Date
        public var embargoUntil: ZonedInstant?
    }
    public struct Corrected: Codable, Sendable, Equatable {
        public var note: String
        public var changes: ArticleFields
        public var at: Date
    }
    public struct SlugChange: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
    }
}

extension ArticleEvent: DomainEvent {
    public var typeName: String {
        switch self {
        case .drafted: "ArticleDrafted"
        case .edited: "ArticleEdited"
        case .bylineSet: "BylineSet"
        case .imageAttached: "ImageAttached"
        case .captionAttached: "CaptionAttached"
        case .editorAssigned: "EditorAssigned"
        case .submitted: "SubmittedForReview"
        case .changesRequested: "ChangesRequested"
        case .approved: "ArticleApproved"
        case .publicationScheduled: "PublicationScheduled"
        case .published: "ArticlePublished"
        case .corrected: "ArticleCorrected"
        case .unpublished: "ArticleUnpublished"
        case .spiked: "ArticleSpiked"
        case .relatedLinked: "RelatedArticleLinked"
        case .editorsPickSet: "EditorsPickSet"
        case .slugChanged: "SlugChanged"
        }
    }

    /// ImageAttached v1 called the alt text `alt`; v2 calls it `altText` (see `upcast`).
    public static func schemaVersion(of typeName: String) -> Int {
        typeName == "ImageAttached" ? 2 : 1
    }

    public func encodedPayload() throws -> String {
        switch self {
        case .drafted(let p): try PayloadJSON.encode(p)
        case .edited(let p): try PayloadJSON.encode(p)
        case .bylineSet(let p): try PayloadJSON.encode(p)
        case .imageAttached(let p): try PayloadJSON.encode(p)
        case .captionAttached(let p): try PayloadJSON.encode(p)
        case .editorAssigned(let p): try PayloadJSON.encode(p)
        case .submitted, .approved: "{}"
        case .changesRequested(let p): try PayloadJSON.encode(p)
        case .publicationScheduled(let p): try PayloadJSON.encode(p)
        case .published(let p): try PayloadJSON.encode(p)
        case .corrected(let p): try PayloadJSON.encode(p)
        case .unpublished(let p), .spiked(let p): try PayloadJSON.encode(p)
        case .relatedLinked(let p), .editorsPickSet(let p): try PayloadJSON.encode(p)
        case .slugChanged(let p): try PayloadJSON.encode(p)
        }
    }

    public static func decode(typeName: String, schemaVersion: Int, payload: String) throws -> ArticleEvent {
        try decode(typeName: typeName, schemaVersion: schemaVersion, payload: payload, using: JSONDecoder.domain)
    }

    /// The same, reading the payload's JSON with `decoder`: a reader of the whole log passes a
    /// faster one than `JSONDecoder`. The payload types and their Codable keys stay the contract.
    public static func decode(typeName: String, schemaVersion: Int, payload: String, using decoder: some PayloadDecoder) throws -> ArticleEvent {
        let current = Self.schemaVersion(of: typeName)
        guard schemaVersion >= 1, schemaVersion <= current else {
            throw EventDecodingError(typeName: typeName, schemaVersion: schemaVersion,
                                     reason: "this build reads versions 1...\(current); upgrade newsroom")
        }
        let json = try upcast(typeName: typeName, from: schemaVersion, payload: payload)
        do {
            switch typeName {
            case "ArticleDrafted": return .drafted(try decoder.decode(Drafted.self, from: json))
            case "ArticleEdited": return .edited(try decoder.decode(ArticleFields.self, from: json))
            case "BylineSet": return .bylineSet(try decoder.decode(Byline.self, from: json))
            case "ImageAttached": return .imageAttached(try decoder.decode(ImageAttached.self, from: json))
            case "CaptionAttached": return .captionAttached(try decoder.decode(CaptionAttached.self, from: json))
            case "EditorAssigned": return .editorAssigned(try decoder.decode(EditorAssigned.self, from: json))
            case "SubmittedForReview": return .submitted
            case "ChangesRequested": return .changesRequested(try decoder.decode(Note.self, from: json))
            case "ArticleApproved": return .approved
            case "PublicationScheduled": return .publicationScheduled(try decoder.decode(Scheduled.self, from: json))
            case "ArticlePublished": return .published(try decoder.decode(Published.self, from: json))
            case "ArticleCorrected": return .corrected(try decoder.decode(Corrected.self, from: json))
            case "ArticleUnpublished": return .unpublished(try decoder.decode(Reason.self, from: json))
            case "ArticleSpiked": return .spiked(try decoder.decode(Reason.self, from: json))
            case "RelatedArticleLinked": return .relatedLinked(try decoder.decode(ArticleReference.self, from: json))
            case "EditorsPickSet": return .editorsPickSet(try decoder.decode(ArticleReference.self, from: json))
            case "SlugChanged": return .slugChanged(try decoder.decode(SlugChange.self, from: json))
            default:
                throw EventDecodingError(typeName: typeName, schemaVersion: schemaVersion, reason: "unknown article event type")
            }
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError(typeName: typeName, schemaVersion: schemaVersion, reason: "\(error)")
        }
    }

    /// Brings an old payload up to the current schema, one version step at a time.
    static func upcast(typeName: String, from version: Int, payload: String) throws -> String {
        guard typeName == "ImageAttached", version == 1 else { return payload }
        guard var object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
            throw EventDecodingError(typeName: typeName, schemaVersion: version, reason: "payload is not a JSON object")
        }
        object["altText"] = object.removeValue(forKey: "alt") ?? ""
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}

/// Reads an event payload's JSON text into one of the domain's Codable payload types. Dates are
/// ISO 8601 instants (`Instant`), as `JSONDecoder.domain` reads them.
public protocol PayloadDecoder {
    func decode<T: Decodable>(_ type: T.Type, from payload: String) throws -> T
}

extension JSONDecoder: PayloadDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from payload: String) throws -> T {
        try decode(type, from: Data(payload.utf8))
    }
}
