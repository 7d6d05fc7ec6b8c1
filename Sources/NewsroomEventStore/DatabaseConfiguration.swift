import Foundation
import PostgresNIO

/// Where to connect, following libpq's conventions: `DATABASE_URL`, or the `PG*` variables.
/// `PGUSER`/`PGPASSWORD` alone only choose who you are; they do not leave the embedded database.
public struct ConnectionSettings: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// How long a connection may take to open before it is reported as unreachable: libpq's
    /// `connect_timeout` / `PGCONNECT_TIMEOUT` (whole seconds; 0 waits as long as it takes).
    /// Short by default, so that "nobody is listening" is said at once; a loaded machine may
    /// need longer.
    public var connectTimeout: Duration

    public static let defaultConnectTimeout = Duration.seconds(5)

    public init(endpoint: Endpoint, user: String, password: String? = nil, database: String, tls: TLSMode = .disable,
                connectTimeout: Duration = defaultConnectTimeout) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
    }

    /// libpq's reading of a connect timeout: whole seconds, 0 or less for no limit, and at least 2.
    static func connectTimeout(_ text: String?, source: String) throws -> Duration {
        guard let text = nonEmpty(text?.trimmingCharacters(in: .whitespaces)) else { return defaultConnectTimeout }
        guard let seconds = Int(text) else {
            throw EventStoreError(.databaseUnavailable, "\(source) is \"\(text)\", not a number of seconds. Give whole seconds, such as 30, or 0 to wait as long as it takes.")
        }
        return seconds <= 0 ? .seconds(86_400) : .seconds(max(seconds, 2))
    }

    /// nil when the environment names no server: the embedded local cluster is meant.
    public static func fromEnvironment(_ env: [String: String], user overrideUser: String? = nil) throws -> ConnectionSettings? {
        let osUser = currentUserName()
        if let url = env["DATABASE_URL"], !url.isEmpty {
            // As libpq: the URL's own connect_timeout wins over PGCONNECT_TIMEOUT.
            var settings = try parse(url: url, defaultUser: osUser,
                                     connectTimeout: try connectTimeout(env["PGCONNECT_TIMEOUT"], source: "PGCONNECT_TIMEOUT"))
            if let overrideUser { settings.user = overrideUser; settings.password = env["PGPASSWORD"] }
            return settings
        }
        let serverKeys = ["PGHOST", "PGPORT", "PGDATABASE", "PGHOSTADDR"]
        guard serverKeys.contains(where: { !(env[$0] ?? "").isEmpty }) else { return nil }
        let user = overrideUser ?? nonEmpty(env["PGUSER"]) ?? osUser
        let port = Int(env["PGPORT"] ?? "") ?? 5432
        let host = nonEmpty(env["PGHOSTADDR"]) ?? nonEmpty(env["PGHOST"]) ?? "/var/run/postgresql"
        let endpoint: Endpoint = host.hasPrefix("/") ? .socket(path: "\(host)/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
        return ConnectionSettings(endpoint: endpoint, user: user, password: env["PGPASSWORD"],
                                  database: nonEmpty(env["PGDATABASE"]) ?? user,
                                  tls: try TLSMode(sslmode: nonEmpty(env["PGSSLMODE"]), rootCertificate: nonEmpty(env["PGSSLROOTCERT"]), source: "PGSSLMODE"),
                                  connectTimeout: try connectTimeout(env["PGCONNECT_TIMEOUT"], source: "PGCONNECT_TIMEOUT"))
    }

    /// `postgres://user:password@host:port/database?sslmode=...&host=/socket/dir`
    /// `connectTimeout` holds where the URL gives no `connect_timeout`.
    public static func parse(url text: String, defaultUser: String, connectTimeout fallback: Duration = defaultConnectTimeout) throws -> ConnectionSettings {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme) else {
            throw EventStoreError(.databaseUnavailable, "DATABASE_URL is not a postgres:// URL: \(redacted(text)). Example: postgres://user:password@localhost:5432/newsroom")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let port = components.port ?? Int(query["port"] ?? "") ?? 5432
        let user = nonEmpty(components.user?.removingPercentEncoding) ?? nonEmpty(query["user"]) ?? defaultUser
        let database = nonEmpty(String(components.path.dropFirst()).removingPercentEncoding) ?? nonEmpty(query["dbname"]) ?? user
        let endpoint: Endpoint
        if let socketDir = nonEmpty(query["host"]), socketDir.hasPrefix("/") {
            endpoint = .socket(path: "\(socketDir)/.s.PGSQL.\(port)")
        } else {
            endpoint = .tcp(host: nonEmpty(components.host) ?? "localhost", port: port)
        }
        return ConnectionSettings(endpoint: endpoint, user: user, password: components.password?.removingPercentEncoding,
                                  database: database,
                                  tls: try TLSMode(sslmode: nonEmpty(query["sslmode"]), rootCertificate: nonEmpty(query["sslrootcert"]), source: "sslmode in DATABASE_URL"),
                                  connectTimeout: nonEmpty(query["connect_timeout"]) == nil ? fallback
                                      : try connectTimeout(query["connect_timeout"], source: "connect_timeout in DATABASE_URL"))
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: tls.clientTLS)
        }
        configuration.options.connectTimeout = connectTimeout
        configuration.options.keepAliveBehavior = nil
        return configuration
    }

    /// A libpq-style URL for psql and friends.
    public var url: String {
        let credentials = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
        switch endpoint {
        case .tcp(let host, let port):
            return "postgres://\(credentials)@\(host):\(port)/\(database)"
        case .socket(let path):
            let url = URL(fileURLWithPath: path)
            let dir = url.deletingLastPathComponent().path
            let port = url.lastPathComponent.split(separator: ".").last.map(String.init) ?? "5432"
            return "postgres://\(credentials)@/\(database)?host=\(dir)&port=\(port)"
        }
    }

    public var displayName: String {
        switch endpoint {
        case .tcp(let host, let port): "\(user)@\(host):\(port)/\(database)"
        case .socket(let path): "\(user)@\(path) database \(database)"
        }
    }

    public func with(database: String) -> ConnectionSettings {
        var copy = self; copy.database = database; return copy
    }

    public func with(user: String, password: String? = nil) -> ConnectionSettings {
        var copy = self; copy.user = user; copy.password = password; return copy
    }
}

func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}

func redacted(_ url: String) -> String {
    guard var components = URLComponents(string: url), components.password != nil else { return url }
    components.password = "***"
    return components.string ?? "(unparseable)"
}

public func currentUserName() -> String {
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? "newsroom"
}

extension ConnectionSettings {
    /// The same place for a single connection (probes, LISTEN, administration).
    public var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            var configuration: PostgresConnection.Configuration
            switch endpoint {
            case .socket(let path):
                configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
            case .tcp(let host, let port):
                configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: try tls.connectionTLS())
            }
            configuration.options.connectTimeout = .nanoseconds(connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000)
            return configuration
        }
    }
}
