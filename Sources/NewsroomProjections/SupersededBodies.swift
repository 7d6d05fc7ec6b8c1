import NewsroomEventStore

/// An article's body, wherever its events set it (the domain's `ArticleFields.body`, which an
/// event sets whole). A rebuild whose every model reads a body only as a read leaves it has the
/// log send each body that a later event of the article in the same read replaces as "": three of
/// an archived article's four bodies, and most of the log's bytes.
public enum SupersededBodies: SupersededFields {
    public static let name = "ArticleBodies"
    public static let paths: [(eventType: String, path: [String])] = [
        ("ArticleDrafted", ["fields", "body"]),
        ("ArticleEdited", ["body"]),
        ("ArticleCorrected", ["changes", "body"]),
    ]
    /// Schema/015_article_body_marker.sql: the same three paths, computed as each event is written.
    public static let setsColumn: String? = "sets_article_body"

    /// Whether an event of `type` sets a body, from its payload already parsed: what the log's
    /// column holds, for an archive import to hand over instead of the log's trigger working it
    /// out again.
    public static func setsBody(type: String, payload: JSONBValue) -> Bool {
        paths.contains { eventType, path in
            guard eventType == type else { return false }
            var node: JSONBValue? = payload
            for key in path { node = node?[key] }
            return node?.stringValue != nil
        }
    }
}
