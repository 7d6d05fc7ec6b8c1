import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Why `newsroom serve` could not listen, in words a person can act on. NIO's errors read
/// "bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)" and reached the operator
/// as an internal error, after a log line that said the server was serving.
public struct ListenFailure: Error, CustomStringConvertible {
    /// The address itself is wrong (a usage error), rather than taken or forbidden just now.
    public var isBadAddress: Bool
    public var description: String

    /// The failure `error` stands for when listening on `host`:`port`, or nil for any other error.
    public init?(_ error: any Error, host: String, port: Int) {
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            self.init(isBadAddress: true, description: "--host \(host) is neither an IP address nor a name this machine can resolve. Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine's addresses.")
            return
        }
        guard let io = error as? IOError else { return nil }
        switch io.errnoCode {
        case EADDRINUSE:
            self.init(isBadAddress: false, description: "\(host):\(port) is already in use by another program (perhaps another newsroom serve). Stop it, or pick another --port.")
        case EACCES:
            self.init(isBadAddress: false, description: "This user may not listen on port \(port): ports below 1024 need privileges. Pick a port from 1024 up, and put a reverse proxy in front for port 80 or 443.")
        case EADDRNOTAVAIL:
            self.init(isBadAddress: true, description: "--host \(host) is not an address of this machine. Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine's addresses.")
        default:
            return nil
        }
    }

    init(isBadAddress: Bool, description: String) {
        self.isBadAddress = isBadAddress
        self.description = description
    }
}
