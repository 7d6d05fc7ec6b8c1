import Foundation
import NewsroomDomain

/// Brings a Tempo page in through the same commands an editor would give, one after another, as
/// the current user. Every step's command id derives from one import id, so running the same
/// import again (same --command-id) changes nothing.
public struct TempoImporter: Sendable {
    public let newsroom: Newsroom

    public init(newsroom: Newsroom) { self.newsroom = newsroom }

    public struct Step: Sendable {
        public var command: String
        public var outcome: String
    }

    public struct Report: Sendable {
        public var articleID: ArticleID
        public var slug: String
        public var steps: [Step]
        public var published: Bool
    }

    public func importPage(_ page: TempoPage, imageURL: String?, publish: Bool, commandID: UUID) async throws -> Report {
        var steps: [Step] = []
        if publish {
            // Refuse before drafting anything, rather than leave a half-imported draft behind.
            let (actor, _) = try await newsroom.currentActor()
            guard actor.role?.isEditor == true else {
                throw RuleViolation(.notAllowed, "Importing and publishing takes an editor or chief editor; \(actor.login) is \(actor.role.map(\.withArticle) ?? "not on the staff"). Run it with --user EDITOR, or add --draft-only.")
            }
        }
        let fields = ArticleFields(headline: page.headline, body: page.body, dateline: page.dateline, language: "id")
        let drafted = try await newsroom.draft(fields, slug: nil, commandID: commandID.derived("draft"))
        let id = drafted.articleID
        steps.append(Step(command: "draft --headline \"\(page.headline)\"", outcome: "article \(id), slug \(drafted.slug)"))

        func run(_ label: String, _ command: ArticleCommand) async throws {
            let result = try await newsroom.execute(command, on: id, commandID: commandID.derived(label))
            let outcome = result.events.isEmpty ? (result.wasDuplicate ? "already done" : "no change") : result.events.map(\.summary).joined(separator: "; ")
            steps.append(Step(command: label, outcome: outcome))
        }

        if !page.reporters.isEmpty || page.wireSource != nil {
            try await run("byline", .setByline(reporters: page.reporters.map { BylineEntry(name: $0) }, wireSource: page.wireSource))
        }
        if let caption = page.imageCaption {
            let mediaID = "lead"
            // The scraped text has no image address; the page's own address stands in until an editor sets the real one.
            let url = imageURL ?? "https://www.tempo.co/\(drafted.slug)#image-gnews"
            try await run("attach-image", .attachImage(mediaID: mediaID, url: url, altText: caption))
            if let credit = page.imageCredit {
                try await run("attach-caption", .attachCaption(mediaID: mediaID, caption: caption, credit: credit))
            }
        }
        if let editorName = page.editor {
            let roster = try await newsroom.roster()
            guard let editor = roster.members.values.first(where: { $0.displayName.caseInsensitiveCompare(editorName) == .orderedSame || $0.login == Self.login(for: editorName) }) else {
                throw RuleViolation(.notFound, "The page names the editor \"\(editorName)\", who is not on the staff. Add them first: newsroom staff add \(Self.login(for: editorName)) --name \"\(editorName)\" --role editor")
            }
            try await run("assign-editor \(editor.login)", .assignEditor(login: editor.login))
        }
        for (index, item) in page.related.enumerated() {
            try await run("relate #\(index + 1)", .relate(ArticleReference(title: item.title)))
        }
        if let pick = page.editorsPick {
            try await run("pick", .pick(ArticleReference(title: pick)))
        }
        var published = false
        if publish {
            let (article, _) = try await newsroom.article(id)
            if article.status == .draft || article.status == .changesRequested { try await run("submit", .submit) }
            let (current, _) = try await newsroom.article(id)
            if current.status == .submitted { try await run("approve", .approve) }
            let (ready, _) = try await newsroom.article(id)
            if ready.status == .approved { try await run("publish", .publish(schedule: nil, embargoUntil: nil)) }
            published = try await newsroom.article(id).0.status.isPublic
        }
        return Report(articleID: id, slug: drafted.slug, steps: steps, published: published)
    }

    /// "Yudono Yanuar" → "yudono_yanuar", the login convention the demo uses.
    public static func login(for name: String) -> String {
        Slug.make(from: name).replacingOccurrences(of: "-", with: "_")
    }
}
