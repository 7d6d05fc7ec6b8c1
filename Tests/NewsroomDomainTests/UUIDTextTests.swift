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

    @Test("time-ordered ids are version 7 with the RFC 4122 variant, carry their time, sort by it, and never repeat")
    func timeOrderedIDs() {
        // 2026-12-05 21:52:29.123456789 UTC
        let at = timespec(tv_sec: 1_796_507_549, tv_nsec: 123_456_789)
        let id = UUID.timeOrdered(at: at)
        let text = id.uuidString
        #expect(Array(text)[14] == "7", "\(text) is not version 7")
        #expect("89AB".contains(Array(text)[19]), "\(text) lacks the RFC 4122 variant")
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_796_507_549_123)
        // 456,789 ns into the millisecond, in 4,096ths of it
        #expect(UInt16(bytes[6] & 0x0F) << 8 | UInt16(bytes[7]) == 1_871)

        // PostgreSQL orders uuids by their bytes: a later id sorts after an earlier one, down to
        // the millisecond's 4,096th part, so a B-tree of them grows at its right edge.
        let times = (0..<2_000).map { timespec(tv_sec: 1_796_507_549 + $0 / 1_000, tv_nsec: 800_000_000 + ($0 % 1_000) * 100_000) }  // 100 µs apart, across a second
        let ordered = times.map { UUID.timeOrdered(at: $0) }
        let byteStrings = ordered.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        for (earlier, later) in zip(byteStrings, byteStrings.dropFirst()) {
            #expect(earlier.lexicographicallyPrecedes(later))
        }

        // Ids made in the same instant differ by their random bits.
        let same = (0..<20_000).map { _ in UUID.timeOrdered(at: at) }
        #expect(Set(same).count == same.count)
        let now = UUID.timeOrdered()
        let nowMilliseconds = withUnsafeBytes(of: now.uuid) { Array($0) }[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(abs(Double(nowMilliseconds) / 1000 - Date().timeIntervalSince1970) < 5)
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
