\set n random(1, 1000000000)
INSERT INTO raw_events (stream_id, stream_version, event_id, event_type, payload, metadata, actor) VALUES ('article-' || :n, :n % 1000, gen_random_uuid(), 'ArticleEdited', '{"summary":"Ringkasan berita tentang Putin dan Kim"}', '{"commandID":"00000000-0000-4000-8000-000000000000"}', current_user);
