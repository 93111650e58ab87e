-- PostgreSQL's form of migrations/sqlite/0011_contests_and_attachments.sql: a filing's
-- judgement version, `closed` case sides, contests (overrides once accepted) and attachments.
ALTER TABLE filing ADD COLUMN judgement BIGINT NOT NULL DEFAULT 1 CHECK (judgement >= 1);

ALTER TABLE case_side DROP CONSTRAINT case_side_status_check;
ALTER TABLE case_side ADD CONSTRAINT case_side_status_check
    CHECK (status IN ('open', 'approved', 'approved_with_conditions', 'refused', 'closed'));

CREATE TABLE contest (
    filing        TEXT   NOT NULL REFERENCES filing (id),
    seq           BIGINT NOT NULL CHECK (seq >= 1),
    category      TEXT   NOT NULL,
    collected_in  TEXT   NOT NULL,
    source        TEXT,
    becomes       TEXT   NOT NULL,
    justification TEXT   NOT NULL,
    filed_by      TEXT   NOT NULL REFERENCES account (id),
    filed_at      TEXT   NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    ruled_by      TEXT   REFERENCES account (id),
    ruled_at      TEXT,
    reason        TEXT,
    judgement     BIGINT CHECK (judgement IS NULL OR judgement >= 1),
    log_entry     BYTEA,
    log_index     BIGINT CHECK (log_index IS NULL OR log_index >= 0),
    PRIMARY KEY (filing, seq),
    CHECK ((status = 'pending') = (ruled_at IS NULL)),
    CHECK ((status = 'accepted') = (log_entry IS NOT NULL))
);

CREATE INDEX contest_by_status ON contest (status, filing, seq);

CREATE TABLE attachment (
    filing      TEXT   NOT NULL REFERENCES filing (id),
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    kind        TEXT   NOT NULL
                CHECK (kind IN ('standard_contract', 'pipia', 'cisa_security_attestation',
                                'compliance_programme', 'licence', 'other')),
    file_name   TEXT   NOT NULL,
    sha256      TEXT   NOT NULL CHECK (length(sha256) = 64),
    bytes       BIGINT NOT NULL CHECK (bytes >= 0),
    attached_by TEXT   NOT NULL REFERENCES account (id),
    attached_at TEXT   NOT NULL,
    PRIMARY KEY (filing, seq)
);
