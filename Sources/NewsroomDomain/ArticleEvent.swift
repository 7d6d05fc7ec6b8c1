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
        let encoder = JSONEncoder.domain
        let data: Data
        switch self {
        case .drafted(let p): data = try encoder.encode(p)
        case .edited(let p): data = try encoder.encode(p)
        case .bylineSet(let p): data = try encoder.encode(p)
        case .imageAttached(let p): data = try encoder.encode(p)
        case .captionAttached(let p): data = try encoder.encode(p)
        case .editorAssigned(let p): data = try encoder.encode(p)
        case .submitted, .approved: data = Data("{}".utf8)
        case .changesRequested(let p): data = try encoder.encode(p)
        case .publicationScheduled(let p): data = try encoder.encode(p)
        case .published(let p): data = try encoder.encode(p)
        case .corrected(let p): data = try encoder.encode(p)
        case .unpublished(let p), .spiked(let p): data = try encoder.encode(p)
        case .relatedLinked(let p), .editorsPickSet(let p): data = try encoder.encode(p)
        case .slugChanged(let p): data = try encoder.encode(p)
        }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(typeName: String, schemaVersion: Int, payload: String) throws -> ArticleEvent {
        let current = Self.schemaVersion(of: typeName)
        guard schemaVersion >= 1, schemaVersion <= current else {
            throw EventDecodingError(typeName: typeName, schemaVersion: schemaVersion,
                                     reason: "this build reads versions 1...\(current); upgrade newsroom")
        }
        let data = try upcast(typeName: typeName, from: schemaVersion, payload: Data(payload.utf8))
        let decoder = JSONDecoder.domain
        do {
            switch typeName {
            case "ArticleDrafted": return .drafted(try decoder.decode(Drafted.self, from: data))
            case "ArticleEdited": return .edited(try decoder.decode(ArticleFields.self, from: data))
            case "BylineSet": return .bylineSet(try decoder.decode(Byline.self, from: data))
            case "ImageAttached": return .imageAttached(try decoder.decode(ImageAttached.self, from: data))
            case "CaptionAttached": return .captionAttached(try decoder.decode(CaptionAttached.self, from: data))
            case "EditorAssigned": return .editorAssigned(try decoder.decode(EditorAssigned.self, from: data))
            case "SubmittedForReview": return .submitted
            case "ChangesRequested": return .changesRequested(try decoder.decode(Note.self, from: data))
            case "ArticleApproved": return .approved
            case "PublicationScheduled": return .publicationScheduled(try decoder.decode(Scheduled.self, from: data))
            case "ArticlePublished": return .published(try decoder.decode(Published.self, from: data))
            case "ArticleCorrected": return .corrected(try decoder.decode(Corrected.self, from: data))
            case "ArticleUnpublished": return .unpublished(try decoder.decode(Reason.self, from: data))
            case "ArticleSpiked": return .spiked(try decoder.decode(Reason.self, from: data))
            case "RelatedArticleLinked": return .relatedLinked(try decoder.decode(ArticleReference.self, from: data))
            case "EditorsPickSet": return .editorsPickSet(try decoder.decode(ArticleReference.self, from: data))
            case "SlugChanged": return .slugChanged(try decoder.decode(SlugChange.self, from: data))
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
    static func upcast(typeName: String, from version: Int, payload: Data) throws -> Data {
        guard typeName == "ImageAttached", version == 1 else { return payload }
        guard var object = try JSONSerialization.jsonObject(with: payload) as? [String: Any] else {
            throw EventDecodingError(typeName: typeName, schemaVersion: version, reason: "payload is not a JSON object")
        }
        object["altText"] = object.removeValue(forKey: "alt") ?? ""
        return try JSONSerialization.data(withJSONObject: object)
    }
}
