-- The log's payloads are compressed with lz4 where the server has it, instead of pglz (the
-- default). Article bodies make most payloads 3-8 KB, over the size at which PostgreSQL
-- compresses a value, so every append and every import compresses them, and every read of the
-- log decompresses them. Measured on one cluster with an archive of 55,000 histories (1,063,334
-- events: 1,008,334 article events and their 55,000 slug reservations): a raw `COPY events
-- FROM` of the same rows took 86-92 s with pglz and 77 s with lz4, and `newsroom import archive`
-- 92-94 s and 75 s. Values written before stay as they were; both
-- methods read back the same. A server built without lz4 keeps pglz.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
        ALTER TABLE events ALTER COLUMN payload SET COMPRESSION lz4;
    END IF;
END
$$;
