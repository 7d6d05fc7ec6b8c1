import Foundation

public enum ArticleStatus: String, Codable, Sendable, CaseIterable {
    case draft, submitted, changesRequested = "changes-requested", approved, scheduled, published, corrected,
         unpublished, spiked

    /// Out on the site (or due to be, for a scheduled article whose time has come).
    public var isPublic: Bool { self == .published || self == .corrected }
}

public struct Correction: Hashable, Sendable, Codable {
    public var note: String
    public var at: Date
    public var fields: [String]
}

/// Everything `decide` needs to know about one article, folded from its events.
public struct Article: Sendable, Equatable, Codable {
    public var exists = false
    public var id: ArticleID?
    public var status: ArticleStatus = .draft
    public var author: String?
    public var slug: String?
    public var previousSlugs: [String] = []
    public var headline = ""
    public var body = ""
    public var summary = ""
    public var dateline = ""
    public var section = ""
    public var language = "id"
    public var tags: [String] = []
    public var reporters: [BylineEntry] = []
    public var wireSource: String?
    public var images: [Image] = []
    public var editor: String?
    public var reviewNote: String?
    public var schedule: ZonedInstant?
    public var embargoUntil: ZonedInstant?
    public var firstPublishedAt: Date?
    public var lastUpdatedAt: Date?
    public var corrections: [Correction] = []
    public var related: [ArticleReference] = []
    public var editorsPick: ArticleReference?
    public var unpublishReason: String?

    public init() {}

    /// Scheduled articles go out by themselves when their time comes; nobody has to append anything.
    public func effectiveStatus(at now: Date) -> ArticleStatus {
        if status == .scheduled, let schedule, schedule.instant <= now { return .published }
        return status
    }

    /// When a reader may first see it: the later of the schedule and the embargo.
    public var visibleFrom: Date? {
        guard firstPublishedAt != nil || schedule != nil else { return nil }
        return [firstPublishedAt, schedule?.instant, embargoUntil?.instant].compactMap { $0 }.max()
    }

    mutating func apply(_ fields: ArticleFields) {
        if let v = fields.headline { headline = v }
        if let v = fields.body { body = v }
        if let v = fields.summary { summary = v }
        if let v = fields.dateline { dateline = v }
        if let v = fields.section { section = v }
        if let v = fields.language { language = v }
        if let v = fields.tags { tags = v }
    }
}

extension ArticleDecider {
    public static func evolve(_ state: consuming Article, _ event: ArticleEvent) -> Article {
        var article = state
        switch event {
        case .drafted(let e):
            article.exists = true
            article.id = e.articleID
            article.author = e.author
            article.slug = e.slug
            article.status = .draft
            article.apply(e.fields)
        case .edited(let fields):
            article.apply(fields)
        case .bylineSet(let e):
            article.reporters = e.reporters
            article.wireSource = e.wireSource
        case .imageAttached(let e):
            article.images.append(Image(mediaID: e.mediaID, url: e.url, altText: e.altText))
        case .captionAttached(let e):
            if let index = article.images.firstIndex(where: { $0.mediaID == e.mediaID }) {
                article.images[index].caption = e.caption
                article.images[index].credit = e.credit
            }
        case .editorAssigned(let e):
            article.editor = e.editor
        case .submitted:
            article.status = .submitted
            article.reviewNote = nil
        case .changesRequested(let e):
            article.status = .changesRequested
            article.reviewNote = e.note
        case .approved:
            article.status = .approved
        case .publicationScheduled(let e):
            article.status = .scheduled
            article.schedule = e.at
            article.embargoUntil = e.embargoUntil
        case .published(let e):
            article.status = .published
            article.embargoUntil = e.embargoUntil
            article.firstPublishedAt = article.firstPublishedAt ?? e.at
            article.lastUpdatedAt = e.at
        case .corrected(let e):
            article.apply(e.changes)
            article.status = .corrected
            if article.firstPublishedAt == nil { article.firstPublishedAt = article.schedule?.instant }
            article.corrections.append(Correction(note: e.note, at: e.at, fields: e.changes.changedFieldNames))
            article.lastUpdatedAt = e.at
        case .unpublished(let e):
            article.status = .unpublished
            article.unpublishReason = e.reason
        case .spiked(let e):
            article.status = .spiked
            article.unpublishReason = e.reason
        case .relatedLinked(let reference):
            if !article.related.contains(reference) { article.related.append(reference) }
        case .editorsPickSet(let reference):
            article.editorsPick = reference
        case .slugChanged(let e):
            article.previousSlugs.append(e.from)
            article.slug = e.to
        }
        return article
    }
}
