-- The system (imports, the national exchange) repeats requests too: its actor id is
-- "system", not a user's uuid. SQLite already stores any text there; this version keeps
-- the two dialects' schema versions in step.
SELECT 1;
