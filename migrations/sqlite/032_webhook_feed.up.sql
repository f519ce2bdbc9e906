-- PostgreSQL tells every node of changes to webhook subscriptions (032 there). SQLite has
-- no such feed, so nothing remembers them on it and there is nothing to add.
SELECT 1;
