import Synchronization

/// A value learned once from the server (who the session is, what it supports) and shared by
/// every copy of the struct that holds it.
public final class Remembered<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    public init() {}

    public var value: Value? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
