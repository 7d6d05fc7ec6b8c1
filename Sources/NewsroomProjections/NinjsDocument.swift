import Foundation
import NewsroomDomain

/// An article as IPTC ninjs 3 (News in JSON). ninjs has no credit field for pictures, so the lead
/// image carries its caption and credit as `descriptions` with roles `caption` and `creditline`,
/// as agencies do; the alt text is the `alternative` description.
public enum NinjsDocument {
    public static func uri(for id: ArticleID) -> String { "urn:newsroom:article:\(id)" }

    public static func make(_ a: Article, id: ArticleID, version: Int) -> [String: Any] {
        var doc: [String: Any] = [
            "uri": uri(for: id),
            "type": "text",
            "representationType": "full",
            "version": String(version),
            "pubStatus": "usable",
            "language": a.language,
            "headlines": [["role": "main", "value": a.headline]],
            "bodies": [["role": "main", "contentType": "text/plain", "charCount": characterCount(a.body), "value": a.body]],
        ]
        if let slug = a.slug { doc["slugline"] = slug; doc["altIds"] = [["role": "slug", "value": slug]] }
        if let first = a.firstPublishedAt ?? a.schedule?.instant { doc["firstCreated"] = Instant.format(first) }
        if let updated = a.lastUpdatedAt ?? a.firstPublishedAt ?? a.schedule?.instant { doc["versionCreated"] = Instant.format(updated) }
        if let embargo = a.embargoUntil { doc["embargoedUntil"] = Instant.format(embargo.instant) }
        if !a.dateline.isEmpty { doc["located"] = a.dateline }
        var descriptions: [[String: Any]] = []
        if !a.summary.isEmpty { descriptions.append(["role": "summary", "value": a.summary]) }
        for correction in a.corrections {
            descriptions.append(["role": "correction", "value": "\(Instant.format(correction.at)): \(correction.note)"])
        }
        if !descriptions.isEmpty { doc["descriptions"] = descriptions }
        let reporters = a.reporters.map(\.name)
        var by = reporters.joined(separator: ", ")
        if let source = a.wireSource { by = by.isEmpty ? source : "\(by) / \(source)" }
        if !by.isEmpty { doc["by"] = by }
        var people: [[String: Any]] = a.reporters.map { ["name": $0.name, "rel": $0.role] }
        if let editor = a.editor { people.append(["name": editor, "rel": "editor"]) }
        if !people.isEmpty { doc["people"] = people }
        if let source = a.wireSource { doc["infoSources"] = [["name": source, "role": "source"]] }
        if !a.tags.isEmpty { doc["subjects"] = a.tags.map { ["name": $0, "rel": "tag"] } }
        if !a.section.isEmpty { doc["genres"] = [["name": a.section]] }

        var associations: [[String: Any]] = []
        for image in a.images {
            var descriptions: [[String: Any]] = [["role": "alternative", "value": image.altText]]
            if let caption = image.caption { descriptions.append(["role": "caption", "value": caption]) }
            if let credit = image.credit { descriptions.append(["role": "creditline", "value": credit]) }
            associations.append([
                "name": image.mediaID, "rel": "image", "uri": "urn:newsroom:media:\(id):\(image.mediaID)", "type": "picture",
                "renditions": [["name": "original", "href": image.url]], "descriptions": descriptions,
            ])
        }
        for (index, item) in a.related.enumerated() {
            associations.append(reference(item, name: "related-\(index + 1)", rel: "related"))
        }
        if let pick = a.editorsPick { associations.append(reference(pick, name: "editors-pick", rel: "editorsPick")) }
        if !associations.isEmpty { doc["associations"] = associations }
        return doc
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

    static func reference(_ item: ArticleReference, name: String, rel: String) -> [String: Any] {
        var object: [String: Any] = ["name": name, "rel": rel, "type": "text", "representationType": "partial",
                                     "headlines": [["role": "main", "value": item.title]]]
        if let id = item.articleID {
            object["uri"] = uri(for: id)
        } else if let url = item.url {
            object["uri"] = url
        } else {
            object["uri"] = "urn:newsroom:external:\(Slug.make(from: item.title, maxLength: 120))"
        }
        return object
    }

    public static func json(_ document: Any) -> String {
        JSONText.encode(document)
    }
}
