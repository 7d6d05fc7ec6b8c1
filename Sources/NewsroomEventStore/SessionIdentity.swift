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
    /// grants what the role may do. A chief's login may not create roles or grant groups itself:
    /// `staff_login_grant` (Schema/017) does it as newsroom's owner, and refuses what a chief may
    /// not do (take over a privileged role, set an existing login's password).
    public func ensureLogin(_ login: String, group: String, password: String?) async throws {
        try await runStaffFunction("SELECT staff_login_grant(\(login), \(group), \(password))")
    }

    /// Takes the login's newsroom group memberships away, so it can no longer append.
    public func revokeLogin(_ login: String) async throws {
        try await runStaffFunction("SELECT staff_login_revoke(\(login))")
    }

    private func runStaffFunction(_ query: PostgresQuery) async throws {
        do {
            // The rows must be read: a SELECT's sequence dropped unread does not wait for the call.
            _ = try await withConnection { connection in
                try await connection.query(query, logger: logger).collect()
            }
        } catch {
            throw EventStoreError.from(error)
        }
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
