-- The chain head follows each appended event inside the database, saving the engine a
-- round trip per audited change.
CREATE TRIGGER audit_event_head AFTER INSERT ON audit_event
BEGIN
    UPDATE audit_head SET hash = NEW.hash WHERE agency_id = NEW.agency_id AND seq = NEW.seq;
END;
