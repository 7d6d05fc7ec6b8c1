-- Where each read model stands in the log. One row per schema: the live copy of a projection,
-- a shadow copy being rebuilt, or a point-in-time replay. The checkpoint is written in the same
-- transaction as the read-model rows, so a crash can neither skip nor double-apply events.
CREATE TABLE projection_checkpoints (
    schema_name    text PRIMARY KEY,
    projection     text NOT NULL,
    version        integer NOT NULL,
    transaction_id bigint NOT NULL DEFAULT 0,
    position       bigint NOT NULL DEFAULT 0,
    events_applied bigint NOT NULL DEFAULT 0,
    last_event_at  timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    until          timestamptz
);
GRANT SELECT, UPDATE ON projection_checkpoints TO newsroom_staff;
GRANT SELECT ON projection_checkpoints TO newsroom_reader;
