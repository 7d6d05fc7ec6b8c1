-- Bulk import of an archive (EventStore.importHistory): the owner COPYs whole new streams into the
-- log, and the events keep the authors they had in the archive rather than the importing role.
-- The import marks its transaction with newsroom.import_id (set_config(..., true), so it ends
-- with the transaction). Staff cannot use this to forge an actor: they have no INSERT on events,
-- and append_events always writes session_user, whatever the setting says.
CREATE OR REPLACE FUNCTION require_session_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user::text
       AND coalesce(current_setting('newsroom.import_id', true), '') = '' THEN
        RAISE EXCEPTION 'event actor "%" is not the authenticated role "%"', NEW.actor, session_user
            USING ERRCODE = 'NR004';
    END IF;
    IF NEW.actor = '' THEN
        RAISE EXCEPTION 'an event needs an actor' USING ERRCODE = 'NR004';
    END IF;
    RETURN NEW;
END
$$;
