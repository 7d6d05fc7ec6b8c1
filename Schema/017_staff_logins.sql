-- A chief editor manages staff (the staff decider allows it), but a chief's login is an ordinary
-- role: it cannot CREATE ROLE, and it may not GRANT or REVOKE the newsroom groups. Until now only
-- the administrator could run `newsroom staff add | role | remove`; a chief got "permission
-- denied to create role". Giving chiefs CREATEROLE would let them grant themselves nearly any
-- role in the cluster, so instead these two functions run as newsroom's owner and do only what
-- staff management needs: create a login, move it between the three staff groups, take the
-- groups away.
--
-- What a chief may not do through them, because a role is cluster-wide and may belong to
-- someone who is not staff: take over a role with any attribute beyond LOGIN (superuser,
-- CREATEROLE, replication, BYPASSRLS), or one that belongs to any role besides newsroom's staff
-- groups, or set the password of a login that exists already. The administrator may still do
-- all of it, as before. Refusals raise NR006 with a message that says who can do it instead.
--
-- Each function keeps the search_path it was installed with (FROM CURRENT), so a caller's own
-- search_path cannot put other functions or tables under the owner's rights.

-- Whether the caller may change `p_login`; raises NR006 when not. Called by the two below.
CREATE FUNCTION staff_login_check(p_login text, p_setting_password boolean, OUT caller_is_administrator boolean)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
DECLARE
    v_role pg_roles%ROWTYPE;
    v_other text;
BEGIN
    SELECT rolsuper OR rolcreaterole INTO caller_is_administrator FROM pg_roles WHERE rolname = session_user;
    caller_is_administrator := coalesce(caller_is_administrator, false);
    IF NOT caller_is_administrator AND NOT pg_has_role(session_user, 'newsroom_chief', 'MEMBER') THEN
        RAISE EXCEPTION 'only a chief editor or the administrator can manage staff logins; % is neither', session_user
            USING ERRCODE = 'NR006';
    END IF;
    IF p_login !~ '^[a-z][a-z0-9_]{0,62}$' OR p_login LIKE 'pg\_%' OR p_login LIKE 'newsroom\_%' THEN
        RAISE EXCEPTION '"%" is not a valid staff login: use 1-63 lowercase letters, digits and _, starting with a letter (not pg_ or newsroom_)', p_login
            USING ERRCODE = 'NR006';
    END IF;
    IF caller_is_administrator THEN
        RETURN;
    END IF;
    SELECT * INTO v_role FROM pg_roles WHERE rolname = p_login;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF v_role.rolsuper OR v_role.rolcreaterole OR v_role.rolreplication OR v_role.rolbypassrls OR NOT v_role.rolcanlogin THEN
        RAISE EXCEPTION 'the PostgreSQL role "%" exists and is not a plain login (it has privileges beyond LOGIN); only the administrator can make it staff', p_login
            USING ERRCODE = 'NR006';
    END IF;
    SELECT g.rolname INTO v_other FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
    WHERE m.member = v_role.oid AND g.rolname NOT IN ('newsroom_reporter', 'newsroom_editor', 'newsroom_chief')
    ORDER BY g.rolname LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the PostgreSQL role "%" exists and belongs to role "%", which is not newsroom''s; only the administrator can change it', p_login, v_other
            USING ERRCODE = 'NR006';
    END IF;
    IF p_setting_password THEN
        RAISE EXCEPTION 'the login "%" exists already; only the administrator can set its password', p_login
            USING ERRCODE = 'NR006';
    END IF;
END
$$;

-- Whether `p_login` is a direct member of `p_group` (not through another role).
CREATE FUNCTION staff_login_in_group(p_login text, p_group text) RETURNS boolean
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
                   WHERE r.rolname = p_login AND g.rolname = p_group)
$$;

-- Creates the login when it is missing, puts it in `p_group` and out of the other staff groups,
-- and sets its password when one is given.
CREATE FUNCTION staff_login_grant(p_login text, p_group text, p_password text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    v_group text;
BEGIN
    IF p_group IS NULL OR p_group NOT IN ('newsroom_reporter', 'newsroom_editor', 'newsroom_chief') THEN
        RAISE EXCEPTION '"%" is not a staff group: use newsroom_reporter, newsroom_editor or newsroom_chief', p_group
            USING ERRCODE = 'NR006';
    END IF;
    PERFORM staff_login_check(p_login, p_password IS NOT NULL);
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', p_login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            -- Another chief created it in the meantime: check it as one that existed.
            PERFORM staff_login_check(p_login, p_password IS NOT NULL);
        END;
    END IF;
    FOREACH v_group IN ARRAY ARRAY['newsroom_reporter', 'newsroom_editor', 'newsroom_chief'] LOOP
        IF v_group <> p_group AND staff_login_in_group(p_login, v_group) THEN
            EXECUTE format('REVOKE %I FROM %I', v_group, p_login);
        END IF;
    END LOOP;
    IF NOT staff_login_in_group(p_login, p_group) THEN
        EXECUTE format('GRANT %I TO %I', p_group, p_login);
    END IF;
    IF p_password IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_password);
    END IF;
END
$$;

-- Takes the staff groups away from a login, so it can no longer append; the login stays, and
-- so does everything it wrote.
CREATE FUNCTION staff_login_revoke(p_login text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    v_group text;
BEGIN
    PERFORM staff_login_check(p_login, false);
    FOREACH v_group IN ARRAY ARRAY['newsroom_reporter', 'newsroom_editor', 'newsroom_chief'] LOOP
        IF staff_login_in_group(p_login, v_group) THEN
            EXECUTE format('REVOKE %I FROM %I', v_group, p_login);
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION staff_login_check(text, boolean), staff_login_in_group(text, text), staff_login_grant(text, text, text), staff_login_revoke(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION staff_login_grant(text, text, text), staff_login_revoke(text) TO newsroom_chief;
