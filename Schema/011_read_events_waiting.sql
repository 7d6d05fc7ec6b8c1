-- The live follower asked the log for new events every 2 ms: each ask a round trip, 500 a second,
-- and with nothing to read they cost a sixth of a two-core machine (0.22 s of the client's CPU
-- and 0.10 s of the server's every second). This read waits on the server instead: it looks again
-- every p_poll_ms (an index probe) and answers as soon as anything is readable, or with nothing
-- once p_wait_ms have passed. So a commit reaches the follower in one round trip, without the
-- client polling, and the follower costs next to nothing while the newsroom is quiet.
--
-- What is readable is exactly what EventStore.readAll reads: events after the given position of
-- transactions older than the oldest one still running. A VOLATILE function takes a fresh snapshot
-- for each statement, so each look sees the commits made since the last, and the final read sees
-- at least what the last look saw. The waiting statement holds no transaction id, so it holds no
-- writer's horizon back.
CREATE FUNCTION read_events_waiting(p_after_transaction text, p_after_position bigint, p_limit integer, p_wait_ms integer, p_poll_ms integer)
RETURNS TABLE ("position" bigint, transaction_id bigint, stream_id text, stream_version integer, event_id uuid, event_type text,
               schema_version integer, payload text, metadata text, actor text, recorded_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_after xid8 := p_after_transaction::xid8;
    v_give_up timestamptz := clock_timestamp() + p_wait_ms * interval '1 millisecond';
BEGIN
    -- The look is the read's first row, not EXISTS: EXISTS drops ORDER BY and LIMIT, and its
    -- generic plan scanned the whole table (1 ms per look at 14,000 events) instead of one index entry.
    WHILE (SELECT e.position FROM events e
           WHERE (e.transaction_id, e.position) > (v_after, p_after_position)
             AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY e.transaction_id, e.position LIMIT 1) IS NULL
          AND clock_timestamp() < v_give_up LOOP
        -- pg_sleep waits whole milliseconds and spins through what is left of one: a sleep of
        -- exactly 1 ms would spin all of it. A twentieth over the whole milliseconds is what
        -- the wait overshoots anyway.
        PERFORM pg_sleep((greatest(p_poll_ms, 1) + 0.05) / 1000.0);
    END LOOP;
    RETURN QUERY
        SELECT e.position, e.transaction_id::text::bigint, e.stream_id, e.stream_version, e.event_id, e.event_type, e.schema_version,
               e.payload::text, e.metadata::text, e.actor, e.recorded_at
        FROM events e
        WHERE (e.transaction_id, e.position) > (v_after, p_after_position)
          AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.transaction_id, e.position
        LIMIT p_limit;
END
$$;
REVOKE ALL ON FUNCTION read_events_waiting(text, bigint, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read_events_waiting(text, bigint, integer, integer, integer) TO newsroom_staff;
