-- Row 1's baseline and floor tables (Scripts/bench, Scripts/profile-append), in a migrated
-- newsroom database. raw_events: an event-shaped row, for the raw single-row INSERT. floor_*:
-- empty copies of the log's tables with their indexes and the actor trigger, for the log's own
-- writes as one statement (log_writes.sql) with no function, no decision and no Swift client.
CREATE TABLE raw_events (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, stream_version int NOT NULL, event_id uuid NOT NULL UNIQUE, event_type text NOT NULL, payload jsonb NOT NULL, metadata jsonb NOT NULL, actor text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE floor_streams (LIKE streams INCLUDING ALL);
CREATE TABLE floor_commands (LIKE commands INCLUDING ALL);
CREATE TABLE floor_events (LIKE events INCLUDING ALL);
CREATE TRIGGER floor_actor_is_session_user BEFORE INSERT ON floor_events FOR EACH ROW EXECUTE FUNCTION require_session_actor();
INSERT INTO floor_streams (stream_id, stream_type, version) SELECT 'floor-' || n, 'article', 0 FROM generate_series(1, 8) n;
