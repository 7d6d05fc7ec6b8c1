-- Row 1's third floor (Scripts/bench): append_event as a command's append calls it, from pgbench, a
-- C client with no Swift. Each client appends one event per transaction to a stream of its own
-- (run tag :run), keeping the stream's version in a variable of its own; the staff roster's
-- version is checked as a command's is (:roster). Ids are time-ordered, as newsroom makes them.
SELECT first_position FROM append_event('pgbench-' || :run || '-' || :client_id, 'bench', :version,
    (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid, 'digest',
    (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid,
    'ArticleEdited', 1, '{"summary":"Ringkasan berita tentang Putin dan Kim"}', '{"commandID":"00000000-0000-4000-8000-000000000000"}', 'staff', :roster);
\set version :version + 1
