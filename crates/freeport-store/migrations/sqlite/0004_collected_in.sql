-- Where each volume entry's data was collected (issue 4): China counts only personal information
-- collected or generated in China (CAC16 Art. 2; PIPL Art. 3), the DSP only data on U.S. persons
-- (28 CFR 202.205), so the two counters read different entries of one transfer. One transfer may
-- hold the same category from both countries (e.g. HR data on staff in each), so the column joins
-- the entry's unique key, which SQLite can only change by rebuilding the table.
--
-- Entries recorded before this migration did not say where their data came from; they become
-- `unknown`, which both countries' windows count, so an old entry can only raise a burden.

CREATE TABLE volume_entry_new (
    seq          INTEGER PRIMARY KEY,
    transfer     INTEGER NOT NULL REFERENCES transfer (seq),
    category     TEXT    NOT NULL CHECK (length(category) > 0),
    unit         TEXT    NOT NULL CHECK (unit IN ('individuals', 'devices')),
    state        TEXT    NOT NULL CHECK (state IN ('raw', 'pseudonymised', 'anonymised')),
    collected_in TEXT    NOT NULL CHECK (collected_in IN ('cn', 'us', 'other', 'unknown')),
    count        INTEGER NOT NULL CHECK (count >= 0),
    hash_count   INTEGER NOT NULL CHECK (hash_count >= 0 AND hash_count <= count),
    UNIQUE (transfer, category, state, collected_in)
) STRICT;

INSERT INTO volume_entry_new (seq, transfer, category, unit, state, collected_in, count, hash_count)
SELECT seq, transfer, category, unit, state, 'unknown', count, hash_count FROM volume_entry;

-- `subject_hash` refers to `volume_entry`, so it is rebuilt too (entries keep their `seq`) and
-- dropped first: with foreign keys on, a table still referred to cannot be dropped cleanly.
CREATE TABLE subject_hash_new (
    entry INTEGER NOT NULL REFERENCES volume_entry_new (seq),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (entry, hash)
) STRICT, WITHOUT ROWID;

INSERT INTO subject_hash_new (entry, hash) SELECT entry, hash FROM subject_hash;

DROP TABLE subject_hash;
DROP TABLE volume_entry;
-- Renaming also rewrites `subject_hash_new`'s reference to the new name.
ALTER TABLE volume_entry_new RENAME TO volume_entry;
ALTER TABLE subject_hash_new RENAME TO subject_hash;

-- A category keeps one unit per place of collection: precise geolocation counts U.S. devices for
-- the DSP (28 CFR 202.205(c)) but natural persons for China (CAC16 Art. 7).
CREATE TABLE category_unit_new (
    category     TEXT NOT NULL,
    collected_in TEXT NOT NULL CHECK (collected_in IN ('cn', 'us', 'other', 'unknown')),
    unit         TEXT NOT NULL CHECK (unit IN ('individuals', 'devices')),
    PRIMARY KEY (category, collected_in)
) STRICT, WITHOUT ROWID;

INSERT INTO category_unit_new (category, collected_in, unit)
SELECT category, 'unknown', unit FROM category_unit;

DROP TABLE category_unit;
ALTER TABLE category_unit_new RENAME TO category_unit;

-- The windows filter entries by where they were collected.
CREATE INDEX volume_entry_transfer ON volume_entry (transfer, collected_in);
