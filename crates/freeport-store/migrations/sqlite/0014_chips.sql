-- Chips (issue 19 items 3–5): on-site verification reports signed by both sides, the
-- whitelist of organisations and product classes with validity and re-evaluation dates, the
-- bilateral review cases about them (applications, re-evaluations, anomalies), and the
-- devices of the end-use monitoring pilot with their attestations. Records are kept as the
-- chips engine's JSON (`freeport_chips::assurance`); the columns are what is looked up.
-- Each logged record queues its log entry here in the transaction that stores it, appended
-- after the commit (and by the port when it next opens, after a crash).

-- A verification report, both sides' signed notes over its `attestation` entry, and the entry.
CREATE TABLE chips_verification (
    seq           INTEGER PRIMARY KEY,
    organisation  TEXT    NOT NULL,
    visited_on    TEXT    NOT NULL,
    report        TEXT    NOT NULL,
    report_sha256 TEXT    NOT NULL CHECK (length(report_sha256) = 64),
    cn_signer     TEXT    NOT NULL REFERENCES account (id),
    cn_signature  TEXT    NOT NULL,
    us_signer     TEXT    NOT NULL REFERENCES account (id),
    us_signature  TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    log_entry     BLOB    NOT NULL,
    log_index     INTEGER CHECK (log_index IS NULL OR log_index >= 0)
) STRICT;

CREATE INDEX chips_verification_by_organisation ON chips_verification (organisation, seq);

-- A case both sides review: what it is about and the evidence (SHA-256s) a decision binds.
CREATE TABLE chips_case (
    id            TEXT NOT NULL PRIMARY KEY,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('whitelist_application', 're_evaluation', 'anomaly')),
    organisation  TEXT NOT NULL,
    product_class TEXT NOT NULL,
    -- The device's serial for an anomaly; the verification's number otherwise.
    subject       TEXT NOT NULL,
    -- JSON: the application, or the anomaly's description.
    detail        TEXT NOT NULL,
    -- JSON array of the SHA-256s decided on.
    evidence      TEXT NOT NULL,
    opened_by     TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('in_review', 'approved', 'refused'))
) STRICT;

CREATE INDEX chips_case_by_subject ON chips_case (kind, subject, status);

-- Each side's decision on a case, as `case_side` holds a filing's.
CREATE TABLE chips_case_side (
    case_id           TEXT    NOT NULL REFERENCES chips_case (id),
    side              TEXT    NOT NULL CHECK (side IN ('cn', 'us')),
    status            TEXT    NOT NULL
                      CHECK (status IN ('open', 'approved', 'approved_with_conditions',
                                        'refused', 'closed')),
    decided_by        TEXT    REFERENCES account (id),
    decided_at        TEXT,
    conditions        TEXT,
    public_reasons    TEXT,
    signature         TEXT,
    log_entry         BLOB,
    publication_entry BLOB,
    log_index         INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    PRIMARY KEY (case_id, side),
    CHECK ((status IN ('open', 'closed')) = (decided_at IS NULL))
) STRICT;

-- A listing (JSON, `freeport_chips::assurance::whitelist::Listing`); at most one not removed
-- per organisation and product class. Its status on a day is computed from its dates.
CREATE TABLE chips_listing (
    seq           INTEGER PRIMARY KEY,
    organisation  TEXT    NOT NULL,
    product_class TEXT    NOT NULL,
    listing       TEXT    NOT NULL,
    case_id       TEXT    NOT NULL REFERENCES chips_case (id),
    removed       INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
) STRICT;

CREATE UNIQUE INDEX chips_listing_current ON chips_listing (organisation, product_class)
    WHERE removed = 0;

-- A registered device (JSON, `freeport_chips::assurance::monitoring::Device`).
CREATE TABLE chips_device (
    serial        TEXT NOT NULL PRIMARY KEY,
    organisation  TEXT NOT NULL,
    device        TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL
) STRICT;

-- An attestation (JSON) with the anomalies found in it and its `attestation` log entry.
CREATE TABLE chips_attestation (
    serial        TEXT    NOT NULL REFERENCES chips_device (serial),
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    attested_at   TEXT    NOT NULL,
    record        TEXT    NOT NULL,
    record_sha256 TEXT    NOT NULL CHECK (length(record_sha256) = 64),
    anomalies     TEXT    NOT NULL,
    submitted_by  TEXT    NOT NULL,
    submitted_at  TEXT    NOT NULL,
    log_entry     BLOB    NOT NULL,
    log_index     INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    PRIMARY KEY (serial, seq)
) STRICT;
