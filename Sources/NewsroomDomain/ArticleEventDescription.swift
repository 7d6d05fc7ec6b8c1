import Foundation

extension ArticleEvent {
    /// A short verb for audit queries: "drafted", "edited", "published", ...
    public var action: String {
        switch self {
        case .drafted: "drafted"
        case .edited: "edited"
        case .bylineSet: "byline"
        case .imageAttached: "image"
        case .captionAttached: "caption"
        case .editorAssigned: "assign-editor"
        case .submitted: "submitted"
        case .changesRequested: "changes-requested"
        case .approved: "approved"
        case .publicationScheduled: "scheduled"
        case .published: "published"
        case .corrected: "corrected"
        case .unpublished: "unpublished"
        case .spiked: "spiked"
        case .relatedLinked: "related"
        case .editorsPickSet: "editors-pick"
        case .slugChanged: "slug"
        }
    }

    /// Every `action`, in the lifecycle's order: a filter on anything else would match nothing.
    public static let actions = ["drafted", "edited", "byline", "image", "caption", "assign-editor", "submitted", "changes-requested",
                                 "approved", "scheduled", "published", "corrected", "unpublished", "spiked", "related", "editors-pick", "slug"]

    /// What happened, in words an editor reads in a history or an audit trail.
    public var summary: String {
        switch self {
        case .drafted(let e):
            return "drafted \"\(e.fields.headline ?? "")\" as \(e.slug)"
        case .edited(let fields):
            return "edited \(fields.changedFieldNames.joined(separator: ", "))" + (fields.headline.map { ": headline now \"\($0)\"" } ?? "")
        case .bylineSet(let e):
            var parts = e.reporters.map { "\($0.name) (\($0.role))" }
            if let source = e.wireSource { parts.append("source \(source)") }
            return "set byline: \(parts.joined(separator: ", "))"
        case .imageAttached(let e):
            return "attached image \(e.mediaID): \(e.url) (alt: \"\(e.altText.prefix(60))\")"
        case .captionAttached(let e):
            return "captioned image \(e.mediaID), credit \"\(e.credit)\""
        case .editorAssigned(let e):
            return "assigned editor \(e.editor)"
        case .submitted:
            return "submitted for review"
        case .changesRequested(let e):
            return "requested changes: \(e.note)"
        case .approved:
            return "approved"
        case .publicationScheduled(let e):
            return "scheduled publication for \(e.at.shown)" + (e.embargoUntil.map { ", embargoed until \($0.shown)" } ?? "")
        case .published(let e):
            return "published" + (e.embargoUntil.map { " under embargo until \($0.shown)" } ?? "")
        case .corrected(let e):
            let fields = e.changes.changedFieldNames
            return "corrected\(fields.isEmpty ? "" : " " + fields.joined(separator: ", ")): \(e.note)"
        case .unpublished(let e):
            return "unpublished: \(e.reason)"
        case .spiked(let e):
            return "spiked: \(e.reason)"
        case .relatedLinked(let reference):
            return "linked related article \"\(reference.title)\""
        case .editorsPickSet(let reference):
            return "set editor's pick \"\(reference.title)\""
        case .slugChanged(let e):
            return "changed slug \(e.from) → \(e.to)"
        }
    }
}

