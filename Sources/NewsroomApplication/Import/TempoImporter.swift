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
        let (actor, roster) = try await newsroom.currentActor()
        var editorLogin: String?
        if let editorName = page.editor {
            guard let editor = roster.members.values.first(where: { $0.displayName.caseInsensitiveCompare(editorName) == .orderedSame || $0.login == Self.login(for: editorName) }) else {
                throw RuleViolation(.notFound, "The page names the editor \"\(editorName)\", who is not on the staff. Add them first: newsroom staff add \(Self.login(for: editorName)) --name \"\(editorName)\" --role editor. Nothing was imported.")
            }
            editorLogin = editor.login
        }
        let fields = ArticleFields(headline: page.headline, body: page.body, dateline: page.dateline, language: "id")
        let slug = Slug.make(from: page.headline)
        // The scraped text has no image address; the page's own address stands in until an editor sets the real one.
        let plan = Self.plan(page, editor: editorLogin, imageURL: imageURL ?? "https://www.tempo.co/\(slug)#image-gnews", publish: publish)
        try Self.rehearse(plan, draft: .draft(id: ArticleID(commandID.derived("draft")), slug: slug, fields: fields),
                          context: ArticleContext(actor: actor, now: newsroom.clock(), roster: roster), publish: publish)

        let drafted = try await newsroom.draft(fields, slug: nil, commandID: commandID.derived("draft"))
        let id = drafted.articleID
        var steps = [Step(command: "draft --headline \"\(page.headline)\"", outcome: "article \(id), slug \(drafted.slug)")]
        for (label, command) in plan {
            // Run again with the same --command-id, an import goes on from where it stopped.
            if let startsFrom = Self.publishingStatus[label] {
                guard startsFrom.contains(try await newsroom.article(id).0.status) else { continue }
            }
            let result = try await newsroom.execute(command, on: id, commandID: commandID.derived(label))
            let outcome = result.events.isEmpty ? (result.wasDuplicate ? "already done" : "no change") : result.events.map(\.summary).joined(separator: "; ")
            steps.append(Step(command: label, outcome: outcome))
        }
        let published = publish ? try await newsroom.article(id).0.status.isPublic : false
        return Report(articleID: id, slug: drafted.slug, steps: steps, published: published)
    }

    /// The commands an editor would give after the draft, with the labels their command ids derive from.
    static func plan(_ page: TempoPage, editor: String?, imageURL: String, publish: Bool) -> [(label: String, command: ArticleCommand)] {
        var plan: [(String, ArticleCommand)] = []
        if !page.reporters.isEmpty || page.wireSource != nil {
            plan.append(("byline", .setByline(reporters: page.reporters.map { BylineEntry(name: $0) }, wireSource: page.wireSource)))
        }
        if let caption = page.imageCaption {
            plan.append(("attach-image", .attachImage(mediaID: "lead", url: imageURL, altText: caption)))
            if let credit = page.imageCredit { plan.append(("attach-caption", .attachCaption(mediaID: "lead", caption: caption, credit: credit))) }
        }
        if let editor { plan.append(("assign-editor \(editor)", .assignEditor(login: editor))) }
        for (index, item) in page.related.enumerated() { plan.append(("relate #\(index + 1)", .relate(ArticleReference(title: item.title)))) }
        if let pick = page.editorsPick { plan.append(("pick", .pick(ArticleReference(title: pick)))) }
        if publish { plan += [("submit", .submit), ("approve", .approve), ("publish", .publish(schedule: nil, embargoUntil: nil))] }
        return plan
    }

    /// The status each publishing step starts from; a resumed import skips the steps already taken.
    static let publishingStatus: [String: Set<ArticleStatus>] = ["submit": [.draft, .changesRequested], "approve": [.submitted], "publish": [.approved]]

    /// Decides the whole import on a fresh article before anything is written, so that a step the
    /// rules refuse (say, approving an article assigned to another editor) leaves no half-imported
    /// draft behind, and a second try no duplicate. The rules themselves are the decider's.
    static func rehearse(_ plan: [(label: String, command: ArticleCommand)], draft: ArticleCommand, context: ArticleContext, publish: Bool) throws(RuleViolation) {
        var article = ArticleDecider.initialState
        for (label, command) in [("draft", draft)] + plan {
            do {
                article = try ArticleDecider.decide(command, state: article, context: context).reduce(article, ArticleDecider.evolve)
            } catch {
                let instead = publish && publishingStatus[label] != nil ? " Run it as the page's editor or a chief editor, or add --draft-only to import it as a draft." : ""
                throw RuleViolation(error.code, "Importing this page would stop at `\(label)`: \(error.message) Nothing was imported.\(instead)")
            }
        }
    }

    /// "Yudono Yanuar" → "yudono_yanuar", the login convention the demo uses.
    public static func login(for name: String) -> String {
        Slug.make(from: name).replacingOccurrences(of: "-", with: "_")
    }
}
