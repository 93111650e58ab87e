-- PostgreSQL's form of migrations/sqlite/0013_filing_assessment.sql: where a filing made from
-- an uploaded `freeport assess` result came from.
CREATE TABLE filing_assessment (
    filing              TEXT   PRIMARY KEY REFERENCES filing (id),
    organisation        TEXT   NOT NULL,
    report_sha256       TEXT   NOT NULL CHECK (length(report_sha256) = 64),
    report_bytes        BIGINT NOT NULL CHECK (report_bytes >= 0),
    exporter_transfer   TEXT   NOT NULL,
    log_origin          TEXT   NOT NULL,
    log_index           BIGINT NOT NULL CHECK (log_index >= 0),
    checkpoint_size     BIGINT NOT NULL CHECK (checkpoint_size > log_index),
    UNIQUE (organisation, report_sha256)
);
