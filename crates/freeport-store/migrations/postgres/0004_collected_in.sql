-- Where each volume entry's data was collected (issue 4): PostgreSQL's form of
-- migrations/sqlite/0004_collected_in.sql. PostgreSQL changes the unique keys in place where
-- SQLite rebuilds the tables; entries recorded before it become `unknown`, which both windows
-- count.

ALTER TABLE volume_entry ADD COLUMN collected_in TEXT NOT NULL DEFAULT 'unknown'
    CHECK (collected_in IN ('cn', 'us', 'other', 'unknown'));
ALTER TABLE volume_entry ALTER COLUMN collected_in DROP DEFAULT;
ALTER TABLE volume_entry DROP CONSTRAINT volume_entry_transfer_category_state_key;
ALTER TABLE volume_entry ADD UNIQUE (transfer, category, state, collected_in);

-- A category keeps one unit per place of collection.
ALTER TABLE category_unit ADD COLUMN collected_in TEXT NOT NULL DEFAULT 'unknown'
    CHECK (collected_in IN ('cn', 'us', 'other', 'unknown'));
ALTER TABLE category_unit ALTER COLUMN collected_in DROP DEFAULT;
ALTER TABLE category_unit DROP CONSTRAINT category_unit_pkey;
ALTER TABLE category_unit ADD PRIMARY KEY (category, collected_in);

-- The windows filter entries by where they were collected.
CREATE INDEX volume_entry_transfer ON volume_entry (transfer, collected_in);
