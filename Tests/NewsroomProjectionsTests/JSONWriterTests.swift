import Foundation
@testable import NewsroomProjections
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("what it writes parses back to the same values, whatever the strings hold, with commas only between siblings")
    func roundTrip() throws {
        let hostile = "Kutipan \"langsung\", garis\\miring, baris\nbaru, tab\t, kontrol \u{1}\u{1f}, emoji 🇮🇩, é, ' OR 1=1 --, </script>"
        var w = JSONWriter()
        w.open("{")
        w.key("array")
        w.open("[")
        w.literal("1")
        w.string("two")
        w.open("[")
        w.string(hostile)
        w.close("]")
        w.open("{")
        w.key("nested")
        w.literal("null")
        w.close("}")
        w.open("[")
        w.close("]")
        w.close("]")
        w.key("empty")
        w.open("{")
        w.close("}")
        w.field("false", false)
        w.field("int", -42)
        w.field("none", nil as String?)
        w.field("some", "ada")
        w.field("strings", [hostile, ""])
        w.field("text", hostile)
        w.field("true", true)
        w.close("}")

        #expect(w.text.hasPrefix(#"{"array":[1,"two",["#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(w.text.utf8)) as? [String: Any])
        #expect(Set(parsed.keys) == ["array", "empty", "false", "int", "some", "strings", "text", "true"], "a nil member is left out")
        #expect(parsed["text"] as? String == hostile)
        #expect(parsed["strings"] as? [String] == [hostile, ""])
        #expect(parsed["int"] as? Int == -42 && parsed["some"] as? String == "ada")
        #expect(parsed["true"] as? Bool == true && parsed["false"] as? Bool == false)
        let array = try #require(parsed["array"] as? [Any])
        #expect(array.count == 5 && array[0] as? Int == 1 && (array[2] as? [String])?.first == hostile)
        #expect((array[3] as? [String: Any])?["nested"] is NSNull && (array[4] as? [Any])?.isEmpty == true)
        #expect((parsed["empty"] as? [String: Any])?.isEmpty == true)
    }
}
