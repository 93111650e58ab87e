-- Subject hashes once per transfer (issue 7): PostgreSQL's form of
-- migrations/sqlite/0006_transfer_hash_runs.sql (one sorted run per transfer, each entry a
-- membership bitmap over it, NULL when it has every hash of the run).

CREATE TABLE transfer_hashes (
    transfer BIGINT NOT NULL REFERENCES transfer (seq),
    chunk    BIGINT NOT NULL CHECK (chunk >= 0),
    hashes   BYTEA  NOT NULL CHECK (length(hashes) > 0 AND length(hashes) % 16 = 0),
    PRIMARY KEY (transfer, chunk)
);

CREATE TABLE entry_members (
    entry   BIGINT NOT NULL PRIMARY KEY REFERENCES volume_entry (seq),
    members BYTEA  CHECK (members IS NULL OR length(members) > 0)
);
