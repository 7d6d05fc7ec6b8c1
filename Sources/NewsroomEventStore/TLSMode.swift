import NIOSSL
import PostgresNIO

/// libpq's `sslmode`, with libpq's meaning: `prefer` and `require` encrypt without checking the
/// server's certificate (a self-signed one, the usual PostgreSQL set-up, is accepted), and only
/// the `verify-` modes check it, against `sslrootcert`/`PGSSLROOTCERT` when given.
///
/// Not checking also spares every process the loading of the system's certificate bundle, which
/// took 20-30 ms of each `newsroom` command's start-up.
public enum TLSMode: Sendable, Hashable {
    case disable
    /// `allow` and `prefer`: encrypted when the server offers it, plain when it does not.
    case prefer
    case require
    /// The certificate must chain to `rootCertificate` (a PEM file; nil: the system's roots).
    case verifyCA(rootCertificate: String?)
    /// As `verifyCA`, and the certificate must name the host connected to.
    case verifyFull(rootCertificate: String?)

    static let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// `sslmode` nil means libpq's default, `prefer`. An unknown mode is an error, not a quiet
    /// `disable`: a misspelt `require` must not send the password in the clear.
    public init(sslmode: String?, rootCertificate: String? = nil, source: String = "sslmode") throws {
        switch sslmode ?? "prefer" {
        case "disable": self = .disable
        case "allow", "prefer": self = .prefer
        case "require": self = .require
        case "verify-ca": self = .verifyCA(rootCertificate: rootCertificate)
        case "verify-full": self = .verifyFull(rootCertificate: rootCertificate)
        case let other:
            throw EventStoreError(.databaseUnavailable, "\(source) is \"\(other)\", which is not an sslmode. Use one of \(Self.modes.joined(separator: ", ")) (libpq's meanings); without it newsroom uses prefer.")
        }
    }

    /// Whether a server without TLS is refused.
    var required: Bool { self != .disable && self != .prefer }

    /// The pool's form of this mode.
    var clientTLS: PostgresClient.Configuration.TLS {
        guard let configuration else { return .disable }
        return required ? .require(configuration) : .prefer(configuration)
    }

    /// A single connection's form of this mode, which takes a ready SSL context.
    func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let configuration else { return .disable }
        let context = try NIOSSLContext(configuration: configuration)
        return required ? .require(context) : .prefer(context)
    }

    /// What NIOSSL needs; nil when TLS is off.
    var configuration: TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch self {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyCA(let root):
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = root.map { .file($0) } ?? .default
        case .verifyFull(let root):
            configuration.certificateVerification = .fullVerification
            configuration.trustRoots = root.map { .file($0) } ?? .default
        }
        return configuration
    }
}
