WITH event AS (SELECT LADDER_ORDERED_ID AS id, LADDER_ORDERED_ID AS command_id, clock_timestamp() AS recorded_at, 'ladder-' || (:client_id + 1) AS stream_id, '{"summary":"Ringkasan berita tentang Putin dan Kim"}'::jsonb AS payload, '{"commandID":"00000000-0000-4000-8000-000000000000"}'::jsonb AS metadata),
LADDER_RECORD
head AS (SELECT e.stream_version, e.hash FROM LADDER_TABLE e WHERE e.stream_id = 'ladder-' || (:client_id + 1) ORDER BY e.stream_version DESC LIMIT 1)
INSERT INTO LADDER_TABLE (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata, command_id, digest, actor, recorded_at, hash, sets_article_body)
SELECT event.stream_id, head.stream_version + 1, event.id, 'ArticleEdited', 1, event.payload, event.metadata, event.command_id, 'digest', session_user, event.recorded_at,
    LADDER_HASH, LADDER_MARKER FROM LADDER_SOURCES;
