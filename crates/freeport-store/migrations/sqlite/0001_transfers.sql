-- Recorded transfers and their per-category volumes (issue 4, part 3).
-- Dates are ISO 8601 calendar dates (`YYYY-MM-DD`), so text order is date order.

CREATE TABLE transfer (
    seq          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE CHECK (length(id) > 0),
    exporter     TEXT    NOT NULL CHECK (length(exporter) > 0),
    counterparty TEXT    NOT NULL CHECK (length(counterparty) > 0),
    date         TEXT    NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    origin       TEXT    NOT NULL,
    destination  TEXT    NOT NULL,
    -- Distinct natural persons across all categories of the transfer, when known.
    individuals  INTEGER CHECK (individuals IS NULL OR individuals >= 0),
    decision     TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL
) STRICT;

-- The China window reads by exporter and date, the US window by exporter, counterparty and date.
CREATE INDEX transfer_exporter_date ON transfer (exporter, date);
CREATE INDEX transfer_pair_date ON transfer (exporter, counterparty, date);
CREATE INDEX transfer_counterparty ON transfer (counterparty);

CREATE TABLE volume_entry (
    seq        INTEGER PRIMARY KEY,
    transfer   INTEGER NOT NULL REFERENCES transfer (seq),
    category   TEXT    NOT NULL CHECK (length(category) > 0),
    unit       TEXT    NOT NULL CHECK (unit IN ('individuals', 'devices')),
    state      TEXT    NOT NULL CHECK (state IN ('raw', 'pseudonymised', 'anonymised')),
    count      INTEGER NOT NULL CHECK (count >= 0),
    -- How many distinct salted subject hashes the entry carries (rows in `subject_hash`).
    hash_count INTEGER NOT NULL CHECK (hash_count >= 0 AND hash_count <= count),
    UNIQUE (transfer, category, state)
) STRICT;

CREATE TABLE subject_hash (
    entry INTEGER NOT NULL REFERENCES volume_entry (seq),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (entry, hash)
) STRICT, WITHOUT ROWID;

-- One unit per category across the whole store, so counts of one category always add up.
CREATE TABLE category_unit (
    category TEXT NOT NULL PRIMARY KEY,
    unit     TEXT NOT NULL CHECK (unit IN ('individuals', 'devices'))
) STRICT, WITHOUT ROWID;

CREATE TABLE rule_pack (
    transfer INTEGER NOT NULL REFERENCES transfer (seq),
    name     TEXT    NOT NULL,
    version  TEXT    NOT NULL,
    hash     TEXT    NOT NULL,
    PRIMARY KEY (transfer, name)
) STRICT, WITHOUT ROWID;
