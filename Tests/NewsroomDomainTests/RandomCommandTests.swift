import Foundation
import Testing
@testable import NewsroomDomain

/// Random command sequences: the decider never crashes, and whatever it lets through, a public
/// article always satisfies the publishing rules.
@Suite("Random command sequences")
struct RandomCommandTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    static let texts = ["", " ", "Judul", "Saling memanggil “kamerad”", "'; DROP TABLE events; --", "a\u{0}b", String(repeating: "panjang ", count: 50)]

    static func randomCommand(_ rng: inout SplitMix, now: Date) -> ArticleCommand {
        let text = texts.randomElement(using: &rng)!
        let zone = ZonedInstant(instant: now.addingTimeInterval(Double(Int.random(in: -3600...3600, using: &rng))), timeZone: "Asia/Jakarta")
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: return .edit(ArticleFields(headline: Bool.random(using: &rng) ? text : nil, body: Bool.random(using: &rng) ? text : nil))
        case 1: return .setByline(reporters: Bool.random(using: &rng) ? [BylineEntry(name: text)] : [], wireSource: Bool.random(using: &rng) ? "REUTERS" : nil)
        case 2: return .attachImage(mediaID: ["a", "b"].randomElement(using: &rng)!, url: ["https://e.com/x.jpg", "ftp://x"].randomElement(using: &rng)!, altText: text)
        case 3: return .attachCaption(mediaID: ["a", "b", "c"].randomElement(using: &rng)!, caption: text, credit: ["", "REUTERS"].randomElement(using: &rng)!)
        case 4: return .assignEditor(login: ["yudono", "sari", "rina", "ghost"].randomElement(using: &rng)!)
        case 5: return .submit
        case 6: return .requestChanges(note: text)
        case 7: return .approve
        case 8: return .publish(schedule: Bool.random(using: &rng) ? zone : nil, embargoUntil: Bool.random(using: &rng) ? zone : nil)
        case 9: return .correct(note: text, changes: ArticleFields(body: Bool.random(using: &rng) ? text : nil))
        case 10: return .unpublish(reason: text)
        case 11: return .spike(reason: text)
        case 12: return .relate(ArticleReference(title: text))
        case 13: return .changeSlug(["baru", "Bad Slug", "x-y"].randomElement(using: &rng)!)
        case 14: return .pick(ArticleReference(title: text))
        // Lean towards the desk's usual path, so that many sequences reach publication.
        case 15: return .setByline(reporters: [], wireSource: "REUTERS")
        case 16: return .assignEditor(login: "yudono")
        case 17: return .submit
        case 18: return .approve
        default: return .publish(schedule: nil, embargoUntil: nil)
        }
    }

    @Test("5,000 random sequences: no crash, and public articles always meet the publishing rules", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func invariants(seed: UInt64) {
        var rng = SplitMix(state: seed)
        let logins = ["rina", "budi", "yudono", "sari", "chief", "stranger"]
        var reachedPublic = 0
        for _ in 0..<1000 {
            var now = Scenario.t0
            var state = Scenario.drafted.state
            for _ in 0..<30 {
                now = now.addingTimeInterval(Double(Int.random(in: 0...900, using: &rng)))
                let command = Self.randomCommand(&rng, now: now)
                let context = ArticleContext(actor: Scenario.actor(logins.randomElement(using: &rng)!), now: now, roster: Scenario.roster)
                guard let events = try? ArticleDecider.decide(command, state: state, context: context) else { continue }
                state = events.reduce(state, ArticleDecider.evolve)
                if state.effectiveStatus(at: now).isPublic || state.status == .scheduled {
                    reachedPublic += 1
                    #expect(ArticleDecider.missingForPublication(state).isEmpty, "public article breaks the rules after \(command)")
                    #expect(!state.headline.unicodeScalars.contains("\u{0}"))
                }
            }
        }
        // The generator must actually reach publication, or the invariant above was never checked.
        #expect(reachedPublic > 0, "no random sequence reached publication")
    }
}
