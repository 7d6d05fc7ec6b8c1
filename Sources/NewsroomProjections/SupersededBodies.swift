import NewsroomEventStore

/// An article's body, wherever its events set it (the domain's `ArticleFields.body`, which an
/// event sets whole). A rebuild whose every model reads a body only as a read leaves it has the
/// log send each body that a later event of the article in the same read replaces as "": three of
/// an archived article's four bodies, and most of the log's bytes.
enum SupersededBodies: SupersededFields {
    static let name = "ArticleBodies"
    static let paths: [(eventType: String, path: [String])] = [
        ("ArticleDrafted", ["fields", "body"]),
        ("ArticleEdited", ["body"]),
        ("ArticleCorrected", ["changes", "body"]),
    ]
    /// Schema/015_article_body_marker.sql: the same three paths, computed as each event is written.
    static let setsColumn: String? = "sets_article_body"
}
