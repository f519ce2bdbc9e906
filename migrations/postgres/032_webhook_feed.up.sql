-- Each node remembers the agencies' webhook subscriptions, which every write transaction
-- consults. As a change to them commits, every node is told whose agency it was and
-- forgets it (storage/postgres feed.go).
CREATE FUNCTION webhooks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('vanthu_webhooks', OLD.agency_id::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('vanthu_webhooks', NEW.agency_id::text);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER webhook_changed AFTER INSERT OR UPDATE OR DELETE ON webhook
    FOR EACH ROW EXECUTE FUNCTION webhooks_changed();
