-- The log outbox (issue 7): a recorded transfer and the log entry that announces it commit
-- together here first; the entry is appended to the transparency log afterwards and marked with
-- its index. A crash between the two leaves a pending row that the next start appends (or, if
-- the append can no longer happen, abandons together with its transfer), so the store never
-- counts a transfer the log will not show, nor the log show one the store does not count.

CREATE TABLE log_outbox (
    transfer    INTEGER NOT NULL PRIMARY KEY REFERENCES transfer (seq),
    entry       BLOB    NOT NULL,
    queued_at   TEXT    NOT NULL,
    log_index   INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    appended_at TEXT
) STRICT;

CREATE INDEX log_outbox_pending ON log_outbox (transfer) WHERE log_index IS NULL;
