import Foundation
import Testing
@testable import NewsroomDomain

/// Audit tokens: given tokens / when command / then events or the rule that refuses it.
@Suite("Audit token decider")
struct AccessTokenDeciderTests {
    static let digest = String(repeating: "ab", count: 32)
    static let otherDigest = String(repeating: "cd", count: 32)
    static let tokenID = UUID(uuidString: "0b7e8c52-4a51-4f2e-9d6c-3f1a2b4c5d6e")!

    func when(_ command: AccessTokenCommand, by login: String, given history: [AccessTokenEvent] = []) -> Result<[AccessTokenEvent], RuleViolation> {
        let context = AccessTokenContext(actor: Scenario.actor(login), roster: Scenario.roster)
        do { return .success(try AccessTokenDecider.decide(command, state: AccessTokenDecider.fold(history), context: context)) } catch { return .failure(error) }
    }

    @Test("an editor issues a token for themselves; a chief for any editor; the administrator too")
    func whoMayIssue() {
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: "dashboard", digest: Self.digest), by: "yudono").events
                == [.issued(tokenID: Self.tokenID, holder: "yudono", label: "dashboard", digest: Self.digest)])
        #expect(when(.issue(tokenID: Self.tokenID, holder: "sari", label: "", digest: Self.digest), by: "chief").events?.count == 1)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "chief", label: "", digest: Self.digest), by: "admin").events?.count == 1)
    }

    @Test("an editor cannot issue a token for another editor; a reporter gets none, nor does a stranger")
    func refusals() {
        #expect(when(.issue(tokenID: Self.tokenID, holder: "sari", label: "", digest: Self.digest), by: "yudono").violation?.code == .notAllowed)
        let reporter = when(.issue(tokenID: Self.tokenID, holder: "rina", label: "", digest: Self.digest), by: "chief").violation
        #expect(reporter?.code == .notAllowed)
        #expect(reporter?.message.contains("newsroom staff role rina editor") == true)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "nobody", label: "", digest: Self.digest), by: "chief").violation?.code == .notFound)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "rina", label: "", digest: Self.digest), by: "rina").violation?.code == .notAllowed)
    }

    @Test("labels without control characters, digests of 64 lowercase hex digits, no digest twice")
    func inputs() {
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: "a\u{0}b", digest: Self.digest), by: "yudono").violation?.code == .invalidInput)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: String(repeating: "x", count: 201), digest: Self.digest), by: "yudono").violation?.code == .invalidInput)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: "", digest: "secret"), by: "yudono").violation?.code == .invalidInput)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: "", digest: Self.digest.uppercased()), by: "yudono").violation?.code == .invalidInput)
        let issued = AccessTokenEvent.issued(tokenID: Self.tokenID, holder: "yudono", label: "", digest: Self.digest)
        #expect(when(.issue(tokenID: UUID(), holder: "sari", label: "", digest: Self.digest), by: "chief", given: [issued]).violation?.code == .alreadyExists)
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: "", digest: Self.digest), by: "yudono", given: [issued]).events == [])
        #expect(when(.issue(tokenID: Self.tokenID, holder: "yudono", label: "", digest: Self.otherDigest), by: "yudono", given: [issued]).violation?.code == .alreadyExists)
    }

    @Test("the holder or a chief revokes; revoking twice changes nothing; unknown ids are named")
    func revoke() {
        let issued = AccessTokenEvent.issued(tokenID: Self.tokenID, holder: "yudono", label: "", digest: Self.digest)
        #expect(when(.revoke(tokenID: Self.tokenID), by: "yudono", given: [issued]).events == [.revoked(tokenID: Self.tokenID)])
        #expect(when(.revoke(tokenID: Self.tokenID), by: "chief", given: [issued]).events == [.revoked(tokenID: Self.tokenID)])
        #expect(when(.revoke(tokenID: Self.tokenID), by: "sari", given: [issued]).violation?.code == .notAllowed)
        #expect(when(.revoke(tokenID: Self.tokenID), by: "yudono", given: [issued, .revoked(tokenID: Self.tokenID)]).events == [])
        let unknown = when(.revoke(tokenID: UUID()), by: "chief", given: [issued]).violation
        #expect(unknown?.code == .notFound)
        #expect(unknown?.message.contains("newsroom token list") == true)
        #expect(AccessTokenDecider.fold([issued, .revoked(tokenID: Self.tokenID)]).active.isEmpty)
    }

    @Test("events survive the round trip through their JSON payloads")
    func codec() throws {
        for event in [AccessTokenEvent.issued(tokenID: Self.tokenID, holder: "yudono", label: "\"; DROP TABLE events; --", digest: Self.digest), .revoked(tokenID: Self.tokenID)] {
            #expect(try AccessTokenEvent.decode(typeName: event.typeName, schemaVersion: 1, payload: event.encodedPayload()) == event)
        }
    }
}
