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
            var appended = Array("id=".utf8)
            id.appendLowercasedText(to: &appended)
            #expect(String(decoding: appended, as: UTF8.self) == "id=" + text.lowercased())
            #expect(UUID(hexText: Substring(text)) == id)
        }
        // Every other bit varies: no byte of the 16 is the same across all ids.
        let bytes = ids.prefix(64).map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        for index in 0..<16 where index != 6 && index != 8 {
            #expect(Set(bytes.map { $0[index] }).count > 1, "byte \(index) never changes")
        }
    }

    @Test("ids taken at once from many tasks, across many refills of the shared random block, never repeat")
    func concurrentRandomIDs() async {
        let perTask = 4_000
        let batches = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<16 {
                group.addTask { (0..<perTask).map { _ in UUID.random() } }
            }
            var batches: [[UUID]] = []
            for await batch in group { batches.append(batch) }
            return batches
        }
        let all = batches.flatMap { $0 }
        #expect(all.count == 16 * perTask)
        #expect(Set(all).count == all.count, "\(all.count - Set(all).count) ids were handed out twice")
    }

    @Test("hex text reads either case and refuses anything that is not exactly a UUID's 36 characters")
    func hexText() {
        let id = UUID(uuidString: "0A1B2C3D-4E5F-4071-8293-A4B5C6D7E8F9")!
        #expect(UUID(hexText: "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9") == id)
        #expect(UUID(hexText: "0A1B2C3D-4E5F-4071-8293-A4B5C6D7E8F9") == id)
        #expect(UUID(hexText: Substring("article-0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9".dropFirst(8))) == id)
        for bad in ["", "0a1b2c3d4e5f40718293a4b5c6d7e8f9", "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f", "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f90",
                    "0a1b2c3d-4e5f-4071-8293_a4b5c6d7e8f9", "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8fg", "0a1b2c3d--4e5f-4071-8293-a4b5c6d7e8f",
                    "0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8é", "'; DROP TABLE events; --------------"] {
            #expect(UUID(hexText: Substring(bad)) == nil, "\(bad) was read as a UUID")
        }
    }
}
