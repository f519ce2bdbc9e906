-- The task list pages a holder's open assignments by deadline and shows their latest
-- finished ones: one range seek per holder (the person named, a unit) whatever the
-- number of tasks. The badges count the open ones due before an instant on the same
-- indexes.
CREATE INDEX assignment_user_open_idx ON assignment (user_id, deadline, id) WHERE status = 'open';
CREATE INDEX assignment_unit_open_idx ON assignment (unit_id, deadline, id) WHERE status = 'open';
CREATE INDEX assignment_user_done_idx ON assignment (user_id, done_at, id) WHERE status = 'done';
CREATE INDEX assignment_unit_done_idx ON assignment (unit_id, done_at, id) WHERE status = 'done';
