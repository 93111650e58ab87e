-- Subject hashes once per transfer (issue 7): a dataset's categories mostly cover the same
-- people, so each volume entry's own sorted run (`subject_hashes`, 0005) stored every person
-- once per category — ten copies for a ten-category table, 31 MB written and fsync'd for 200,000
-- people. A transfer now keeps one sorted run of all its entries' distinct hashes
-- (`transfer_hashes`, chunked as before), and each entry with hashes a membership bitmap over it
-- (`entry_members`: bit i, least significant first in byte i / 8, says whether the i-th hash of
-- the run is the entry's; NULL when the entry has every hash of the run).
--
-- Entries recorded before this migration keep their own runs in `subject_hashes`, which readers
-- still accept; nothing is rewritten.

CREATE TABLE transfer_hashes (
    transfer INTEGER NOT NULL REFERENCES transfer (seq),
    chunk    INTEGER NOT NULL CHECK (chunk >= 0),
    hashes   BLOB    NOT NULL CHECK (length(hashes) > 0 AND length(hashes) % 16 = 0),
    PRIMARY KEY (transfer, chunk)
) STRICT;

CREATE TABLE entry_members (
    entry   INTEGER NOT NULL PRIMARY KEY REFERENCES volume_entry (seq),
    members BLOB    CHECK (members IS NULL OR length(members) > 0)
) STRICT;
