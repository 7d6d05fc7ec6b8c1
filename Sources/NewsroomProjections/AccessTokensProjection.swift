import Foundation
import Logging
import NewsroomDomain
import NewsroomEventStore
import PostgresNIO

/// Who may read the audit trail over HTTP: the digests of issued tokens, and the current staff
/// role of each holder. The read API sees only `valid_tokens`, which already leaves out revoked
/// tokens and holders who are no longer editors or chiefs, so a demotion or a removal from the
/// staff closes access without touching the token.
public struct AccessTokensProjection: Projection {
    public let name = "access"
    public let version = 1
    /// Never reads an article.
    public let foldsOnlyLatestBodies = true
    public let publicTables = ["valid_tokens"]
    public init() {}

    public func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        for sql in [
            """
            CREATE TABLE \(schema).tokens (
                token_id uuid PRIMARY KEY, holder text NOT NULL, label text NOT NULL, digest text NOT NULL UNIQUE,
                issued_at timestamptz NOT NULL, issued_by text NOT NULL, revoked_at timestamptz, revoked_by text)
            """,
            "CREATE TABLE \(schema).staff_roles (login text PRIMARY KEY, role text NOT NULL)",
            """
            CREATE VIEW \(schema).valid_tokens AS
            SELECT t.token_id, t.digest, t.holder, s.role FROM \(schema).tokens t JOIN \(schema).staff_roles s ON s.login = t.holder
            WHERE t.revoked_at IS NULL AND s.role IN ('editor', 'chief')
            """,
        ] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// Articles are most of the log and none of this model's business.
    public func concerns(_ record: RecordedEvent) -> Bool {
        record.streamID.rawValue == "staff" || record.streamID.rawValue == "access-tokens"
    }

    public func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        for record in events {
            if record.streamID.rawValue == "staff" {
                switch try StaffEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload) {
                case .memberAdded(let login, _, let role), .roleChanged(let login, let role):
                    try await connection.query("""
                        INSERT INTO \(unescaped: schema).staff_roles (login, role) VALUES (\(login), \(role.rawValue))
                        ON CONFLICT (login) DO UPDATE SET role = excluded.role
                        """, logger: logger)
                case .memberRemoved(let login):
                    try await connection.query("DELETE FROM \(unescaped: schema).staff_roles WHERE login = \(login)", logger: logger)
                }
            } else if record.streamID.rawValue == "access-tokens" {
                switch try AccessTokenEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload) {
                case .issued(let id, let holder, let label, let digest):
                    try await connection.query("""
                        INSERT INTO \(unescaped: schema).tokens (token_id, holder, label, digest, issued_at, issued_by)
                        VALUES (\(id), \(holder), \(label), \(digest), \(record.recordedAt), \(record.actor)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                case .revoked(let id):
                    try await connection.query("""
                        UPDATE \(unescaped: schema).tokens SET revoked_at = \(record.recordedAt), revoked_by = \(record.actor) WHERE token_id = \(id)
                        """, logger: logger)
                }
            }
        }
    }
}
