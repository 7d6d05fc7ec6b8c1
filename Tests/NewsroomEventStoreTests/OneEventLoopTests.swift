import Foundation
import NIOPosix
import NewsroomEventStore
import NewsroomTestSupport
import Testing

@Suite("A client on one event loop")
struct OneEventLoopTests {
    @Test("the body resumes on its connections' event loop after every round trip, and work side by side still completes")
    func bodyStaysOnTheLoop() async throws {
        let db = try await TestCluster.freshDatabase()
        try await Database.withClient(db, logger: TestCluster.logger, onOneEventLoop: true) { client in
            let loop = try #require(MultiThreadedEventLoopGroup.currentEventLoop, "the body should start on an event loop")
            let store = EventStore(client: client, logger: TestCluster.logger)
            let stream = StreamID("loop-\(UUID())")
            for n in 1...20 {
                _ = try await store.append([NewEvent(type: "Noted", payload: "{\"n\":\(n)}")], to: stream, streamType: "test",
                                           expectedVersion: n == 1 ? .noStream : .exactly(n - 1), metadata: EventMetadata(commandID: UUID()), digest: "d\(n)")
                #expect(loop.inEventLoop, "round trip \(n) resumed off the loop")
            }
            async let all = store.readStream(stream)
            async let later = store.readStream(stream, afterVersion: 15)
            let (first, second) = try await (all, later)
            #expect(first.map(\.streamVersion) == Array(1...20))
            #expect(second.map(\.streamVersion) == Array(16...20))
            #expect(loop.inEventLoop)
        }
    }
}
