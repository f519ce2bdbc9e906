-- Trust anchors an administrator of a province added: root or intermediate CAs (the
-- national root CA of Vietnam, a ministry's CA) that signature validation trusts besides
-- the files of the trust directory. A removed anchor keeps its row, so that every change
-- moves TrustAnchorVersion forward and each node notices it; the same certificate may
-- be added again after its removal (a new row).
CREATE TABLE trust_anchor (
    id         TEXT PRIMARY KEY,
    subject    TEXT      NOT NULL, -- pkix.Name.String() of the certificate's subject
    sha256     TEXT      NOT NULL, -- hex SHA-256 of der
    der        BLOB      NOT NULL,
    not_after  TIMESTAMP NOT NULL,
    added_by   TEXT      NOT NULL,
    added_at   TIMESTAMP NOT NULL,
    removed_by TEXT,
    removed_at TIMESTAMP
);
CREATE UNIQUE INDEX trust_anchor_active_sha256 ON trust_anchor (sha256) WHERE removed_at IS NULL;
CREATE INDEX trust_anchor_added ON trust_anchor (added_at DESC, id DESC);
