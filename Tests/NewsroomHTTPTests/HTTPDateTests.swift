import Foundation
@testable import NewsroomHTTP
import Testing

@Suite("HTTP dates")
struct HTTPDateTests {
    @Test("formatting agrees with Foundation's formatter over two centuries of instants, and parses back")
    func againstFoundation() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SystemRandomNumberGenerator()
        let samples = [0.0, 784_111_777, 951_782_400, 1_709_164_799, 4_107_542_400] + (0..<2000).map { _ in Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)) }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.format(date) == formatter.string(from: date), "\(seconds)")
            #expect(HTTPDate.parse(HTTPDate.format(date)) == date, "\(seconds)")
        }
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        for bad in ["", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"] {
            #expect(HTTPDate.parse(bad) == nil, "\(bad)")
        }
    }
}
