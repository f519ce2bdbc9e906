-- Packages this instance refused when it took them from the national exchange axis
-- (acknowledged as failed: they can never be taken in), with why, so that the clerks of
-- the addressee see them on the Liên thông page. One row per package.
CREATE TABLE axis_refusal (
    package_id text PRIMARY KEY,
    to_code    text NOT NULL, -- the addressee's code on the axis
    from_code  text NOT NULL,
    reason     text NOT NULL,
    refused_at timestamptz NOT NULL
);
CREATE INDEX axis_refusal_to_idx ON axis_refusal (to_code, refused_at);
