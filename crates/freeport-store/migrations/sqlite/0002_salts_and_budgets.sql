-- Per-exporter subject-hash salts (never exported) and the DP privacy-budget ledger (issue 5).

CREATE TABLE subject_salt (
    exporter   TEXT NOT NULL PRIMARY KEY,
    salt       BLOB NOT NULL CHECK (length(salt) = 32),
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Budgets are fixed-point integers (epsilon in units of 1e-9, delta in units of 1e-18) so that
-- accounting is exact: spends round up, limits round down.
CREATE TABLE budget_limit (
    dataset       TEXT    NOT NULL PRIMARY KEY CHECK (length(dataset) > 0),
    epsilon_units INTEGER NOT NULL CHECK (epsilon_units >= 0),
    delta_units   INTEGER NOT NULL CHECK (delta_units >= 0),
    set_at        TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE budget_spend (
    seq           INTEGER PRIMARY KEY,
    dataset       TEXT    NOT NULL REFERENCES budget_limit (dataset),
    epsilon_units INTEGER NOT NULL CHECK (epsilon_units >= 0),
    delta_units   INTEGER NOT NULL CHECK (delta_units >= 0),
    description   TEXT    NOT NULL,
    spent_at      TEXT    NOT NULL
) STRICT;

CREATE INDEX budget_spend_dataset ON budget_spend (dataset);
