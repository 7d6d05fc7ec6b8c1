/// Skips, eight bytes at a time, the runs of text that an escaper or a parser copies as they are.
/// Article bodies are 3-8 KB with an escape every few hundred bytes; looking at each byte on its
/// own was the largest single cost of writing and reading their JSON and COPY text.
enum PlainRuns {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The start of the first eight-byte word at or after `start` that may hold a byte below
    /// `below` (at most 0x80) or equal to `first` or `second`; the caller looks at the bytes one
    /// by one from there. A word never holds such a byte when it is skipped, so the answer is at
    /// or before the first one.
    @inline(__always)
    static func skip(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, below: UInt8, _ first: UInt8, _ second: UInt8) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var index = start
        let under = ones &* UInt64(below), firstWord = ones &* UInt64(first), secondWord = ones &* UInt64(second)
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // A byte below n sets its high bit in (word - n) & ~word (for n at most 0x80); a byte
            // equal to c is a zero byte of word ^ c. Borrows only ever add bits above a true one.
            let low = (word &- under) & ~word
            let a = word ^ firstWord, b = word ^ secondWord
            if (low | ((a &- ones) & ~a) | ((b &- ones) & ~b)) & highs != 0 { break }
            index += 8
        }
        return index
    }
}
