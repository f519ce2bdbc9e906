-- Document lists page along (agency_id, id): ids are UUIDv7, so this is creation order,
-- and a page is one index range scan however large the agency's archive grows.
CREATE INDEX document_agency_page_idx ON document (agency_id, id);
