import Foundation

/// Every editorial rule about articles lives here.
public enum ArticleDecider: Decider {
    public static let initialState = Article()

    public static func decide(_ command: ArticleCommand, state article: Article, context: ArticleContext) throws(RuleViolation) -> [ArticleEvent] {
        let events = try decideCommand(command, state: article, context: context)
        // Whatever the command, an article that is out (or due to go out by itself) must still meet
        // the publishing rules afterwards: no uncaptioned image or emptied body slips in later.
        let after = events.reduce(article, evolve)
        let status = after.effectiveStatus(at: context.now)
        if !events.isEmpty, status.isPublic || status == .scheduled {
            let missing = missingForPublication(after)
            if !missing.isEmpty {
                throw RuleViolation(.notReadyToPublish, "\"\(article.headline)\" is \(status.rawValue); this change would leave it without \(missing.joined(separator: "; ")). \(status == .scheduled ? "Take it off the schedule first (`newsroom request-changes`), or make the change complete." : "Make the change complete in one command.")")
            }
        }
        return events
    }

    static func decideCommand(_ command: ArticleCommand, state article: Article, context: ArticleContext) throws(RuleViolation) -> [ArticleEvent] {
        let actor = context.actor
        guard let role = actor.role, role != .administrator else {
            throw RuleViolation(.notAllowed, "\(actor.login) is not editorial staff, so cannot \(command.verb). Ask a chief editor to add you: `newsroom staff add \(actor.login) --role reporter`.")
        }
        if case .draft(let id, let slug, let fields) = command {
            guard !article.exists else {
                throw RuleViolation(.alreadyExists, "Article \(id) already exists (\(article.slug ?? "")). Use `newsroom edit` to change it.")
            }
            try Validate.fields(fields)
            guard let headline = fields.headline, !headline.trimmed.isEmpty else {
                throw RuleViolation(.invalidInput, "A draft needs a headline: pass --headline \"...\".")
            }
            try Validate.slug(slug)
            return [.drafted(.init(articleID: id, author: actor.login, slug: slug, fields: fields))]
        }
        guard article.exists else {
            throw RuleViolation(.notFound, "There is no such article. Check the id or slug with `newsroom list`.")
        }
        let status = article.effectiveStatus(at: context.now)
        if status == .spiked || status == .unpublished {
            throw RuleViolation(.wrongState, "\"\(article.headline)\" was \(status == .spiked ? "spiked" : "unpublished") (\(article.unpublishReason ?? "no reason given")); nothing more can happen to it. Draft a new article instead.")
        }
        let isResponsibleEditor = role == .chief || (role == .editor && article.editor == actor.login)
        let isPublic = status.isPublic

        switch command {
        case .draft:
            preconditionFailure("handled above")

        case .edit(let fields):
            guard !fields.isEmpty else {
                throw RuleViolation(.invalidInput, "Nothing to change: pass at least one of --headline, --body, --summary, --dateline, --section, --language, --tag.")
            }
            try Validate.fields(fields)
            if isPublic {
                if fields.touchesHeadlineOrBody {
                    throw RuleViolation(.wrongState, "\"\(article.headline)\" is published: its headline and body change only through a correction with a public note: `newsroom correct ARTICLE --note \"...\" --headline/--body ...`.")
                }
                try requireResponsibleEditor(isResponsibleEditor, article, actor, "edit a published article")
            } else {
                try requireContentAccess(article, actor, status, "edit")
            }
            if let headline = fields.headline, headline.trimmed.isEmpty {
                throw RuleViolation(.invalidInput, "The headline cannot be empty.")
            }
            return [.edited(fields)]

        case .setByline(let reporters, let wireSource):
            if isPublic { try requireResponsibleEditor(isResponsibleEditor, article, actor, "change the byline of a published article") }
            else { try requireContentAccess(article, actor, status, "set the byline") }
            let source = wireSource?.trimmed
            guard !reporters.isEmpty || !(source ?? "").isEmpty else {
                throw RuleViolation(.invalidInput, "A byline needs at least one --reporter NAME or a --source AGENCY (for example REUTERS).")
            }
            for entry in reporters {
                try Validate.text(entry.name, "reporter name", max: 200, required: true)
                try Validate.text(entry.role, "reporter role", max: 50, required: true)
            }
            try Validate.text(source ?? "", "wire source", max: 100, required: false)
            let byline = ArticleEvent.Byline(reporters: reporters.map { BylineEntry(name: $0.name.trimmed, role: $0.role.trimmed) },
                                             wireSource: (source ?? "").isEmpty ? nil : source)
            return byline.reporters == article.reporters && byline.wireSource == article.wireSource ? [] : [.bylineSet(byline)]

        case .attachImage(let mediaID, let url, let altText):
            if isPublic {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is published; attach images before publication so each goes out with its caption and credit.")
            }
            try requireContentAccess(article, actor, status, "attach an image")
            guard !article.images.contains(where: { $0.mediaID == mediaID }) else {
                throw RuleViolation(.alreadyExists, "The article already has an image \(mediaID).")
            }
            try Validate.url(url)
            try Validate.text(altText, "alt text", max: 1000, required: true)
            return [.imageAttached(.init(mediaID: mediaID, url: url, altText: altText))]

        case .attachCaption(let mediaID, let caption, let credit):
            if isPublic { try requireResponsibleEditor(isResponsibleEditor, article, actor, "change a caption of a published article") }
            else { try requireContentAccess(article, actor, status, "caption an image") }
            guard article.images.contains(where: { $0.mediaID == mediaID }) else {
                let known = article.images.map(\.mediaID).joined(separator: ", ")
                throw RuleViolation(.notFound, "The article has no image \(mediaID) (it has: \(known.isEmpty ? "none" : known)). Attach one with `newsroom attach-image`.")
            }
            try Validate.text(caption, "caption", max: 2000, required: true, lines: .many)
            try Validate.text(credit, "credit line", max: 300, required: true)
            return [.captionAttached(.init(mediaID: mediaID, caption: caption, credit: credit))]

        case .assignEditor(let login):
            guard role.isEditor else {
                throw RuleViolation(.notAllowed, "Only editors assign editors; \(actor.login) is \(role.withArticle). Ask your desk editor.")
            }
            guard let editorRole = context.roster.role(of: login), editorRole.isEditor else {
                let what = context.roster.role(of: login).map(\.withArticle) ?? "not on the staff"
                throw RuleViolation(.invalidInput, "\(login) cannot edit articles: they are \(what). Pick an editor or chief editor (`newsroom staff list`).")
            }
            return article.editor == login ? [] : [.editorAssigned(.init(editor: login))]

        case .submit:
            guard status == .draft || status == .changesRequested else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue); only a draft or an article with changes requested can be submitted for review.")
            }
            try requireContentAccess(article, actor, status, "submit")
            return [.submitted]

        case .requestChanges(let note):
            guard status == .submitted || status == .approved || status == .scheduled else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue); changes can be requested on a submitted, approved or scheduled article.")
            }
            try requireResponsibleEditor(isResponsibleEditor, article, actor, "request changes")
            try Validate.text(note, "note", max: 4000, required: true, lines: .many)
            return [.changesRequested(.init(note: note))]

        case .approve:
            guard status == .submitted else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue); only a submitted article can be approved. Submit it first: `newsroom submit ARTICLE`.")
            }
            try requireResponsibleEditor(isResponsibleEditor, article, actor, "approve")
            return [.approved]

        case .publish(let schedule, let embargo):
            guard status == .approved || status == .scheduled else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue); an article is published once approved (`newsroom submit`, then `newsroom approve`).")
            }
            try requireResponsibleEditor(isResponsibleEditor, article, actor, "publish")
            let missing = missingForPublication(article)
            guard missing.isEmpty else {
                throw RuleViolation(.notReadyToPublish, "\"\(article.headline)\" cannot be published yet. Missing: \(missing.joined(separator: "; ")).")
            }
            if let schedule, schedule.instant <= context.now {
                throw RuleViolation(.invalidInput, "The publication time \(Instant.format(schedule.instant)) is in the past. Publish now (leave out --at) or pick a later time.")
            }
            if let embargo, embargo.instant <= context.now {
                throw RuleViolation(.invalidInput, "The embargo time \(Instant.format(embargo.instant)) has already passed. Publish without --embargo-until, or pick a later time.")
            }
            if let schedule { return [.publicationScheduled(.init(at: schedule, embargoUntil: embargo))] }
            return [.published(.init(at: context.now, embargoUntil: embargo))]

        case .correct(let note, let changes):
            guard isPublic else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue), not published: change it with `newsroom edit`; corrections are for published articles.")
            }
            try requireResponsibleEditor(isResponsibleEditor, article, actor, "correct")
            try Validate.text(note, "correction note", max: 4000, required: true, lines: .many)
            try Validate.fields(changes)
            if let headline = changes.headline, headline.trimmed.isEmpty {
                throw RuleViolation(.invalidInput, "The headline cannot be empty.")
            }
            if let body = changes.body, body.trimmed.isEmpty {
                throw RuleViolation(.invalidInput, "The body cannot be empty; to take the article down use `newsroom unpublish`.")
            }
            return [.corrected(.init(note: note, changes: changes, at: context.now))]

        case .unpublish(let reason):
            guard isPublic || status == .scheduled else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue), not published. To drop an unpublished article use `newsroom spike`.")
            }
            try requireResponsibleEditor(isResponsibleEditor, article, actor, "unpublish")
            try Validate.text(reason, "reason", max: 4000, required: true, lines: .many)
            return [.unpublished(.init(reason: reason))]

        case .spike(let reason):
            guard !isPublic && status != .scheduled else {
                throw RuleViolation(.wrongState, "\"\(article.headline)\" is \(status.rawValue); a published or scheduled article is taken down with `newsroom unpublish --reason`.")
            }
            try requireContentAccess(article, actor, status, "spike")
            try Validate.text(reason ?? "", "reason", max: 4000, required: false, lines: .many)
            return [.spiked(.init(reason: reason ?? "spiked"))]

        case .relate(let reference), .pick(let reference):
            if isPublic { try requireResponsibleEditor(isResponsibleEditor, article, actor, "change links of a published article") }
            else { try requireContentAccess(article, actor, status, "link articles") }
            if reference.articleID != nil && reference.articleID == article.id {
                throw RuleViolation(.invalidInput, "An article cannot point at itself.")
            }
            try Validate.text(reference.title, "title", max: 500, required: true)
            if let url = reference.url { try Validate.url(url) }
            if case .pick = command {
                return article.editorsPick == reference ? [] : [.editorsPickSet(reference)]
            }
            return article.related.contains(reference) ? [] : [.relatedLinked(reference)]

        case .changeSlug(let slug):
            try Validate.slug(slug)
            guard slug != article.slug else { return [] }
            if isPublic { try requireResponsibleEditor(isResponsibleEditor, article, actor, "change the slug of a published article") }
            else { try requireContentAccess(article, actor, status, "change the slug") }
            return [.slugChanged(.init(from: article.slug ?? "", to: slug))]
        }
    }

    /// What still stands between this article and publication, in words an editor can act on.
    public static func missingForPublication(_ article: Article) -> [String] {
        var missing: [String] = []
        if article.headline.trimmed.isEmpty { missing.append("a headline (newsroom edit ARTICLE --headline ...)") }
        if article.body.trimmed.isEmpty { missing.append("a body (newsroom edit ARTICLE --body ...)") }
        if article.editor == nil { missing.append("an assigned editor (newsroom assign-editor ARTICLE EDITOR)") }
        if article.reporters.isEmpty && article.wireSource == nil {
            missing.append("a reporter byline or a wire source — the Reporter field is empty (newsroom byline ARTICLE --reporter NAME or --source AGENCY)")
        }
        for image in article.images where !image.isCaptioned {
            missing.append("a caption and credit line for image \(image.mediaID) (newsroom attach-caption ARTICLE \(image.mediaID) --caption ... --credit ...)")
        }
        return missing
    }

    /// Reporters work on their own drafts; editors on any article still on the desk.
    static func requireContentAccess(_ article: Article, _ actor: Actor, _ status: ArticleStatus, _ action: String) throws(RuleViolation) {
        switch actor.role {
        case .editor?, .chief?:
            return
        case .reporter?:
            guard article.author == actor.login else {
                throw RuleViolation(.notAllowed, "\(actor.login) is a reporter and cannot \(action) \"\(article.headline)\": it belongs to \(article.author ?? "someone else"). Ask its editor\(article.editor.map { " (\($0))" } ?? "").")
            }
            guard status == .draft || status == .changesRequested else {
                throw RuleViolation(.notAllowed, "\"\(article.headline)\" is \(status.rawValue): it is with the desk now, so only editors can \(action) it. Ask \(article.editor ?? "the desk") to request changes if you need it back.")
            }
        case .administrator?, nil:
            throw RuleViolation(.notAllowed, "\(actor.login) is not editorial staff and cannot \(action).")
        }
    }

    static func requireResponsibleEditor(_ isResponsible: Bool, _ article: Article, _ actor: Actor, _ action: String) throws(RuleViolation) {
        guard isResponsible else {
            let who = article.editor.map { "its assigned editor \($0) or a chief editor" } ?? "its assigned editor (none yet: `newsroom assign-editor`) or a chief editor"
            throw RuleViolation(.notAllowed, "Only \(who) can \(action) \"\(article.headline)\"; \(actor.login) is \(actor.role?.withArticle ?? "not on the staff").")
        }
    }
}

extension ArticleCommand {
    var verb: String {
        switch self {
        case .draft: "draft articles"
        case .edit: "edit"
        case .setByline: "set bylines"
        case .attachImage: "attach images"
        case .attachCaption: "caption images"
        case .assignEditor: "assign editors"
        case .submit: "submit for review"
        case .requestChanges: "request changes"
        case .approve: "approve"
        case .publish: "publish"
        case .correct: "correct"
        case .unpublish: "unpublish"
        case .spike: "spike"
        case .relate: "link related articles"
        case .pick: "set the editor's pick"
        case .changeSlug: "change slugs"
        }
    }
}
