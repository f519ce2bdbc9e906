-- PostgreSQL tells every node of credential changes (031 there). SQLite has no such
-- feed, so nothing remembers checked sessions on it and there is nothing to add.
SELECT 1;
