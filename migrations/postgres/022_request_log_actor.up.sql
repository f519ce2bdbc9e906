-- The system (imports, the national exchange) repeats requests too: its actor id is
-- "system", not a user's uuid.
ALTER TABLE request_log ALTER COLUMN actor_id TYPE text;
