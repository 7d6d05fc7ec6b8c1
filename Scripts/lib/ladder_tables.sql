-- Row 1's invariant ladder (Scripts/bench, full run): what each of the log's invariants costs the
-- server, one step at a time, against row 1's raw INSERT. Each step is one INSERT of an event row
-- into a table of its own, with what the steps before it have and one more thing:
--   ladder_versioned  optimistic concurrency: the row's stream and version are unique, and the
--                     statement reads the stream's last version to write the next one
--   ladder_indexed    + the commit-order index (no reader skips a committed event) and a unique
--                     command id (idempotent commands)
--   ladder_chained    + the hash chain (the previous event's hash, sha256 over the new one) and
--                     the body marker the rebuild reads
--   ladder_checked    + the trigger that holds the actor to the session's login: every invariant,
--                     in the leanest layout there is, with the stream's head read from its last
--                     event and the command id made unique on the event itself
--   ladder_recorded   + the command record in a table of its own (ladder_commands), as newsroom
--                     keeps it
-- The last step is newsroom's own layout (log_writes.sql): the stream's head, too, in a table of
-- its own, updated by every append. Every step's ids are time-ordered, as newsroom makes them
-- (append_event.sql); the raw INSERT's are random, as the baseline has always had them.
CREATE FUNCTION ladder_table(name text, log_indexes boolean, actor_check boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)', name);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (position), ADD UNIQUE (event_id), ADD UNIQUE (stream_id, stream_version), ADD COLUMN digest text', name);
    IF log_indexes THEN
        EXECUTE format('CREATE INDEX ON %I (transaction_id, position)', name);
        EXECUTE format('CREATE UNIQUE INDEX ON %I (command_id)', name);
    END IF;
    IF actor_check THEN
        EXECUTE format('CREATE TRIGGER actor_is_session_user BEFORE INSERT ON %I FOR EACH ROW EXECUTE FUNCTION require_session_actor()', name);
    END IF;
    -- pgbench's clients 0-7 write the streams ladder-1 to ladder-8, each started at version 1.
    EXECUTE format($insert$
        INSERT INTO %I (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, command_id, actor, recorded_at, hash)
        SELECT 'ladder-' || n, 1, gen_random_uuid(), 'ArticleDrafted', 1, '{}', '{}', gen_random_uuid(), session_user, now(), '\x00'
        FROM generate_series(1, 8) n
    $insert$, name);
END
$$;
\o /dev/null
SELECT ladder_table('ladder_versioned', false, false), ladder_table('ladder_indexed', true, false),
       ladder_table('ladder_chained', true, false), ladder_table('ladder_checked', true, true),
       ladder_table('ladder_recorded', true, true);
\o
CREATE TABLE ladder_commands (LIKE commands INCLUDING ALL);
DROP FUNCTION ladder_table(text, boolean, boolean);
