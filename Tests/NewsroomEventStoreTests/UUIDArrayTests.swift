import Foundation
import NewsroomDomain
import NewsroomEventStore
import NewsroomTestSupport
import PostgresNIO
import Testing

@Suite("Ids bound as one uuid[] parameter")
struct UUIDArrayTests {
    @Test("PostgreSQL reads the array as written: empty, one, many, in order, and as ANY's right side")
    func readsBack() async throws {
        let db = try await TestCluster.freshDatabase()
        try await TestCluster.withStore(db) { store in
            let many = (0..<1_000).map { _ in UUID.random() } + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
            for ids in [[], [many[0]], many] {
                let rows = try await store.client.query("SELECT coalesce(array_length(\(UUIDArray(ids)), 1), 0), array_to_string(\(UUIDArray(ids)), ',')", logger: TestCluster.logger)
                for try await (count, text) in rows.decode((Int, String).self) {
                    #expect(count == ids.count)
                    #expect(text == ids.map(\.lowercasedText).joined(separator: ","))
                }
            }
            let found = try await store.client.query("SELECT count(*)::int FROM unnest(\(many)::uuid[]) AS id WHERE id = ANY(\(UUIDArray(Array(many.suffix(3)))))", logger: TestCluster.logger)
            for try await count in found.decode(Int.self) { #expect(count == 3) }
        }
    }
}
