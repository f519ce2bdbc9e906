-- Trust anchors an administrator of a province added: root or intermediate CAs (the
-- national root CA of Vietnam, a ministry's CA) that signature validation trusts besides
-- the files of the trust directory. A removed anchor keeps its row, so that every change
-- moves TrustAnchorVersion forward and each node notices it; the same certificate may
-- be added again after its removal (a new row).
CREATE TABLE trust_anchor (
    id         uuid PRIMARY KEY,
    subject    text        NOT NULL, -- pkix.Name.String() of the certificate's subject
    sha256     text        NOT NULL, -- hex SHA-256 of der
    der        bytea       NOT NULL,
    not_after  timestamptz NOT NULL,
    added_by   uuid        NOT NULL,
    added_at   timestamptz NOT NULL,
    removed_by uuid,
    removed_at timestamptz
);
CREATE UNIQUE INDEX trust_anchor_active_sha256 ON trust_anchor (sha256) WHERE removed_at IS NULL;
CREATE INDEX trust_anchor_added ON trust_anchor (added_at DESC, id DESC);
