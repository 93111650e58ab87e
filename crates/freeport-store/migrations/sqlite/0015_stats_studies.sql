-- The port's study registry (joint statistics): each approval of a study by the aggregator this
-- port hosts, by the account that approved it, with its `publication` log entry queued here in
-- the transaction that records the approval and appended after it; `log_index` once appended.
CREATE TABLE stats_study (
    seq          INTEGER PRIMARY KEY,
    study_sha256 TEXT    NOT NULL,
    study_id     TEXT    NOT NULL,
    country      TEXT    NOT NULL CHECK (country IN ('cn', 'us')),
    approved_at  TEXT    NOT NULL,
    -- An account id.
    approved_by  TEXT    NOT NULL,
    log_entry    BLOB    NOT NULL,
    log_index    INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    UNIQUE (study_sha256, country)
) STRICT;
