-- A one-event append that starts its stream (a draft's article, the slug it takes) gets the
-- one-statement path migration 012 gave an append on a named version: the roster check, the
-- command record, the stream's row created at version 1 with its head hash, and the
-- hash-chained event, in one data-modifying WITH. Before, it went to append_events_rest: the
-- event rebuilt as a JSON array and taken apart again, then seven statements, the stream's row
-- inserted at version 0, locked, and updated. A draft now sends its two new streams as two
-- append_event calls in one statement (AppendEventPairStatement) instead of two JSON arrays
-- through append_events_if.
--
-- Measured with pgbench on one client, a draft pair as Scripts/lib/draft_pair.sql sends it
-- (a 3-8 KB body) against the same pair through this function, three alternating rounds of 5 s:
-- the statement's server execution (pg_stat_statements) 460-488 us before, 325-340 us after;
-- 1,151-1,284 pairs/s before, 1,440-1,515 after. verify_event_chains found nothing to report
-- over the 40,441 streams written.
--
-- A stream that exists already (ON CONFLICT DO NOTHING writes no row), a command id seen
-- before, and a roster that moved all fall through to append_events_rest as before, which
-- raises each error; the command record this attempt wrote is told to it, so it is not taken
-- for an earlier command.

-- A conflict's detail also names the stream it is about: a statement of two appends (a draft's
-- article and slug) was reported under the first stream's name whichever was refused.
CREATE OR REPLACE FUNCTION append_events_rest(
    p_stream_id text, p_stream_type text, p_expected_version integer,
    p_command_id uuid, p_command_digest text, p_events jsonb,
    p_context_stream text, p_context_version integer,
    p_now timestamptz, p_recorded boolean
) RETURNS TABLE (first_position bigint, last_position bigint, stream_version integer, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_actor    text := session_user;
    v_context  integer;
    v_known    commands%ROWTYPE;
    v_stream   streams%ROWTYPE;
    v_hash     bytea;
    v_version  integer;
    v_first    bigint;
    v_last     bigint;
    v_event    jsonb;
BEGIN
    IF p_context_stream IS NOT NULL THEN
        SELECT c.version INTO v_context FROM streams c WHERE c.stream_id = p_context_stream;
        IF coalesce(v_context, 0) <> p_context_version THEN
            RAISE EXCEPTION 'stream % is at version %, the decision read version %', p_context_stream, coalesce(v_context, 0), p_context_version
                USING ERRCODE = 'NR005',
                      HINT = 'Read it again and decide again.';
        END IF;
    END IF;

    -- Idempotency: the primary key makes a concurrent duplicate wait for the first one to finish.
    IF NOT p_recorded THEN
        INSERT INTO commands (command_id, stream_id, digest, actor, recorded_at)
        VALUES (p_command_id, p_stream_id, p_command_digest, v_actor, p_now)
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
    END IF;

    IF p_expected_version IS NULL OR p_expected_version = 0 THEN
        INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, 0)
        ON CONFLICT (stream_id) DO NOTHING;
    END IF;

    -- The row lock serializes writers of one stream only; other streams append in parallel.
    SELECT * INTO v_stream FROM streams WHERE stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND OR (p_expected_version IS NOT NULL AND v_stream.version <> p_expected_version) THEN
        RAISE EXCEPTION 'stream % is at version %, the command expected version %',
                p_stream_id, coalesce(v_stream.version, 0), p_expected_version
            USING ERRCODE = 'NR001',
                  DETAIL = json_build_object('stream', p_stream_id, 'actualVersion', coalesce(v_stream.version, 0),
                                             'lastActor', v_stream.last_actor,
                                             'lastRecordedAt', v_stream.last_recorded_at)::text;
    END IF;

    v_hash := v_stream.head_hash;
    v_version := v_stream.version;
    FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        v_version := v_version + 1;
        v_hash := event_hash(v_hash, p_stream_id, v_version, (v_event->>'event_id')::uuid,
                             v_event->>'event_type', (v_event->>'schema_version')::integer,
                             v_event->'payload', v_event->'metadata', v_actor, p_now);
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload,
                            metadata, command_id, actor, recorded_at, hash)
        VALUES (p_stream_id, v_version, (v_event->>'event_id')::uuid, v_event->>'event_type',
                (v_event->>'schema_version')::integer, v_event->'payload', v_event->'metadata',
                p_command_id, v_actor, p_now, v_hash)
        RETURNING position INTO v_last;
        v_first := coalesce(v_first, v_last);
    END LOOP;

    UPDATE streams SET version = v_version, head_hash = v_hash, last_actor = v_actor, last_recorded_at = p_now
    WHERE stream_id = p_stream_id;

    RETURN QUERY SELECT v_first, v_last, v_version, false;
END
$$;

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
    IF p_expected_version = 0 THEN
        WITH command AS (
            INSERT INTO commands (command_id, stream_id, digest, actor, recorded_at)
            SELECT p_command_id, p_stream_id, p_command_digest, v_actor, v_now
            WHERE p_context_stream IS NULL
               OR coalesce((SELECT c.version FROM streams c WHERE c.stream_id = p_context_stream), 0) = p_context_version
            ON CONFLICT (command_id) DO NOTHING
            RETURNING true AS recorded
        ), head AS (
            INSERT INTO streams (stream_id, stream_type, version, head_hash, last_actor, last_recorded_at)
            SELECT p_stream_id, p_stream_type, 1,
                   event_hash(NULL, p_stream_id, 1, p_event_id, p_event_type, p_schema_version, p_payload, p_metadata, v_actor, v_now),
                   v_actor, v_now
            WHERE EXISTS (SELECT FROM command)
            ON CONFLICT (stream_id) DO NOTHING
            RETURNING streams.version, streams.head_hash
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
    ELSIF p_expected_version > 0 THEN
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
