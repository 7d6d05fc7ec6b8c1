import Foundation
@testable import NewsroomEventStore
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
            // As jsonb prints what newsroom writes (read without the parser), and near misses.
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": "00000000-0000-4000-8000-0000000000ff"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": "00000000-0000-4000-8000-0000000000ff", "correlationID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8"}"#,
            #"{"commandID": "6F1A2B3C-4D5E-4F60-8172-839405A6B7C8", "causationID": null, "correlationID": "00000000-0000-4000-8000-0000000000ff"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": "00000000-0000-4000-8000-0000000000ff", "x": 1}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": "00000000-0000-4000-8000-0000000000ff"} "#,
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

    @Test("the form jsonb prints is read without the parser; any other form is left to it")
    func readsJSONBsFormDirectly() throws {
        func direct(_ text: String) -> EventMetadata? {
            var text = text
            return text.withUTF8(EventMetadata.printedByJSONB)
        }
        for text in [
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8"}"#,
            #"{"commandID": "6F1A2B3C-4D5E-4F60-8172-839405A6B7C8", "correlationID": "00000000-0000-4000-8000-0000000000ff"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": "00000000-0000-4000-8000-0000000000ff", "correlationID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8"}"#,
        ] {
            let read = try #require(direct(text), "\(text)")
            #expect(read == (try JSONDecoder().decode(EventMetadata.self, from: Data(text.utf8))))
        }
        for text in [
            #"{"correlationID": "00000000-0000-4000-8000-0000000000ff", "commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8"}"#,
            #"{"commandID":"6f1a2b3c-4d5e-4f60-8172-839405a6b7c8"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": null}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "x": 1}"#,
        ] {
            #expect(direct(text) == nil, "\(text)")
            #expect(EventMetadata(storedText: text)?.commandID == command, "\(text)")
        }
    }

    @Test("metadata without a readable command id is refused, not guessed")
    func refusesDamagedMetadata() {
        for text in [
            "", "null", "[]", "{}", #"{"commandID": null}"#, #"{"commandID": 7}"#, #"{"commandID": "not-a-uuid"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": "x"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": true}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8""#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": "00000000-0000-4000-8000-0000000000f"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "causationID": "00000000-0000-4000-8000-0000000000fg"}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": "00000000-0000-4000-8000-0000000000ff"}}"#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8", "correlationID": "00000000-0000-4000-8000-0000000000ff""#,
            #"{"commandID": "6f1a2b3c-4d5e-4f60-8172-839405a6b7c8x"}"#,
        ] {
            #expect(EventMetadata(storedText: text) == nil, "\(text)")
        }
    }
}
