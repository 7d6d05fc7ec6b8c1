-- A command decided on cached state needs one round trip: the append itself checks that the
-- streams the decision read besides its own (the staff roster) are still at the versions it saw.
-- The article's own version is checked by append_events as before (NR001); a context stream
-- that moved on is NR005, and the caller reads both again and decides again.
CREATE FUNCTION append_events_if(
    p_stream_id text, p_stream_type text, p_expected_version integer,
    p_command_id uuid, p_command_digest text, p_events jsonb,
    p_context_stream text, p_context_version integer
) RETURNS TABLE (first_position bigint, last_position bigint, stream_version integer, duplicate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_version integer;
BEGIN
    SELECT s.version INTO v_version FROM streams s WHERE s.stream_id = p_context_stream;
    IF coalesce(v_version, 0) <> p_context_version THEN
        RAISE EXCEPTION 'stream % is at version %, the decision read version %', p_context_stream, coalesce(v_version, 0), p_context_version
            USING ERRCODE = 'NR005',
                  HINT = 'Read it again and decide again.';
    END IF;
    RETURN QUERY SELECT * FROM append_events(p_stream_id, p_stream_type, p_expected_version, p_command_id, p_command_digest, p_events);
END
$$;

REVOKE ALL ON FUNCTION append_events_if(text, text, integer, uuid, text, jsonb, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_events_if(text, text, integer, uuid, text, jsonb, text, integer) TO newsroom_staff;
