-- A recorded transfer's report, kept so that `freeport report ID` renders it again without
-- assessing again (issue 17 item 7). `report` is the language-neutral report model as JSON,
-- exactly as bound to the log: rendered before the log append, so its log fields (the
-- checkpoint and the receipt) are empty; `sha256` is the SHA-256 of those bytes, the hash the
-- package manifest and the log entry carry. Written in the transaction that records the
-- transfer. `log` is the report's place in the log (checkpoint and receipt, JSON), written
-- once the entry is appended; NULL until then, and for a transfer whose run stopped first.
-- Transfers recorded before this migration, and those filed at a port, have no row.
CREATE TABLE transfer_report (
    transfer     INTEGER NOT NULL PRIMARY KEY REFERENCES transfer (seq),
    report       TEXT    NOT NULL,
    sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
    generated_on TEXT    NOT NULL,
    log          TEXT
) STRICT;
