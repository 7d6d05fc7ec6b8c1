import Foundation
import NewsroomEventStore
import Testing

@Suite("Reading stored event metadata")
struct EventMetadataTests {
    let command = UUID(uuidString: "6F1A2B3C-4D5E-4F60-8172-839405A6B7C8")!
    let other = UUID(uuidString: "00000000-0000-4000-8000-0000000000FF")!

    @Test("the stored text reads as JSONDecoder reads it, whatever the key order, case and spacing")
    func agreesWithJSONDecoder() throws {
        for text in [
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8"}"#,
            #"{"causationID": "00000000-0000-4000-8000-0000000000ff", "commandID": "6F1A2B3C-4D5E-4F60-8172-839405A6B7C8", "correlationID": "00000000-0000-4000-8000-0000000000ff"}"#,
            #"{ "correlationID" : null , "commandID":"6f1a2b3c-4d5e-4f60-8172-839405a6b7c8","causationID":null }"#,
        ] {
            let fast = try #require(EventMetadata(storedText: text), "\(text)")
            let foundation = try JSONDecoder().decode(EventMetadata.self, from: Data(text.utf8))
            #expect(fast == foundation)
            #expect(fast.commandID == command)
        }
        let full = try #require(EventMetadata(storedText: #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": "00000000-0000-4000-8000-0000000000ff"}"#))
        #expect(full.correlationID == command, "a missing correlation id is the command's own")
        #expect(full.causationID == other)
    }

    @Test("metadata without a readable command id is refused, not guessed")
    func refusesDamagedMetadata() {
        for text in [
            "", "null", "[]", "{}", #"{"commandID": null}"#, #"{"commandID": 7}"#, #"{"commandID": "not-a-uuid"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": "x"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": true}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8""#,
        ] {
            #expect(EventMetadata(storedText: text) == nil, "\(text)")
        }
    }
}
