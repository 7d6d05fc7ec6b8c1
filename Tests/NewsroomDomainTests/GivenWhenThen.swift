import Foundation
@testable import NewsroomDomain

/// given events / when command / then events or error, in the decider's own terms.
struct Scenario {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let id = ArticleID(UUID(uuidString: "5f9fc384-c09e-5a2f-9675-d5bca0a8a22b")!)
    static let roster = Roster(members: [
        "rina": StaffMember(login: "rina", displayName: "Rina", role: .reporter),
        "budi": StaffMember(login: "budi", displayName: "Budi", role: .reporter),
        "yudono": StaffMember(login: "yudono", displayName: "Yudono Yanuar", role: .editor),
        "sari": StaffMember(login: "sari", displayName: "Sari", role: .editor),
        "chief": StaffMember(login: "chief", displayName: "Chief", role: .chief),
    ])

    static func actor(_ login: String) -> Actor {
        Actor(login: login, role: roster.role(of: login) ?? (login == "admin" ? .administrator : nil))
    }

    var history: [ArticleEvent]

    init(_ history: [ArticleEvent] = []) { self.history = history }

    var state: Article { ArticleDecider.fold(history) }

    func when(_ command: ArticleCommand, by login: String, at now: Date = Scenario.t0) -> Result<[ArticleEvent], RuleViolation> {
        let context = ArticleContext(actor: Self.actor(login), now: now, roster: Self.roster)
        do { return .success(try ArticleDecider.decide(command, state: state, context: context)) } catch { return .failure(error) }
    }

    /// Runs the command and keeps its events, for building up a history step by step.
    func then(_ command: ArticleCommand, by login: String, at now: Date = Scenario.t0) throws -> Scenario {
        let events = try when(command, by: login, at: now).get()
        return Scenario(history + events)
    }

    // Common histories.
    static let drafted = Scenario([.drafted(.init(articleID: id, author: "rina", slug: "putin-siap",
                                                  fields: ArticleFields(headline: "Putin Siap Penuhi Undangan Kim Jong Un", body: "TEMPO.CO, Jakarta - Presiden Rusia ...", language: "id")))])

    static var approved: Scenario {
        get throws {
            try drafted
                .then(.setByline(reporters: [BylineEntry(name: "Rina")], wireSource: nil), by: "rina")
                .then(.assignEditor(login: "yudono"), by: "yudono")
                .then(.submit, by: "rina")
                .then(.approve, by: "yudono")
        }
    }

    static var published: Scenario {
        get throws { try approved.then(.publish(schedule: nil, embargoUntil: nil), by: "yudono") }
    }
}

extension Result {
    var events: Success? { try? get() }
    var violation: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
