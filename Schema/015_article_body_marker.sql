-- Whether an event sets an article's body, worked out by PostgreSQL as the event is written. A
-- rebuild reads the log with each body that a later event of the same article replaces left out
-- (SupersededBodies, ReadAllBlankingStatement); to know which events set a body, that read
-- unpacked every body-carrying payload, on top of the unpacking that prints it. A body is 3-8 KB,
-- so its payload lives compressed in the TOAST table: each look was an index probe, a fetch of
-- its chunks and a decompression. Measured on an archive of 1,063,334 events (220,000 bodies),
-- the whole log read to /dev/null: 12.3-13.3 s with the look, 10.6-11.5 s reading a column
-- instead, the same 661 MB out byte for byte; the look alone was 1.97 s of one core.
--
-- The column must say exactly what SupersededBodies.paths say (a JSON string at the path; a null
-- or a missing key sets nothing): SupersededBodiesTests compares the two over events of every
-- kind, through each way in. NULL: written before this migration, and the read looks as it did;
-- adding a nullable column rewrites nothing.
--
-- Where it is worked out was measured in instructions per append (Scripts/profile-append, three
-- runs each; an append was 634,000-642,000):
--   a generated column (STORED): 807,000. PostgreSQL prepares the expression again for every
--     statement that inserts;
--   set in the log's BEFORE INSERT trigger: 664,000. plpgsql prepares its expressions again in
--     every transaction, and a changed NEW is a new row;
--   written by append_event (a command's usual append), with the trigger setting it only where
--     an insert left it NULL (every other append): 655,000-659,000 with
--     jsonb_typeof(payload #> path) = 'string', 646,000-650,000 with one jsonpath test per
--     type. Each function in an expression costs its checks again at every execution, so the
--     fewer the better. That is the form below, stated once in
--     event_sets_article_body, which PostgreSQL inlines: 648,000-653,000.
-- An archive import hands it over in its COPY (SupersededBodies.setsBody, from the payload it has
-- parsed anyway): set by the trigger, it cost an import of those 1,063,334 events 1.5 s (34.7 and
-- 35.3 s against 33.4 and 33.6 s).
-- Staff cannot write it at all (they have no INSERT on events); only the log's owner could write
-- a wrong value, as it could write anything else.
ALTER TABLE events ADD COLUMN sets_article_body boolean;

-- The one statement of what sets a body, for the trigger and append_event below. A plain SQL
-- expression, so PostgreSQL inlines it into each caller's plan: no call per event.
CREATE FUNCTION event_sets_article_body(p_event_type text, p_payload jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(CASE p_event_type
                        WHEN 'ArticleDrafted' THEN p_payload @? 'strict $.fields.body ? (@.type() == "string")'
                        WHEN 'ArticleEdited' THEN p_payload @? 'strict $.body ? (@.type() == "string")'
                        WHEN 'ArticleCorrected' THEN p_payload @? 'strict $.changes.body ? (@.type() == "string")'
                    END, false)
$$;

-- Still named for its first job: the log's and row 1's floor tables (Scripts/lib/row1_tables.sql)
-- share it, and a second trigger would cost every event a second call.
CREATE OR REPLACE FUNCTION require_session_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user::text
       AND coalesce(current_setting('newsroom.import_id', true), '') = '' THEN
        RAISE EXCEPTION 'event actor "%" is not the authenticated role "%"', NEW.actor, session_user
            USING ERRCODE = 'NR004';
    END IF;
    IF NEW.actor = '' THEN
        RAISE EXCEPTION 'an event needs an actor' USING ERRCODE = 'NR004';
    END IF;
    IF NEW.sets_article_body IS NULL THEN
        NEW.sets_article_body := public.event_sets_article_body(NEW.event_type, NEW.payload);
    END IF;
    RETURN NEW;
END
$$;

-- Migration 014's append_event, writing the column itself.
CREATE OR REPLACE FUNCTION append_event(
    p_stream_id text, p_stream_type text, p_expected_version integer,
    p_command_id uuid, p_command_digest text,
    p_event_id uuid, p_event_type text, p_schema_version integer, p_payload jsonb, p_metadata jsonb,
    p_context_stream text, p_context_version integer
) RETURNS TABLE (first_position bigint, last_position bigint, stream_version integer, duplicate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor    text := session_user;
    v_now      timestamptz := clock_timestamp();
    v_recorded boolean := false;
    v_last     bigint;
    v_version  integer;
BEGIN
    IF p_expected_version > 0 THEN
        WITH command AS (
            INSERT INTO commands (command_id, stream_id, digest, actor, recorded_at)
            SELECT p_command_id, p_stream_id, p_command_digest, v_actor, v_now
            WHERE p_context_stream IS NULL
               OR coalesce((SELECT c.version FROM streams c WHERE c.stream_id = p_context_stream), 0) = p_context_version
            ON CONFLICT (command_id) DO NOTHING
            RETURNING true AS recorded
        ), head AS (
            UPDATE streams s SET version = s.version + 1,
                head_hash = event_hash(s.head_hash, p_stream_id, s.version + 1, p_event_id, p_event_type, p_schema_version,
                                       p_payload, p_metadata, v_actor, v_now),
                last_actor = v_actor, last_recorded_at = v_now
            WHERE s.stream_id = p_stream_id AND s.version = p_expected_version AND EXISTS (SELECT FROM command)
            RETURNING s.version, s.head_hash
        ), written AS (
            INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload,
                                metadata, command_id, actor, recorded_at, hash, sets_article_body)
            SELECT p_stream_id, head.version, p_event_id, p_event_type, p_schema_version, p_payload, p_metadata,
                   p_command_id, v_actor, v_now, head.head_hash,
                   event_sets_article_body(p_event_type, p_payload)
            FROM head
            RETURNING events.position, events.stream_version
        )
        SELECT EXISTS (SELECT FROM command), written.position, written.stream_version
        INTO v_recorded, v_last, v_version
        FROM (SELECT) AS one LEFT JOIN written ON true;
        IF v_last IS NOT NULL THEN
            RETURN QUERY SELECT v_last, v_last, v_version, false;
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT * FROM append_events_rest(
        p_stream_id, p_stream_type, p_expected_version, p_command_id, p_command_digest,
        jsonb_build_array(jsonb_build_object('event_id', p_event_id, 'event_type', p_event_type, 'schema_version', p_schema_version,
                                             'payload', p_payload, 'metadata', p_metadata)),
        p_context_stream, p_context_version, v_now, v_recorded);
END
$$;
