-- The fixity check's report: its runs, on whichever node the job queue gave them, and the
-- damage they found, so that `vanthu archive fixity --report` shows the whole cluster's.
-- Rows are numbered in the order they were written; the oldest beyond a bound are let go.
CREATE TABLE fixity_run (
    id         INTEGER PRIMARY KEY,
    node       text      NOT NULL,
    started    TIMESTAMP NOT NULL,
    finished   TIMESTAMP NOT NULL,
    slice      integer   NOT NULL, -- -1 for a whole pass
    slices     integer   NOT NULL,
    packages   integer   NOT NULL,
    objects    integer   NOT NULL,
    damaged    integer   NOT NULL,
    repaired   integer   NOT NULL,
    incomplete BOOLEAN   NOT NULL
);

CREATE TABLE fixity_finding (
    id           INTEGER PRIMARY KEY,
    detected_at  TIMESTAMP NOT NULL,
    record       text      NOT NULL, -- fonds.year.code
    record_id    text      NOT NULL,
    manifest     text      NOT NULL,
    object_key   text      NOT NULL,
    error        text      NOT NULL,
    repaired_at  TIMESTAMP,
    repair_error text      NOT NULL
);
