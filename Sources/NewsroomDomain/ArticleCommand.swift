import Foundation

/// Everything an editor or reporter can ask of one article.
public enum ArticleCommand: Sendable, Equatable, Encodable {
    case draft(id: ArticleID, slug: String, fields: ArticleFields)
    case edit(ArticleFields)
    case setByline(reporters: [BylineEntry], wireSource: String?)
    case attachImage(mediaID: String, url: String, altText: String)
    case attachCaption(mediaID: String, caption: String, credit: String)
    case assignEditor(login: String)
    case submit
    case requestChanges(note: String)
    case approve
    /// Publish now, or at `schedule`, optionally under an embargo that keeps it off the public site
    /// until it lifts. Scheduling says when it goes out; an embargo says when it may be read.
    case publish(schedule: ZonedInstant?, embargoUntil: ZonedInstant?)
    case correct(note: String, changes: ArticleFields)
    case unpublish(reason: String)
    case spike(reason: String?)
    case relate(ArticleReference)
    case pick(ArticleReference)
    case changeSlug(String)
}

/// What `decide` needs to know beyond the article itself. Time and identity come from outside so
/// the decider stays pure.
public struct ArticleContext: Sendable {
    public var actor: Actor
    public var now: Date
    public var roster: Roster

    public init(actor: Actor, now: Date, roster: Roster) {
        self.actor = actor
        self.now = now
        self.roster = roster
    }
}
