-- Where a record's archival package (its manifest) is kept in the blob store.
ALTER TABLE record ADD COLUMN package_key TEXT NOT NULL DEFAULT '';
