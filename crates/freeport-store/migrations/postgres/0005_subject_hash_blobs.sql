-- Subject hashes as one sorted blob per volume entry (issues 4 and 7): PostgreSQL's form of
-- migrations/sqlite/0005_subject_hash_blobs.sql (16-byte big-endian values in ascending order,
-- concatenated, in chunks read in chunk order).

CREATE TABLE subject_hashes (
    entry  BIGINT NOT NULL REFERENCES volume_entry (seq),
    chunk  BIGINT NOT NULL CHECK (chunk >= 0),
    hashes BYTEA  NOT NULL CHECK (length(hashes) > 0 AND length(hashes) % 16 = 0),
    PRIMARY KEY (entry, chunk)
);

-- One chunk per entry from the old rows: truncated, distinct, concatenated in ascending order.
INSERT INTO subject_hashes (entry, chunk, hashes)
SELECT entry, 0, string_agg(hash, ''::bytea ORDER BY hash)
FROM (SELECT DISTINCT entry, substring(hash FROM 1 FOR 16) AS hash FROM subject_hash) AS old
GROUP BY entry;

-- Two stored hashes that agree on their first 16 bytes are one person now.
UPDATE volume_entry
SET hash_count = COALESCE(
    (SELECT length(h.hashes) / 16 FROM subject_hashes h WHERE h.entry = volume_entry.seq), 0);

DROP TABLE subject_hash;
