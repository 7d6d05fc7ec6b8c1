import Foundation
import NewsroomDomain
import Testing

@Suite("UUIDs without Foundation's formatter and generator")
struct UUIDTextTests {
    @Test("random ids are version 4 with the RFC 4122 variant, all different, and their text round-trips")
    func randomIDs() {
        let ids = (0..<20_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(500) {
            let text = id.uuidString
            #expect(Array(text)[14] == "4", "\(text) is not version 4")
            #expect("89AB".contains(Array(text)[19]), "\(text) lacks the RFC 4122 variant")
            #expect(id.lowercasedText == text.lowercased())
            #expect(UUID(hexText: Substring(text)) == id)
        }
        // Every other bit varies: no byte of the 16 is the same across all ids.
        let bytes = ids.prefix(64).map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        for index in 0..<16 where index != 6 && index != 8 {
            #expect(Set(bytes.map { $0[index] }).count > 1, "byte \(index) never changes")
        }
    }
}
