/// Input checks shared by the deciders. Limits keep one article from swallowing the database and
/// keep out what PostgreSQL's jsonb cannot store (NUL).
public enum Validate {
    /// The longest section name an article may have; readers filtering by section are held to it too.
    public static let maximumSectionLength = 100

    static func text(_ value: String, _ name: String, max: Int, required: Bool) throws(RuleViolation) {
        if required && value.trimmed.isEmpty {
            throw RuleViolation(.invalidInput, "The \(name) cannot be empty.")
        }
        // Byte checks first: NUL is the byte 0 in UTF-8, and a string has no more characters than
        // bytes, so most text never has its characters counted (an article body: 3-8 KB).
        if value.utf8.contains(0) {
            throw RuleViolation(.invalidInput, "The \(name) contains a NUL character, which cannot be stored. Remove it and try again.")
        }
        if value.utf8.count > max, value.count > max {
            throw RuleViolation(.invalidInput, "The \(name) is \(value.count) characters long; the limit is \(max).")
        }
    }

    static func fields(_ fields: ArticleFields) throws(RuleViolation) {
        try text(fields.headline ?? "", "headline", max: 300, required: false)
        try text(fields.body ?? "", "body", max: 500_000, required: false)
        try text(fields.summary ?? "", "summary", max: 2000, required: false)
        try text(fields.dateline ?? "", "dateline", max: 200, required: false)
        try text(fields.section ?? "", "section", max: maximumSectionLength, required: false)
        if let language = fields.language { try self.language(language) }
        if let tags = fields.tags {
            guard tags.count <= 50 else { throw RuleViolation(.invalidInput, "\(tags.count) tags is too many; the limit is 50.") }
            for tag in tags { try text(tag, "tag", max: 100, required: true) }
        }
    }

    /// BCP 47 in the shape newsrooms use: `id`, `en`, `en-GB`, `zh-Hant`.
    static func language(_ code: String) throws(RuleViolation) {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        let letters = { (s: Substring) in s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) } }
        guard let first = parts.first, (2...3).contains(first.count), letters(first),
              parts.dropFirst().allSatisfy({ (2...8).contains($0.count) && letters($0) }) else {
            throw RuleViolation(.invalidInput, "\"\(code)\" is not a language code. Use a BCP 47 tag such as id, en or en-GB.")
        }
    }

    static func url(_ url: String) throws(RuleViolation) {
        try text(url, "URL", max: 2048, required: true)
        guard (url.hasPrefix("https://") || url.hasPrefix("http://")) && url.count > 8 && !url.contains(where: \.isWhitespace) else {
            throw RuleViolation(.invalidInput, "\"\(url.prefix(100))\" is not a web address. Give an http:// or https:// URL.")
        }
    }

    public static func slug(_ slug: String) throws(RuleViolation) {
        let ok = slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard ok, (1...120).contains(slug.count), !slug.hasPrefix("-"), !slug.hasSuffix("-") else {
            throw RuleViolation(.invalidInput, "\"\(slug.prefix(130))\" is not a valid slug: use lowercase a-z, digits and single hyphens, up to 120 characters.")
        }
    }
}
