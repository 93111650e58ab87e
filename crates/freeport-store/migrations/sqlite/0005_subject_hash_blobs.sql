-- Subject hashes as one sorted blob per volume entry (issues 4 and 7): `freeport assess` records
-- the hashes Scan computes for millions of people, and one SQLite row per hash cost about a
-- microsecond to write and another to count. The store now keeps each entry's hashes as
-- 16-byte big-endian values in ascending order, concatenated, and counts the distinct people of
-- a window by merging these sorted lists in memory (crate `freeport-store`, module `count`).
--
-- Hashes are now 128 bits: the first half of the HMAC-SHA-256, as Scan computes them (RFC 2104
-- §5 allows truncating to half the output). Stored 32-byte hashes keep their first 16 bytes,
-- which is what the same person hashes to from now on.
--
-- An entry's blob may be split into chunks (`chunk` 0, 1, ...) so that no single value nears
-- SQLite's 1 GB limit; read in chunk order, the concatenation is sorted and distinct.

CREATE TABLE subject_hashes (
    entry  INTEGER NOT NULL REFERENCES volume_entry (seq),
    chunk  INTEGER NOT NULL CHECK (chunk >= 0),
    hashes BLOB    NOT NULL CHECK (length(hashes) > 0 AND length(hashes) % 16 = 0),
    PRIMARY KEY (entry, chunk)
) STRICT;

-- One chunk per entry from the old rows: truncated, distinct, and concatenated in ascending
-- byte order (`group_concat` joins the bytes unchanged; `ORDER BY` inside it orders them).
INSERT INTO subject_hashes (entry, chunk, hashes)
SELECT entry, 0, CAST(group_concat(hash, '' ORDER BY hash) AS BLOB)
FROM (SELECT DISTINCT entry, substr(hash, 1, 16) AS hash FROM subject_hash)
GROUP BY entry;

-- Two stored hashes that agree on their first 16 bytes are one person now.
UPDATE volume_entry
SET hash_count = COALESCE(
    (SELECT length(h.hashes) / 16 FROM subject_hashes h WHERE h.entry = volume_entry.seq), 0);

DROP TABLE subject_hash;
