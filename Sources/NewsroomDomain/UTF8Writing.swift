extension String {
    /// The string `write` makes by appending UTF-8 bytes: the String form of the byte writers
    /// (`UUID.appendLowercasedText`, `Instant.appendText`, ...), which bulk writers call directly.
    @inlinable
    public init(utf8Capacity capacity: Int, _ write: (inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        write(&bytes)
        self = String(decoding: bytes, as: UTF8.self)
    }
}
