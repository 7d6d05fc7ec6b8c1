import Foundation
import NewsroomDomain

/// An article as IPTC ninjs 3 (News in JSON). ninjs has no credit field for pictures, so the lead
/// image carries its caption and credit as `descriptions` with roles `caption` and `creditline`,
/// as agencies do; the alt text is the `alternative` description.
public enum NinjsDocument {
    public static let articleURIPrefix = "urn:newsroom:article:"
    public static func uri(for id: ArticleID) -> String { articleURIPrefix + id.description }

    /// The document's JSON text, keys sorted.
    public static func text(_ a: Article, id: ArticleID, version: Int) -> String {
        var w = JSONWriter(capacity: a.body.utf8.count + 2048)
        let reporters = a.reporters.map(\.name)
        var by = reporters.joined(separator: ", ")
        if let source = a.wireSource { by = by.isEmpty ? source : "\(by) / \(source)" }

        w.open("{")
        if let slug = a.slug {
            w.key("altIds")
            w.open("[")
            w.roleValue("slug", slug)
            w.close("]")
        }
        if !a.images.isEmpty || !a.related.isEmpty || a.editorsPick != nil {
            w.key("associations")
            w.open("[")
            for image in a.images {
                w.open("{")
                w.key("descriptions")
                w.open("[")
                w.roleValue("alternative", image.altText)
                if let caption = image.caption { w.roleValue("caption", caption) }
                if let credit = image.credit { w.roleValue("creditline", credit) }
                w.close("]")
                w.field("name", image.mediaID)
                w.field("rel", "image")
                w.key("renditions")
                w.open("[")
                w.open("{")
                w.field("href", image.url)
                w.field("name", "original")
                w.close("}")
                w.close("]")
                w.field("type", "picture")
                w.field("uri", "urn:newsroom:media:\(id):\(image.mediaID)")
                w.close("}")
            }
            for (index, item) in a.related.enumerated() {
                w.reference(item, name: "related-\(index + 1)", rel: "related")
            }
            if let pick = a.editorsPick { w.reference(pick, name: "editors-pick", rel: "editorsPick") }
            w.close("]")
        }
        w.key("bodies")
        w.open("[")
        w.open("{")
        w.field("charCount", characterCount(a.body))
        w.field("contentType", "text/plain")
        w.field("role", "main")
        w.field("value", a.body)
        w.close("}")
        w.close("]")
        if !by.isEmpty { w.field("by", by) }
        if !a.summary.isEmpty || !a.corrections.isEmpty {
            w.key("descriptions")
            w.open("[")
            if !a.summary.isEmpty { w.roleValue("summary", a.summary) }
            for correction in a.corrections {
                w.roleValue("correction", "\(Instant.format(correction.at)): \(correction.note)")
            }
            w.close("]")
        }
        w.field("embargoedUntil", a.embargoUntil.map { Instant.format($0.instant) })
        w.field("firstCreated", a.firstPublication.map(Instant.format))
        if !a.section.isEmpty {
            w.key("genres")
            w.open("[")
            w.open("{")
            w.field("name", a.section)
            w.close("}")
            w.close("]")
        }
        w.key("headlines")
        w.open("[")
        w.roleValue("main", a.headline)
        w.close("]")
        if let source = a.wireSource {
            w.key("infoSources")
            w.open("[")
            w.open("{")
            w.field("name", source)
            w.field("role", "source")
            w.close("}")
            w.close("]")
        }
        w.field("language", a.language)
        if !a.dateline.isEmpty { w.field("located", a.dateline) }
        if !a.reporters.isEmpty || a.editor != nil {
            w.key("people")
            w.open("[")
            for reporter in a.reporters { w.nameRel(reporter.name, reporter.role) }
            if let editor = a.editor { w.nameRel(editor, "editor") }
            w.close("]")
        }
        w.field("pubStatus", "usable")
        w.field("representationType", "full")
        w.field("slugline", a.slug)
        if !a.tags.isEmpty {
            w.key("subjects")
            w.open("[")
            for tag in a.tags { w.nameRel(tag, "tag") }
            w.close("]")
        }
        w.field("type", "text")
        w.field("uri", uri(for: id))
        w.field("version", String(version))
        w.field("versionCreated", a.lastPublishedChange.map(Instant.format))
        w.close("}")
        return w.text
    }

    /// `text.count`, without walking grapheme clusters when the text is ASCII (most bodies are):
    /// there every byte is a character, except that "\r\n" is one. Counting a body's characters
    /// was 2% of a rebuild's client time.
    static func characterCount(_ text: String) -> Int {
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var count = bytes.count
            var previous: UInt8 = 0
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte == 0x0A && previous == 0x0D { count -= 1 }
                previous = byte
            }
            return count
        }
        return (ascii ?? nil) ?? text.count
    }
}

extension Article {
    /// When the article first went out, or is due to: the site's first publication, and ninjs's
    /// `firstCreated`.
    var firstPublication: Date? { firstPublishedAt ?? schedule?.instant }

    /// Its last change on the site; the first publication when there was none since.
    var lastPublishedChange: Date? { lastUpdatedAt ?? firstPublication }
}

private extension JSONWriter {
    mutating func roleValue(_ role: String, _ value: String) {
        open("{")
        field("role", role)
        field("value", value)
        close("}")
    }

    mutating func nameRel(_ name: String, _ rel: String) {
        open("{")
        field("name", name)
        field("rel", rel)
        close("}")
    }

    /// Another article, ours (by its uri) or outside (by its url, else a uri made from its title).
    mutating func reference(_ item: ArticleReference, name: String, rel: String) {
        open("{")
        key("headlines")
        open("[")
        roleValue("main", item.title)
        close("]")
        field("name", name)
        field("rel", rel)
        field("representationType", "partial")
        field("type", "text")
        if let id = item.articleID {
            field("uri", NinjsDocument.uri(for: id))
        } else if let url = item.url {
            field("uri", url)
        } else {
            field("uri", "urn:newsroom:external:\(Slug.make(from: item.title, maxLength: 120))")
        }
        close("}")
    }
}
