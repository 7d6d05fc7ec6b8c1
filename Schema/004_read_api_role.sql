-- The public read API logs in as newsroom_api: it may read the published articles (and the audit
-- trail, for the token-protected endpoint) and nothing else, so drafts are out of its reach even
-- through a bug. Give it a password on real servers: ALTER ROLE newsroom_api PASSWORD '...'.
DO $$
BEGIN
    BEGIN CREATE ROLE newsroom_api LOGIN IN ROLE newsroom_reader; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
END
$$;

-- Health needs to know how far behind the read models are, without reading the log itself.
CREATE FUNCTION projection_lag() RETURNS TABLE (projection text, lag_events bigint, lag_seconds double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT c.schema_name,
           (SELECT count(*) FROM events e WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)),
           coalesce((SELECT extract(epoch FROM now() - min(e.recorded_at)) FROM events e
                     WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)), 0)::float8
    FROM projection_checkpoints c WHERE c.until IS NULL AND c.schema_name NOT LIKE '%\_rebuild'
$$;
REVOKE ALL ON FUNCTION projection_lag() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION projection_lag() TO newsroom_reader, newsroom_staff;
