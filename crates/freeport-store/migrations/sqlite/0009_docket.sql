-- The port's docket (issue 13): who may act (organisations and accounts, each with a role and a
-- hashed API token), what exporters filed and how each was routed, the case each country's
-- reviewers decide for a filing (one row per side that needs review), the questions and answers
-- exchanged on a case, and an append-only journal of every state change and who made it.


CREATE TABLE organisation (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE account (
    id           TEXT NOT NULL PRIMARY KEY,
    role         TEXT NOT NULL
                 CHECK (role IN ('exporter', 'cn_reviewer', 'us_reviewer', 'auditor', 'admin')),
    -- Exporters act for one organisation; no other role belongs to one.
    organisation TEXT REFERENCES organisation (id),
    name         TEXT NOT NULL,
    -- SHA-256 of the API token; the token itself is shown once and never stored.
    token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    -- A reviewer's Ed25519 verifier key (signed-note form): decisions must carry its signature.
    public_key   TEXT,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    CHECK ((role = 'exporter') = (organisation IS NOT NULL))
) STRICT;

CREATE TABLE filing (
    id           TEXT NOT NULL PRIMARY KEY,
    organisation TEXT NOT NULL REFERENCES organisation (id),
    filed_by     TEXT NOT NULL REFERENCES account (id),
    filed_at     TEXT NOT NULL,
    -- The facts as filed (JSON) and the decision both packs gave at filing (JSON).
    facts        TEXT NOT NULL,
    decision     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('cleared', 'in_review', 'refused')),
    -- Set once cleared: the transfer recorded in the store under the filing's id.
    cleared_at   TEXT
) STRICT;

CREATE INDEX filing_by_organisation ON filing (organisation, filed_at, id);

CREATE TABLE case_side (
    filing         TEXT    NOT NULL REFERENCES filing (id),
    side           TEXT    NOT NULL CHECK (side IN ('cn', 'us')),
    -- The side's outcome at filing, which is why it needs review.
    outcome        TEXT    NOT NULL,
    status         TEXT    NOT NULL
                   CHECK (status IN ('open', 'approved', 'approved_with_conditions', 'refused')),
    decided_by     TEXT    REFERENCES account (id),
    decided_at     TEXT,
    -- JSON arrays of strings.
    conditions     TEXT,
    public_reasons TEXT,
    -- The reviewer's signature over the decision's log entry, and the entry's log index.
    signature      TEXT,
    log_index      INTEGER CHECK (log_index IS NULL OR log_index >= 0),
    PRIMARY KEY (filing, side),
    CHECK ((status = 'open') = (decided_at IS NULL))
) STRICT;

CREATE INDEX case_side_queue ON case_side (side, status, filing);

CREATE TABLE case_message (
    filing TEXT    NOT NULL REFERENCES filing (id),
    seq    INTEGER NOT NULL CHECK (seq >= 1),
    author TEXT    NOT NULL REFERENCES account (id),
    at     TEXT    NOT NULL,
    body   TEXT    NOT NULL,
    PRIMARY KEY (filing, seq)
) STRICT;

CREATE TABLE access_journal (
    seq     INTEGER NOT NULL PRIMARY KEY,
    at      TEXT    NOT NULL,
    account TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL
) STRICT;

CREATE TRIGGER access_journal_no_update BEFORE UPDATE ON access_journal
BEGIN
    SELECT RAISE(ABORT, 'the access journal is append-only');
END;

CREATE TRIGGER access_journal_no_delete BEFORE DELETE ON access_journal
BEGIN
    SELECT RAISE(ABORT, 'the access journal is append-only');
END;
