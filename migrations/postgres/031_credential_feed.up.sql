-- Each node remembers the sessions and API tokens it has checked. As a change to a user,
-- their memberships, a session or a token commits, every node is told whose it was and
-- forgets them (storage/postgres credentials.go). Writes that change nothing a request is
-- allowed by are left out: a session's last use and a token's.
CREATE FUNCTION credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('vanthu_credentials', to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('vanthu_credentials', to_jsonb(NEW) ->> TG_ARGV[0]);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER app_user_credentials AFTER UPDATE OR DELETE ON app_user
    FOR EACH ROW EXECUTE FUNCTION credentials_changed('id');
CREATE TRIGGER membership_credentials AFTER INSERT OR UPDATE OR DELETE ON membership
    FOR EACH ROW EXECUTE FUNCTION credentials_changed('user_id');
CREATE TRIGGER auth_session_credentials AFTER DELETE OR UPDATE OF user_id, expires_at ON auth_session
    FOR EACH ROW EXECUTE FUNCTION credentials_changed('user_id');
CREATE TRIGGER api_token_credentials AFTER DELETE OR UPDATE OF user_id, token_hash, scopes, expires_at, revoked_at ON api_token
    FOR EACH ROW EXECUTE FUNCTION credentials_changed('user_id');
