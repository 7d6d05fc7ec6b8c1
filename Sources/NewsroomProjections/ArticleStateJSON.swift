import Foundation
import NewsroomDomain
import NewsroomEventStore

/// The stored text of a folded article state: the JSON `JSONEncoder.projection` writes for
/// `Article` (same keys, nil optionals left out, dates as seconds since 1970), written field by
/// field. Every state a batch touches is written, and `JSONEncoder` was a tenth of a rebuild's
/// client time. `JSONDecoder.projection` reads it back; a test holds the two to the same
/// document for every field of `Article`.
enum ArticleStateJSON {
    static func encode(_ article: Article) -> String {
        var writer = JSONWriter(capacity: article.body.utf8.count + 1024)
        var finite = true
        writer.write(article, finite: &finite)
        guard finite else {
            // A date JSON cannot hold: let JSONEncoder refuse it as it always did.
            return (try? JSONEncoder.projection.encode(article)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return writer.text
    }
}

private extension JSONWriter {
    mutating func write(_ a: Article, finite: inout Bool) {
        open("{")
        field("author", a.author)
        field("body", a.body)
        key("corrections")
        open("[")
        for correction in a.corrections {
            open("{")
            field("at", seconds: correction.at, finite: &finite)
            field("fields", correction.fields)
            field("note", correction.note)
            close("}")
        }
        close("]")
        field("dateline", a.dateline)
        field("editor", a.editor)
        if let pick = a.editorsPick { key("editorsPick"); reference(pick) }
        if let embargo = a.embargoUntil { key("embargoUntil"); zoned(embargo, finite: &finite) }
        field("exists", a.exists)
        field("firstPublishedAt", seconds: a.firstPublishedAt, finite: &finite)
        field("headline", a.headline)
        field("id", a.id?.description)
        key("images")
        open("[")
        for image in a.images {
            open("{")
            field("altText", image.altText)
            field("caption", image.caption)
            field("credit", image.credit)
            field("mediaID", image.mediaID)
            field("url", image.url)
            close("}")
        }
        close("]")
        field("language", a.language)
        field("lastUpdatedAt", seconds: a.lastUpdatedAt, finite: &finite)
        field("previousSlugs", a.previousSlugs)
        key("related")
        open("[")
        for related in a.related { reference(related) }
        close("]")
        field("reporters", a.reporters)
        field("reviewNote", a.reviewNote)
        if let schedule = a.schedule { key("schedule"); zoned(schedule, finite: &finite) }
        field("section", a.section)
        field("slug", a.slug)
        field("status", a.status.rawValue)
        field("summary", a.summary)
        field("tags", a.tags)
        field("unpublishReason", a.unpublishReason)
        field("wireSource", a.wireSource)
        close("}")
    }

    mutating func reference(_ r: ArticleReference) {
        open("{")
        field("articleID", r.articleID?.description)
        field("title", r.title)
        field("url", r.url)
        close("}")
    }

    mutating func zoned(_ z: ZonedInstant, finite: inout Bool) {
        open("{")
        field("instant", seconds: z.instant, finite: &finite)
        field("timeZone", z.timeZone)
        close("}")
    }

    /// A date as `.secondsSince1970` writes it; nil leaves the member out.
    mutating func field(_ name: StaticString, seconds date: Date?, finite: inout Bool) {
        guard let date else { return }
        let seconds = date.timeIntervalSince1970
        if !seconds.isFinite { finite = false }
        key(name)
        // Swift prints the shortest text that reads back as the same Double.
        literal(seconds.description)
    }
}
