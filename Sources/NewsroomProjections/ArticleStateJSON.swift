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
        var writer = Writer()
        writer.bytes.reserveCapacity(article.body.utf8.count + 1024)
        writer.write(article)
        guard writer.finite else {
            // A date JSON cannot hold: let JSONEncoder refuse it as it always did.
            return (try? JSONEncoder.projection.encode(article)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    struct Writer {
        var bytes: [UInt8] = []
        var finite = true
        private var first = true

        mutating func write(_ a: Article) {
            open("{")
            field("author", a.author)
            field("body", a.body)
            key("corrections")
            open("[")
            for correction in a.corrections {
                open("{")
                field("at", correction.at)
                field("fields", correction.fields)
                field("note", correction.note)
                close("}")
            }
            close("]")
            field("dateline", a.dateline)
            field("editor", a.editor)
            if let pick = a.editorsPick { key("editorsPick"); reference(pick) }
            if let embargo = a.embargoUntil { key("embargoUntil"); zoned(embargo) }
            key("exists"); literal(a.exists ? "true" : "false")
            field("firstPublishedAt", a.firstPublishedAt)
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
            field("lastUpdatedAt", a.lastUpdatedAt)
            field("previousSlugs", a.previousSlugs)
            key("related")
            open("[")
            for related in a.related { reference(related) }
            close("]")
            key("reporters")
            open("[")
            for entry in a.reporters {
                open("{")
                field("name", entry.name)
                field("role", entry.role)
                close("}")
            }
            close("]")
            field("reviewNote", a.reviewNote)
            if let schedule = a.schedule { key("schedule"); zoned(schedule) }
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

        mutating func zoned(_ z: ZonedInstant) {
            open("{")
            field("instant", z.instant)
            field("timeZone", z.timeZone)
            close("}")
        }

        // MARK: JSON

        /// Starts an object or array (`bracket` is "{" or "["), after a comma if a sibling precedes it.
        mutating func open(_ bracket: Unicode.Scalar) {
            separate()
            bytes.append(UInt8(ascii: bracket))
            first = true
        }

        mutating func close(_ bracket: Unicode.Scalar) {
            bytes.append(UInt8(ascii: bracket))
            first = false
        }

        /// A member's key; its value follows without a comma.
        mutating func key(_ name: StaticString) {
            separate()
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
            first = true
        }

        /// A nil optional is left out, as `encodeIfPresent` does.
        mutating func field(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            string(value)
        }

        mutating func field(_ name: StaticString, _ value: Date?) {
            guard let value else { return }
            key(name)
            let seconds = value.timeIntervalSince1970
            if !seconds.isFinite { finite = false }
            // Swift prints the shortest text that reads back as the same Double.
            literal(seconds.description)
        }

        mutating func field(_ name: StaticString, _ values: [String]) {
            key(name)
            open("[")
            for value in values { string(value) }
            close("]")
        }

        mutating func string(_ text: String) {
            separate()
            JSONB.writeString(text, into: &bytes)
            first = false
        }

        mutating func literal(_ text: String) {
            separate()
            bytes.append(contentsOf: text.utf8)
            first = false
        }

        private mutating func separate() {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = true
        }
    }
}
