-- Scripts/profile-append's "statement" kind: the WITH that append_event (Schema/016) runs for a
-- one-event append on a named version, sent as a prepared statement of its own, with the
-- function's twelve parameters as $1-$12 in the function's order. The same writes, roster check,
-- idempotency record and result; what it leaves out is the function around them (the
-- SECURITY DEFINER call, PL/pgSQL, SPI, RETURN QUERY), so the two kinds' difference is that
-- wrapper's cost. The function's two variables are written as what they hold, with no
-- subquery the function does not run: v_actor as session_user, v_now (one instant for the
-- whole append) as statement_timestamp(). Staff cannot send this: they have no INSERT on the
-- log's tables.
WITH command AS (
    INSERT INTO commands (command_id, stream_id, digest, actor, recorded_at)
    SELECT $4, $1, $5, session_user, statement_timestamp()
    WHERE $11 IS NULL
       OR coalesce((SELECT c.version FROM streams c WHERE c.stream_id = $11), 0) = $12
    ON CONFLICT (command_id) DO NOTHING
    RETURNING true AS recorded
), head AS (
    UPDATE streams s SET version = s.version + 1,
        head_hash = event_hash(s.head_hash, $1, s.version + 1, $6, $7, $8, $9, $10, session_user, statement_timestamp()),
        last_actor = session_user, last_recorded_at = statement_timestamp()
    WHERE s.stream_id = $1 AND s.version = $3 AND EXISTS (SELECT FROM command)
    RETURNING s.version, s.head_hash
), written AS (
    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload,
                        metadata, command_id, actor, recorded_at, hash, sets_article_body)
    SELECT $1, head.version, $6, $7, $8, $9, $10, $4, session_user, statement_timestamp(), head.head_hash,
           event_sets_article_body($7, $9)
    FROM head
    RETURNING events.position, events.stream_version
)
SELECT EXISTS (SELECT FROM command), written.position, written.stream_version FROM (SELECT) AS one LEFT JOIN written ON true;
