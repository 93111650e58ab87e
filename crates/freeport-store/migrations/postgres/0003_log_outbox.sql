-- The log outbox (issue 7): PostgreSQL's form of migrations/sqlite/0003_log_outbox.sql, which
-- says why a recorded transfer and its log entry commit together here first.

CREATE TABLE log_outbox (
    transfer    BIGINT NOT NULL PRIMARY KEY REFERENCES transfer (seq),
    entry       BYTEA  NOT NULL,
    queued_at   TEXT   NOT NULL,
    log_index   BIGINT CHECK (log_index IS NULL OR log_index >= 0),
    appended_at TEXT
);

CREATE INDEX log_outbox_pending ON log_outbox (transfer) WHERE log_index IS NULL;
