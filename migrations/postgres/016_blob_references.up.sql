-- The collection of unreferenced blobs asks, a batch of keys at a time, which ones a row
-- points at (BlobKeyListReferenced); document_file.blob_key has its index already.
CREATE INDEX record_package_idx ON record (package_key);
CREATE INDEX signing_key_blob_idx ON signing_key (blob_key);
CREATE INDEX signing_key_image_idx ON signing_key (image_key);
