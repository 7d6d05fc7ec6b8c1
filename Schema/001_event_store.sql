-- The event log: append-only, hash-chained per stream, ordered so that no reader can skip a commit.
--
-- Ordering design (see EventStore.swift for the reader side): every event records the id of the
-- transaction that wrote it (pg_current_xact_id()). Identity values are handed out at INSERT time,
-- not at commit, so "position > checkpoint" alone can skip a slow transaction's events. Readers
-- therefore only read events whose transaction id is below the oldest transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())), ordered and checkpointed by (transaction_id, position).
-- Everything below that horizon has either committed or aborted, so nothing can appear behind a
-- reader's checkpoint later. Writers never wait on each other unless they touch the same stream.

DO $$
BEGIN
    -- Roles are cluster-wide; several newsroom databases in one cluster share them.
    BEGIN CREATE ROLE newsroom_staff NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN CREATE ROLE newsroom_reporter NOLOGIN IN ROLE newsroom_staff; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN CREATE ROLE newsroom_editor NOLOGIN IN ROLE newsroom_staff; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN CREATE ROLE newsroom_chief NOLOGIN IN ROLE newsroom_staff; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN CREATE ROLE newsroom_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
END
$$;

CREATE TABLE streams (
    stream_id        text PRIMARY KEY,
    stream_type      text NOT NULL,
    version          integer NOT NULL,
    head_hash        bytea,
    last_actor       text,
    last_recorded_at timestamptz
);

CREATE TABLE commands (
    command_id  uuid PRIMARY KEY,
    stream_id   text NOT NULL,
    digest      text NOT NULL,
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL
);

CREATE TABLE events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id      text NOT NULL,
    stream_version integer NOT NULL,
    event_id       uuid NOT NULL UNIQUE,
    event_type     text NOT NULL,
    schema_version integer NOT NULL CHECK (schema_version > 0),
    payload        jsonb NOT NULL,
    metadata       jsonb NOT NULL,
    command_id     uuid NOT NULL,
    actor          text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    hash           bytea NOT NULL,
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_log_order ON events (transaction_id, position);
CREATE INDEX events_command ON events (command_id);
CREATE INDEX events_recorded_at ON events (recorded_at);

-- One place defines what the chain covers; append and verify both call it.
CREATE FUNCTION event_hash(
    previous_hash bytea, stream_id text, stream_version integer, event_id uuid, event_type text,
    schema_version integer, payload jsonb, metadata jsonb, actor text, recorded_at timestamptz
) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(coalesce(previous_hash, '\x'::bytea) || convert_to(concat_ws(E'\x1f',
        stream_id, stream_version::text, event_id::text, event_type, schema_version::text,
        payload::text, metadata::text, actor, extract(epoch FROM recorded_at)::text), 'UTF8'))
$$;

-- Append-only, even for the table's owner. A superuser can still disable triggers; the hash chain
-- is what catches that (newsroom verify).
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % table is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'NR003',
              HINT = 'Record a new event that corrects the old one instead of changing history.';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER commands_append_only BEFORE UPDATE OR DELETE ON commands
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER commands_no_truncate BEFORE TRUNCATE ON commands
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- The actor is whoever authenticated: session_user cannot be changed by SET ROLE or by a
-- SECURITY DEFINER function, only by a superuser's SET SESSION AUTHORIZATION.
CREATE FUNCTION require_session_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'event actor "%" is not the authenticated role "%"', NEW.actor, session_user
            USING ERRCODE = 'NR004';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER events_actor_is_session_user BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION require_session_actor();

-- The only way in. p_expected_version: NULL = any version, 0 = the stream must not exist yet.
-- p_events is a JSON array of {event_id, event_type, schema_version, payload, metadata}.
CREATE FUNCTION append_events(
    p_stream_id text, p_stream_type text, p_expected_version integer,
    p_command_id uuid, p_command_digest text, p_events jsonb
) RETURNS TABLE (first_position bigint, last_position bigint, stream_version integer, duplicate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor   text := session_user;
    v_now     timestamptz := clock_timestamp();
    v_known   commands%ROWTYPE;
    v_stream  streams%ROWTYPE;
    v_hash    bytea;
    v_version integer;
    v_first   bigint;
    v_last    bigint;
    v_event   jsonb;
BEGIN
    IF p_events IS NULL OR jsonb_typeof(p_events) <> 'array' OR jsonb_array_length(p_events) = 0 THEN
        RAISE EXCEPTION 'append_events needs a non-empty JSON array of events' USING ERRCODE = '22023';
    END IF;

    -- Idempotency: the primary key makes a concurrent duplicate wait for the first one to finish.
    INSERT INTO commands (command_id, stream_id, digest, actor, recorded_at)
    VALUES (p_command_id, p_stream_id, p_command_digest, v_actor, v_now)
    ON CONFLICT (command_id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT * INTO v_known FROM commands WHERE command_id = p_command_id;
        IF v_known.digest <> p_command_digest OR v_known.stream_id <> p_stream_id THEN
            RAISE EXCEPTION 'command % was already used for a different command', p_command_id
                USING ERRCODE = 'NR002',
                      DETAIL = json_build_object('stream', v_known.stream_id, 'actor', v_known.actor,
                                                 'recordedAt', v_known.recorded_at)::text;
        END IF;
        RETURN QUERY SELECT min(e.position), max(e.position), max(e.stream_version), true
                     FROM events e WHERE e.command_id = p_command_id;
        RETURN;
    END IF;

    IF p_expected_version = 0 THEN
        INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, 0)
        ON CONFLICT (stream_id) DO NOTHING;
    ELSIF p_expected_version IS NULL THEN
        INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, 0)
        ON CONFLICT (stream_id) DO NOTHING;
    END IF;

    -- The row lock serializes writers of one stream only; other streams append in parallel.
    SELECT * INTO v_stream FROM streams WHERE stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND OR (p_expected_version IS NOT NULL AND v_stream.version <> p_expected_version) THEN
        RAISE EXCEPTION 'stream % is at version %, the command expected version %',
                p_stream_id, coalesce(v_stream.version, 0), p_expected_version
            USING ERRCODE = 'NR001',
                  DETAIL = json_build_object('actualVersion', coalesce(v_stream.version, 0),
                                             'lastActor', v_stream.last_actor,
                                             'lastRecordedAt', v_stream.last_recorded_at)::text;
    END IF;

    v_hash := v_stream.head_hash;
    v_version := v_stream.version;
    FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        v_version := v_version + 1;
        v_hash := event_hash(v_hash, p_stream_id, v_version, (v_event->>'event_id')::uuid,
                             v_event->>'event_type', (v_event->>'schema_version')::integer,
                             v_event->'payload', v_event->'metadata', v_actor, v_now);
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload,
                            metadata, command_id, actor, recorded_at, hash)
        VALUES (p_stream_id, v_version, (v_event->>'event_id')::uuid, v_event->>'event_type',
                (v_event->>'schema_version')::integer, v_event->'payload', v_event->'metadata',
                p_command_id, v_actor, v_now, v_hash)
        RETURNING position INTO v_last;
        v_first := coalesce(v_first, v_last);
    END LOOP;

    UPDATE streams SET version = v_version, head_hash = v_hash, last_actor = v_actor, last_recorded_at = v_now
    WHERE stream_id = p_stream_id;

    -- Wake-up for live projectors; they poll as well, so a lost notification only costs latency.
    PERFORM pg_notify('newsroom_events', p_stream_id);
    RETURN QUERY SELECT v_first, v_last, v_version, false;
END
$$;

-- Walks every stream's chain; returns the first event whose stored hash does not match.
CREATE FUNCTION verify_event_chains(p_limit integer DEFAULT 1)
RETURNS TABLE (event_position bigint, stream_id text, stream_version integer, problem text)
LANGUAGE sql STABLE AS $$
    WITH chained AS (
        SELECT e.*, lag(e.hash) OVER (PARTITION BY e.stream_id ORDER BY e.stream_version) AS previous_hash,
               lag(e.stream_version, 1, 0) OVER (PARTITION BY e.stream_id ORDER BY e.stream_version) AS previous_version
        FROM events e
    )
    SELECT c.position, c.stream_id, c.stream_version,
           CASE WHEN c.stream_version <> c.previous_version + 1 THEN 'a version is missing before this event'
                ELSE 'the stored hash does not match the event''s content and its predecessor' END
    FROM chained c
    WHERE c.stream_version <> c.previous_version + 1
       OR c.hash <> event_hash(c.previous_hash, c.stream_id, c.stream_version, c.event_id, c.event_type,
                               c.schema_version, c.payload, c.metadata, c.actor, c.recorded_at)
    ORDER BY c.position
    LIMIT p_limit
$$;

REVOKE ALL ON events, streams, commands FROM PUBLIC;
REVOKE ALL ON FUNCTION append_events(text, text, integer, uuid, text, jsonb) FROM PUBLIC;
GRANT SELECT ON events, streams TO newsroom_staff;
GRANT EXECUTE ON FUNCTION append_events(text, text, integer, uuid, text, jsonb) TO newsroom_staff;
