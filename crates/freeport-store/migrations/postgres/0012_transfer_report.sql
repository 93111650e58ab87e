-- PostgreSQL's form of migrations/sqlite/0012_transfer_report.sql: a recorded transfer's
-- report as bound to the log, its SHA-256 and day, and its place in the log once appended.
CREATE TABLE transfer_report (
    transfer     BIGINT NOT NULL PRIMARY KEY REFERENCES transfer (seq),
    report       TEXT   NOT NULL,
    sha256       TEXT   NOT NULL CHECK (length(sha256) = 64),
    generated_on TEXT   NOT NULL,
    log          TEXT
);
