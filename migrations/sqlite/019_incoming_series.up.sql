-- Classified incoming documents are numbered in their own series (sổ mật), from 1 like the
-- ordinary register: an incoming number is unique per register, series included.
DROP INDEX document_incoming_number_idx;
CREATE UNIQUE INDEX document_incoming_number_idx ON document (agency_id, year, series, incoming_number)
    WHERE flow = 'incoming' AND incoming_number IS NOT NULL;
