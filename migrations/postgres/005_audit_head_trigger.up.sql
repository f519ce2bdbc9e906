-- The chain head follows each appended event inside the database, saving the engine a
-- round trip per audited change.
CREATE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET hash = NEW.hash WHERE agency_id = NEW.agency_id AND seq = NEW.seq;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_event_head AFTER INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_head_follow();
