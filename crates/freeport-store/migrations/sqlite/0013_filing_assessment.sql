-- A filing made by uploading an exporter's `freeport assess` result (issue 13 item 5): what the
-- port verified of it. The exporter's report (`report.json`) is kept under the port's home,
-- named by its SHA-256 (`attachments/<sha256>`, as attachments are); its receipt proved that the
-- exporter's own log holds an entry binding that report's hash to the exporter's transfer id.
-- The port judges the uploaded facts again against its own volumes; these rows only record
-- where the filing came from. One organisation files one report once: uploading it again
-- answers with the filing it made.
CREATE TABLE filing_assessment (
    filing              TEXT    PRIMARY KEY REFERENCES filing (id),
    organisation        TEXT    NOT NULL,
    -- SHA-256 of the report as bound to the exporter's log (its log fields empty).
    report_sha256       TEXT    NOT NULL CHECK (length(report_sha256) = 64),
    report_bytes        INTEGER NOT NULL CHECK (report_bytes >= 0),
    -- The transfer id the exporter's own store and log gave it.
    exporter_transfer   TEXT    NOT NULL,
    -- The exporter's log: its origin, the entry's index and the checkpoint size the receipt
    -- proved it under.
    log_origin          TEXT    NOT NULL,
    log_index           INTEGER NOT NULL CHECK (log_index >= 0),
    checkpoint_size     INTEGER NOT NULL CHECK (checkpoint_size > log_index),
    UNIQUE (organisation, report_sha256)
) STRICT;
