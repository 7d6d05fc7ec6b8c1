import Foundation
import PostgresNIO

/// Who the database says we are. The actor of every event is this login, checked inside PostgreSQL.
public struct SessionIdentity: Sendable, Hashable {
    public var login: String
    /// Superuser or CREATEROLE: the account that installed newsroom and manages logins.
    public var isAdministrator: Bool
}

extension EventStore {
    public func sessionIdentity() async throws -> SessionIdentity {
        do {
            let rows = try await run("""
                SELECT session_user::text, coalesce((SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = session_user), false)
                """)
            for try await (login, admin) in rows.decode((String, Bool).self) {
                return SessionIdentity(login: login, isAdministrator: admin)
            }
            throw EventStoreError(.server, "session_user returned nothing")
        } catch {
            throw EventStoreError.from(error)
        }
    }

    /// Creates (or updates) the PostgreSQL login for a member of staff, in the group role that
    /// grants what the role may do. DDL takes no bind parameters, so PostgreSQL itself quotes the
    /// names (format %I / %L) and we run the text it returns.
    public func ensureLogin(_ login: String, group: String, password: String?) async throws {
        do {
            try await withConnection { connection in
                var exists = false
                for try await _ in try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(login)", logger: logger) { exists = true }
                if !exists {
                    try await execute(formatted: "format('CREATE ROLE %I LOGIN', \(login)::text)", on: connection)
                }
                for other in Self.staffGroups where other != group {
                    try await execute(formatted: "format('REVOKE %I FROM %I', \(other)::text, \(login)::text)", on: connection)
                }
                try await execute(formatted: "format('GRANT %I TO %I', \(group)::text, \(login)::text)", on: connection)
                if let password {
                    try await execute(formatted: "format('ALTER ROLE %I PASSWORD %L', \(login)::text, \(password)::text)", on: connection)
                }
            }
        } catch {
            throw EventStoreError.from(error)
        }
    }

    /// Takes the login's newsroom group memberships away, so it can no longer append.
    public func revokeLogin(_ login: String) async throws {
        do {
            try await withConnection { connection in
                for group in Self.staffGroups {
                    try await execute(formatted: "format('REVOKE %I FROM %I', \(group)::text, \(login)::text)", on: connection)
                }
            }
        } catch {
            throw EventStoreError.from(error)
        }
    }

    static let staffGroups = ["newsroom_reporter", "newsroom_editor", "newsroom_chief"]

    private func execute(formatted query: PostgresQuery, on connection: PostgresConnection) async throws {
        let select = PostgresQuery(unsafeSQL: "SELECT " + query.sql, binds: query.binds)
        var statement = ""
        for try await text in try await connection.query(select, logger: logger).decode(String.self) { statement = text }
        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
    }
}

extension EventStore {
    /// SHA-256 of a bearer secret, as lowercase hex: PostgreSQL's own sha256(), the same expression
    /// the read API uses to look a presented token up, so the two can never disagree.
    public func sha256Hex(_ secret: String) async throws -> String {
        do {
            for try await digest in try await run("SELECT encode(sha256(convert_to(\(secret), 'UTF8')), 'hex')").decode(String.self) {
                return digest
            }
            throw EventStoreError(.server, "sha256 returned nothing")
        } catch {
            throw EventStoreError.from(error)
        }
    }
}
