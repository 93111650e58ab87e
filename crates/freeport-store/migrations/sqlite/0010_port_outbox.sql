-- The last number given to a filing per id prefix (`F-<year>-`): numbering the next filing
-- reads and bumps one row instead of counting the year's filings (which grew with the port's
-- history, bench/port). Filed ids are `<prefix><digits>`, so a prefix is the id without its
-- trailing digits.
CREATE TABLE filing_number (
    prefix TEXT NOT NULL PRIMARY KEY,
    last   INTEGER NOT NULL CHECK (last >= 1)
) STRICT;

INSERT INTO filing_number (prefix, last)
SELECT rtrim(id, '0123456789'),
       MAX(CAST(substr(id, length(rtrim(id, '0123456789')) + 1) AS INTEGER))
FROM filing
GROUP BY rtrim(id, '0123456789');

-- A decided side's log entries, queued in the transaction that stores the decision: the
-- `decision` entry and, for a refusal, the `publication` entry of its public reasons. The port
-- appends them after the commit and then sets `log_index`; a crash in between leaves them
-- here, and the port appends them (or finds them appended) when it next opens.
ALTER TABLE case_side ADD COLUMN log_entry BLOB;
ALTER TABLE case_side ADD COLUMN publication_entry BLOB;

-- Notices the port publishes (subsidy and procurement notices, rules, other public documents),
-- each with its `publication` log entry, queued here in the transaction that stores the notice
-- and appended after it; `log_index` once appended.
CREATE TABLE notice (
    seq          INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('rules', 'subsidy_notice', 'procurement_notice', 'other')),
    title        TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    published_at TEXT    NOT NULL,
    -- An account id, or the host's local administrator (as in the access journal).
    published_by TEXT    NOT NULL,
    log_entry    BLOB    NOT NULL,
    log_index    INTEGER CHECK (log_index IS NULL OR log_index >= 0)
) STRICT;

-- The rule packs a port has judged with, each published once as a `rule_pack` log entry
-- (queued here when the port opens with a pack it has not published, appended after).
CREATE TABLE rule_pack_published (
    jurisdiction TEXT    NOT NULL CHECK (jurisdiction IN ('cn', 'us')),
    version      TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    published_at TEXT    NOT NULL,
    log_entry    BLOB    NOT NULL,
    log_index    INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    PRIMARY KEY (jurisdiction, version, sha256)
) STRICT;
