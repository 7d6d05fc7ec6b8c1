-- event_hash was declared IMMUTABLE, but its body is only STABLE (concat_ws and the text output
-- of its arguments), so PostgreSQL never inlined it: every append parsed and planned its SQL
-- body again (base_yyparse under fmgr_sql in perf of 8 writers calling append_events_if). As
-- STABLE it is inlined into the append's cached plan. What the chain covers is unchanged.
ALTER FUNCTION event_hash(bytea, text, integer, uuid, text, integer, jsonb, jsonb, text, timestamptz) STABLE;
