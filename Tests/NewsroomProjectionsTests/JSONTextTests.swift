import Foundation
@testable import NewsroomProjections
import Testing

@Suite("JSON text")
struct JSONTextTests {
    @Test("what it writes parses back to the same values, whatever the strings hold")
    func roundTrip() throws {
        let hostile = "Kutipan \"langsung\", garis\\miring, baris\nbaru, tab\t, kontrol \u{1}\u{1f}, emoji 🇮🇩, é, ' OR 1=1 --, </script>"
        let document: [String: Any] = [
            "text": hostile, "int": 42, "negative": -7, "double": 2.5, "whole": 3.0, "true": true, "false": false, "null": NSNull(),
            "array": [1, "two", [hostile], ["nested": NSNull()]] as [Any], "empty": [String: Any](), "none": [Any](),
            "optional": Optional<String>.none as Any, "some": Optional("ada") as Any,
        ]
        let text = JSONText.encode(document)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["text"] as? String == hostile)
        #expect(parsed["int"] as? Int == 42 && parsed["negative"] as? Int == -7)
        #expect(parsed["double"] as? Double == 2.5 && parsed["whole"] as? Double == 3)
        #expect(parsed["true"] as? Bool == true && parsed["false"] as? Bool == false)
        #expect(parsed["null"] is NSNull && parsed["optional"] is NSNull && parsed["some"] as? String == "ada")
        let array = try #require(parsed["array"] as? [Any])
        #expect(array.count == 4 && (array[2] as? [String])?.first == hostile)
        #expect((parsed["empty"] as? [String: Any])?.isEmpty == true && (parsed["none"] as? [Any])?.isEmpty == true)
        #expect(text.hasPrefix("{\"array\":"))  // keys sorted
    }
}
