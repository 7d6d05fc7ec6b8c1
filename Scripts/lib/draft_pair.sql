-- Row 1's command mix from pgbench (Scripts/bench): with append_event.sql at 19 to 1, what the
-- commands workload asks of the server, sent by a C client with no Swift. This is a draft as
-- newsroom sends one on a cached roster (AppendEventPairStatement): the article's first event and
-- the slug's reservation, two new streams as two append_event calls in one statement, each
-- checking the roster's version (:roster). The body is the workload's, 14 to 35 times one
-- paragraph (3-8 KB), sent as JSON text for the server to parse, as newsroom's is. Streams are
-- named pgdraft-/pgslug-, apart from append_event.sql's.
\set n random(1, 1000000000)
SELECT 1 FROM append_event('pgdraft-' || :run || '-' || :client_id || '-' || :n, 'article', 0,
    (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid, 'digest',
    (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid, 'ArticleDrafted', 1,
    ('{"slug":"pgslug-' || :n || '","author":"staff","fields":{"body":"'
     || repeat('Presiden Rusia Vladimir Putin menerima undangan Kim Jong Un untuk mengunjungi Korea Utara, sehingga memicu kekhawatiran Amerika Serikat bahwa kebangkitan poros Moskow-Pyongyang dapat memperkuat militer Rusia di Ukraina. ', 14 + :n % 22)
     || '","headline":"Bench ' || :n || '"},"articleID":"00000000-0000-4000-8000-000000000000"}')::jsonb,
    '{"commandID":"00000000-0000-4000-8000-000000000000"}', 'staff', :roster)
UNION ALL
SELECT 2 FROM append_event('pgslug-' || :run || '-' || :client_id || '-' || :n, 'slug', 0,
    (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid, 'digest',
    (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid, 'SlugReserved', 1,
    '{"articleID":"00000000-0000-4000-8000-000000000000"}', '{"commandID":"00000000-0000-4000-8000-000000000000"}', 'staff', :roster);
