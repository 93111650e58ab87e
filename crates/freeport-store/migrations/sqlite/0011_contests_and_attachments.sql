-- Contested classifications, judging a filing again, and the documents attached to a filing
-- (issue 13 items 5 and 6).
--
-- A filing's judgement has a version: 1 at filing, one more each time the port judges it again
-- (an accepted contest, or volumes that moved before an approval). A reviewer's decision names
-- the version it decided on, so a decision made on an older judgement is refused.
ALTER TABLE filing ADD COLUMN judgement INTEGER NOT NULL DEFAULT 1 CHECK (judgement >= 1);

-- A side the judgement no longer sends to review is `closed` (kept, with any decision it had,
-- for the record). SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE case_side_0011 (
    filing            TEXT    NOT NULL REFERENCES filing (id),
    side              TEXT    NOT NULL CHECK (side IN ('cn', 'us')),
    -- The side's outcome under the filing's current judgement, which is why it needs review.
    outcome           TEXT    NOT NULL,
    status            TEXT    NOT NULL
                      CHECK (status IN ('open', 'approved', 'approved_with_conditions', 'refused',
                                        'closed')),
    decided_by        TEXT    REFERENCES account (id),
    decided_at        TEXT,
    conditions        TEXT,
    public_reasons    TEXT,
    signature         TEXT,
    log_index         INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    log_entry         BLOB,
    publication_entry BLOB,
    PRIMARY KEY (filing, side),
    CHECK ((status = 'open') = (decided_at IS NULL))
) STRICT;

INSERT INTO case_side_0011 (filing, side, outcome, status, decided_by, decided_at, conditions,
    public_reasons, signature, log_index, log_entry, publication_entry)
SELECT filing, side, outcome, status, decided_by, decided_at, conditions, public_reasons,
    signature, log_index, log_entry, publication_entry
FROM case_side;

DROP TABLE case_side;
ALTER TABLE case_side_0011 RENAME TO case_side;
CREATE INDEX case_side_queue ON case_side (side, status, filing);

-- An exporter's contest of one inventory entry's classification (category and place of
-- collection) with its justification, and a reviewer's ruling. An accepted contest is an
-- override: the filing is judged again with the entry reclassified (`becomes`, a category, or
-- `not_personal_data`: left out), and an `override` log entry — queued here in the ruling's
-- transaction, appended after it — records who accepted what and why, with the justification
-- only as its SHA-256 (it may quote the data; the entry may not).
CREATE TABLE contest (
    filing        TEXT    NOT NULL REFERENCES filing (id),
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    category      TEXT    NOT NULL,
    collected_in  TEXT    NOT NULL,
    -- Where the exporter found it, e.g. `airports.csv:name` (dataset and column); optional.
    source        TEXT,
    becomes       TEXT    NOT NULL,
    justification TEXT    NOT NULL,
    filed_by      TEXT    NOT NULL REFERENCES account (id),
    filed_at      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    ruled_by      TEXT    REFERENCES account (id),
    ruled_at      TEXT,
    reason        TEXT,
    -- The judgement the acceptance produced.
    judgement     INTEGER CHECK (judgement IS NULL OR judgement >= 1),
    log_entry     BLOB,
    log_index     INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    PRIMARY KEY (filing, seq),
    CHECK ((status = 'pending') = (ruled_at IS NULL)),
    CHECK ((status = 'accepted') = (log_entry IS NOT NULL))
) STRICT;

CREATE INDEX contest_by_status ON contest (status, filing, seq);

-- Documents an exporter attached to a filing: the bytes live under the port's home, named by
-- their SHA-256 (`attachments/<sha256>`); the store keeps what they are and their hash.
CREATE TABLE attachment (
    filing      TEXT    NOT NULL REFERENCES filing (id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    kind        TEXT    NOT NULL
                CHECK (kind IN ('standard_contract', 'pipia', 'cisa_security_attestation',
                                'compliance_programme', 'licence', 'other')),
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL CHECK (length(sha256) = 64),
    bytes       INTEGER NOT NULL CHECK (bytes >= 0),
    attached_by TEXT    NOT NULL REFERENCES account (id),
    attached_at TEXT    NOT NULL,
    PRIMARY KEY (filing, seq)
) STRICT;
