-- The releases of joint statistics a port publishes (issue 20 item 4): each released result of
-- a study its hosted aggregator took part in, as the collector combined it and posted it, by the
-- account that posted it, with its `publication` log entry queued here in the transaction that
-- records it and appended after it; `log_index` once appended. One record per collection
-- request: a repeated post answers with the first.
CREATE TABLE stats_release (
    seq          INTEGER PRIMARY KEY,
    study_sha256 TEXT    NOT NULL,
    study_id     TEXT    NOT NULL,
    query        TEXT    NOT NULL,
    request_id   TEXT    NOT NULL UNIQUE,
    country      TEXT    NOT NULL CHECK (country IN ('cn', 'us')),
    published_at TEXT    NOT NULL,
    -- An account id.
    published_by TEXT    NOT NULL,
    log_entry    BLOB    NOT NULL,
    log_index    INTEGER CHECK (log_index IS NULL OR log_index >= 0)
) STRICT;
