import ArgumentParser
import NewsroomDomain

/// The editable text fields, shared by draft, edit and correct.
struct FieldOptions: ParsableArguments {
    @Option(help: "The headline.")
    var headline: String?

    @Option(help: "The body text (paragraphs separated by blank lines).")
    var body: String?

    @Option(help: ArgumentHelp("Read the body from a UTF-8 file; - reads standard input.", valueName: "file"))
    var bodyFile: String?

    @Option(help: "A one-paragraph summary.")
    var summary: String?

    @Option(help: "The dateline, e.g. \"TEMPO.CO, Jakarta\".")
    var dateline: String?

    @Option(help: "The section, e.g. Dunia.")
    var section: String?

    @Option(help: "Language as a BCP 47 tag, e.g. id or en.")
    var language: String?

    @Option(name: .customLong("tag"), help: "A tag; repeat for several. Replaces the existing tags.")
    var tags: [String] = []

    func validate() throws {
        if body != nil && bodyFile != nil { throw ValidationError("Give --body or --body-file, not both.") }
    }

    func fields() throws -> ArticleFields {
        var text = try checkedText(body, flag: "--body")
        if let bodyFile { text = try readTextFile(bodyFile, flag: "--body-file") }
        return ArticleFields(
            headline: try checkedText(headline, flag: "--headline"), body: text,
            summary: try checkedText(summary, flag: "--summary"), dateline: try checkedText(dateline, flag: "--dateline"),
            section: try checkedText(section, flag: "--section"), language: language,
            tags: tags.isEmpty ? nil : try tags.map { try checkedText($0, flag: "--tag")! })
    }
}
